import { PrismaClient } from './__generated__/prisma/client.js';
import type { PrismaPg } from '@prisma/adapter-pg';

export type AuditClient = PrismaClient;
export const createAuditClient = (adapter: PrismaPg): AuditClient => new PrismaClient({ adapter });
