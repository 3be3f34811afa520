// The Prisma CLI's configuration for any hub subgraph — one factory instead of a copied
// prisma.config.ts per subgraph. The subgraph is named by HUB_SUBGRAPH; `npm run prisma -- <name>
// <command…>` (scripts/prisma.ts) sets it and passes `--config prisma/prisma.config.ts`. This is the
// CLI process's config module: its environment is read here, once.
import { defineConfig } from 'prisma/config';
import { subgraphPrismaConfig } from './engine/config.js';

export default defineConfig(subgraphPrismaConfig(process.env));
