import { createLogger, type Logger } from '#common/logger.js';
import { listen } from '#common/http.js';
import { createTestDatabase } from '#platform/db/test-database.js';
import { auditWriterUrl } from '#platform/db/provision.js';
import { startSubgraph, type RunningSubgraph } from '#platform/subgraph.js';
import { subgraphNames, subgraphNamed, type SubgraphName } from '../../subgraphs/registry.js';
import { loadGatewayConfig } from '../../gateway/src/config.js';
import { createGateway } from '../../gateway/src/server.js';
import { gql, type GraphQLResponse } from './graphql.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { compose, hubSubgraphs } from '../../scripts/lib/supergraph.js';
import type { AnySubgraph } from '#platform/subgraph.js';
import type { FeedRunner } from '#platform/feed/http.js';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { startDevIdentityProvider, type DevIdentityProvider } from '../../gateway/src/dev-idp/index.js';
import type { Gateway } from '../../gateway/src/server.js';

/** The account every stack query uses unless told otherwise: a supervisor of the whole province (all fixtures). */
export const DEFAULT_USER = 'province-supervisor';
export const FEED_CLIENT = 'test-feed';

/** What a test reads of an answer it does not type: tests name the type where it matters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of any shape, read by assertions
type AnyData = Record<string, any>;

export interface Stack {
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  /** As DEFAULT_USER (a bearer token from the stack's identity provider). */
  query: <T = AnyData>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;
  /** As someone else: a username or machine client id of `idp` (accounts are added with idp.addAccount). */
  as: (
    who: string,
  ) => <T = AnyData>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;
  /**
   * As the machine client FEED_CLIENT (region 330000): every document is first registered on its
   * persisted-operation allow-list, as its operator would have done.
   */
  feed: <T = AnyData>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<GraphQLResponse<T>>;
  /** A bearer token for a username or client id (cached per stack). */
  token(who: string): Promise<string>;
  idp: DevIdentityProvider;
  gateway: Gateway;
  /** The gateway's identity key pair of this stack (tests that play gateway, or attacker). */
  identityKeys: { privateKey: KeyObject; publicKey: KeyObject };
  /**
   * Another gateway on this stack's subgraphs, configured as the stack's own plus `env` (e.g. a
   * SUBGRAPH_URL_<NAME> of the test's choosing), on port 0; stopped by stop() or with the stack.
   */
  startGateway(env?: Record<string, string>): Promise<RunningGateway>;
  stop(): Promise<void>;
}

export interface RunningGateway {
  url: string;
  gateway: Gateway;
  stop(): Promise<void>;
}

/**
 * The real thing on port 0: a fresh PostgreSQL database (created and dropped here), every
 * subgraph over HTTP, and the gateway serving the committed supergraph with URL overrides.
 */
