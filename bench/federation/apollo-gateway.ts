/**
 * Gateway (2) of `npm run bench:gateway`: plain @apollo/gateway on @apollo/server with their
 * defaults, as graphql-hive/graphql-gateways-benchmark runs it (gateways/apollo-gateway/index.ts):
 * ApolloGateway({ supergraphSdl }) + startStandaloneServer, one process (the public benchmark forks
 * availableParallelism() − 1 workers: on a 2-core machine that is one serving process too).
 * Env: SUPERGRAPH_PATH, PORT, HOST.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway } from '@apollo/gateway';

const supergraphPath = process.env.SUPERGRAPH_PATH;
if (!supergraphPath) {
  console.error('bench/federation/apollo-gateway.ts needs SUPERGRAPH_PATH');
  process.exit(2);
}
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: process.env.PORT ? Number(process.env.PORT) : 4000, host: process.env.HOST ?? '127.0.0.1' },
});
console.log(`apollo gateway ready at ${url}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
