import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import type { Route } from '#common/http.js';

const require = createRequire(import.meta.url);

/** GraphiQL served from node_modules — no CDN, so it works on an air-gapped network. */
const assets: Record<string, { pkg: string; file: string; type: string }> = {
  '/ide/react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  '/ide/react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  '/ide/graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  '/ide/graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

/** react and react-dom export no ./umd/* subpath: locate each package by its package.json instead. */
const assetPath = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

/** Every request needs a bearer token: the Headers tab starts with where to get one (README.md, the first query). */
const HEADERS_HINT = '{\n  "authorization": "Bearer <paste the output of: npm run -s token -- supervisor>"\n}';

const page = (endpoint: string, example: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Integrity Hub — GraphiQL</title>
<link rel="stylesheet" href="/ide/graphiql.css"><style>html,body,#ide{height:100%;margin:0}</style></head>
<body><div id="ide"></div>
<script src="/ide/react.js"></script><script src="/ide/react-dom.js"></script><script src="/ide/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  ReactDOM.createRoot(document.getElementById('ide')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(example)}, defaultHeaders: ${JSON.stringify(HEADERS_HINT)}, defaultEditorToolsVisibility: true }));
</script></body></html>`;

/** Routes for the IDE: the page (GET /graphql from a browser) and its assets. */
export function ideRoutes(endpoint: string, exampleQuery: string): { page: Route; assets: Record<string, Route> } {
  const cache = new Map<string, Buffer>();
  const assetRoutes: Record<string, Route> = {};
  for (const [path, { pkg, file, type }] of Object.entries(assets)) {
    assetRoutes[path] = (_req, res) => {
      let body = cache.get(path);
      if (!body) cache.set(path, (body = readFileSync(assetPath(pkg, file))));
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
      res.end(body);
    };
  }
  const html = page(endpoint, exampleQuery);
  return {
    page: (_req, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    },
    assets: assetRoutes,
  };
}
