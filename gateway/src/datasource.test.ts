import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { HeaderMap } from '@apollo/server';
import { HubDataSource, withoutServiceName } from './datasource.js';
import { createSubgraphFetcher } from './subgraph-fetcher.js';
import { createLogger } from '#common/logger.js';
import { anonymousIdentity } from '#common/identity.js';
import { createIdentitySigner } from '#common/identity-signature.js';
import { generateKeyPairSync } from 'node:crypto';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function subgraphAnswering(status: number, body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const send = async (url: string, development = false) => {
  const http = createSubgraphFetcher({ timeoutMs: 1_000, connections: 1 });
  const source = new HubDataSource('directory', url, http.fetcher, createIdentitySigner(generateKeyPairSync('ed25519').privateKey), {
    development,
  });
  try {
    return await source.process({
      kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      request: { query: '{ __typename }', http: { method: 'POST', url, headers: new HeaderMap() } },
      context: { requestId: 'r1', log: createLogger({ level: 'silent' }), identity: anonymousIdentity, reason: null },
      incomingRequestContext: {} as never,
    } as never);
  } catch (err) {
    return err;
  } finally {
    await http.close();
  }
};

describe('HubDataSource', () => {
  it('turns a failing subgraph into SUBGRAPH_UNAVAILABLE with no URL or body', async () => {
    const url = await subgraphAnswering(500, '<h1>stack trace at /srv/internal/host 10.0.0.7</h1>');
    const err = await send(url);
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'directory' });
    expect(JSON.stringify({ message: (err as GraphQLError).message, ext: (err as GraphQLError).extensions })).not.toMatch(
      /127\.0\.0\.1|10\.0\.0\.7|stack/,
    );
  });

  it('keeps the meaning of a refusal, without the response', async () => {
    const err = await send(await subgraphAnswering(403, 'forbidden: internal detail'));
    expect((err as GraphQLError).extensions).toEqual({ code: 'FORBIDDEN', serviceName: 'directory' });
    expect((err as GraphQLError).message).not.toContain('internal detail');
  });

  it('a subgraph that is down is unavailable too', async () => {
    const err = await send('http://127.0.0.1:1/graphql');
    expect((err as GraphQLError).extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('names the subgraph in its message in development only (the extension stays for the log)', async () => {
    const url = await subgraphAnswering(500, 'down');
    expect(((await send(url, true)) as GraphQLError).message).toBe('Subgraph "directory" is unavailable');
    expect(((await send(url, false)) as GraphQLError).message).toBe('A subgraph is unavailable');
  });
});

describe('withoutServiceName', () => {
  it('drops serviceName from what the client gets and keeps everything else', () => {
    const format = withoutServiceName((formatted) => formatted);
    expect(
      format(
        { message: 'Forbidden', path: ['staff'], extensions: { code: 'FORBIDDEN', field: 'Staff.nodes', serviceName: 'directory' } },
        null,
      ),
    ).toEqual({ message: 'Forbidden', path: ['staff'], extensions: { code: 'FORBIDDEN', field: 'Staff.nodes' } });
    expect(format({ message: 'x', extensions: { code: 'BAD_USER_INPUT' } }, null)).toEqual({
      message: 'x',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(format({ message: 'x' }, null)).toEqual({ message: 'x' });
  });
});
