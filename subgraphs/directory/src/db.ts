import { PrismaClient } from './__generated__/prisma/client.js';
import type { PrismaPg } from '@prisma/adapter-pg';

export type DirectoryClient = PrismaClient;
export const createDirectoryClient = (adapter: PrismaPg): DirectoryClient => new PrismaClient({ adapter });
