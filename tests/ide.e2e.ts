import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startStack, type Stack } from './helpers/stack.js';

let dev: Stack;
beforeAll(async () => {
  dev = await startStack({ gatewayEnv: { NODE_ENV: 'development' } });
});
afterAll(() => dev?.stop());

const get = async (url: string, accept = '*/*') => {
  const res = await request(url, { headers: { accept } });
  return { status: res.statusCode, type: String(res.headers['content-type']), body: await res.body.text() };
};

describe('GraphiQL in development, offline', () => {
  it('serves the IDE page to a browser, referring only to the gateway’s own assets', async () => {
    const page = await get(dev.gatewayUrl, 'text/html,application/xhtml+xml');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.sort()).toEqual(['/ide/graphiql.css', '/ide/graphiql.js', '/ide/react-dom.js', '/ide/react.js']);
    expect(page.body).not.toMatch(/https?:\/\//);
  });

  it.each([
    ['/ide/react.js', 'text/javascript', 'react.production.min.js'],
    ['/ide/react-dom.js', 'text/javascript', 'react-dom.production.min.js'],
    ['/ide/graphiql.js', 'text/javascript', 'GraphiQL'],
    ['/ide/graphiql.css', 'text/css', '.graphiql-container'],
  ])('serves %s from node_modules', async (path, type, marker) => {
    const asset = await get(dev.gatewayUrl.replace('/graphql', path));
    expect(asset.status).toBe(200);
    expect(asset.type).toContain(type);
    expect(asset.body).toContain(marker);
  });

  it('lets the IDE introspect the schema in development', async () => {
    const res = await dev.query<{ __schema: { queryType: { name: string } } }>('{ __schema { queryType { name } } }');
    expect(res.body.data!.__schema.queryType.name).toBe('Query');
  });
});