export async function startStack(
  opts: {
    gatewayEnv?: Record<string, string>;
    subgraphs?: SubgraphName[];
    extra?: AnySubgraph[];
    log?: Logger;
    /** The gateway's rate-limit clock (tests/helpers/clock.ts); default the real one. */
    clock?: () => number;
    /** Runs the feeds of the `extra` subgraphs that declare some (their `POST /feeds/<kind>`). */
    feedRunner?: FeedRunner;
  } = {},
): Promise<Stack> {
  const names = opts.subgraphs ?? [...subgraphNames];
  const log = opts.log ?? createLogger({ level: (process.env.TEST_LOG_LEVEL as 'error') ?? 'silent' });
  const database = await createTestDatabase({ subgraphs: names });
  const subgraphs: Record<string, RunningSubgraph<unknown>> = {};
  const stops: (() => Promise<void>)[] = [() => database.drop()];
  // The gateway's identity key for this stack only: subgraphs trust nothing else.
  const keys = generateKeyPairSync('ed25519');
  try {
    const idp = await startDevIdentityProvider({ port: 0, nodeEnv: 'test' });
    stops.push(() => idp.stop());
    idp.addAccount({ username: DEFAULT_USER, password: 'test', roles: ['supervisor'], regionCode: '330000' });
    idp.addMachineClient({ clientId: FEED_CLIENT, secret: 'test-feed-secret', roles: ['machine-client'], regionCode: '330000' });
    for (const name of names) {
      const sub = await startSubgraph(subgraphNamed(name), {
        databaseUrl: database.urlFor(name),
        port: 0,
        log,
        development: false,
        identityKey: keys.publicKey,
        feedPeers: { urls: () => new Map(Object.entries(subgraphs).map(([n, s]) => [n, s.url])), embedded: false },
      });
      subgraphs[name] = sub;
      stops.push(() => sub.close());
    }
    for (const def of opts.extra ?? []) {
      const sub = await startSubgraph(def, {
        port: 0,
        log,
        development: false,
        identityKey: keys.publicKey,
        feedRunner: opts.feedRunner,
        feedPeers: { urls: () => new Map(Object.entries(subgraphs).map(([n, s]) => [n, s.url])), embedded: false },
      });
      subgraphs[def.name] = sub;
      stops.push(() => sub.close());
    }
    const all = [...names, ...(opts.extra ?? []).map((d) => d.name)];
    const env = {
      SUPERGRAPH_PATH: opts.extra?.length ? composeWith(opts.extra) : 'schema/supergraph.graphql',
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      KEYCLOAK_URL: idp.serverUrl,
      KEYCLOAK_REALM: idp.realm,
      KEYCLOAK_AUDIENCE: idp.audience,
      ...('audit' in subgraphs ? { AUDIT_WRITER_DATABASE_URL: auditWriterUrl(database.adminUrl), AUDIT_FLUSH_MS: '20' } : {}),
      ...Object.fromEntries(all.map((n) => [`SUBGRAPH_URL_${n.toUpperCase()}`, subgraphs[n]!.url])),
      ...opts.gatewayEnv,
    };
    const startGateway = async (extraEnv: Record<string, string> = {}): Promise<RunningGateway> => {
      const gateway = await createGateway(loadGatewayConfig({ ...env, ...extraEnv }), log, {
        signingKey: keys.privateKey,
        clock: opts.clock,
      });
      let http: Awaited<ReturnType<typeof listen>>;
      try {
        http = await listen(gateway.server, 0);
      } catch (err) {
        await gateway.stop();
        throw err;
      }
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await http.close(1_000);
        await gateway.stop();
      };
      stops.push(stop);
      return { url: http.url, gateway, stop };
    };
    const { url: gatewayUrl, gateway } = await startGateway();
    const tokens = new Map<string, Promise<string>>();
    const token = (who: string) => {
      let t = tokens.get(who);
      if (!t) tokens.set(who, (t = idp.tokenFor(who, { ttlSeconds: 3600 })));
      return t;
    };
    const as =
      (who: string) =>
      async <T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
        gql<T>(gatewayUrl, query, variables, { authorization: `Bearer ${await token(who)}`, ...headers });
    return {
      gatewayUrl,
      subgraphs,
      database,
      idp,
      gateway,
      identityKeys: keys,
      startGateway,
      token,
      as,
      query: as(DEFAULT_USER),
      feed: <T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
        gateway.allowList.register(FEED_CLIENT, query);
        return as(FEED_CLIENT)<T>(query, variables, headers);
      },
      stop: async () => {
        for (const fn of stops.reverse()) await fn();
      },
    };
  } catch (err) {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    throw err;
  }
}

/** The hub's subgraphs plus test subgraphs, composed into a temporary supergraph file. */
function composeWith(extra: AnySubgraph[]): string {
  const result = compose([
    ...hubSubgraphs(),
    ...extra.map((d) => ({ name: d.name, url: `http://localhost/${d.name}`, sdl: print(d.typeDefs) })),
  ]);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const file = join(mkdtempSync(join(tmpdir(), 'ih-supergraph-')), 'supergraph.graphql');
  writeFileSync(file, result.supergraphSdl);
  return file;
}
