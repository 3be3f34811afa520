import { request } from 'undici';
import type { Route } from '#common/http.js';
import { sendJson } from '#common/http.js';

/**
 * `/readyz`: every subgraph's own /readyz (its database included) answers 200 within the timeout.
 * Names only, no URLs. (A GraphQL probe would need a signed identity; readiness needs none.)
 */
export function readinessRoute(subgraphs: () => { name: string; url: string }[], timeoutMs: number): Route {
  return async (_req, res) => {
    const checks = await Promise.all(
      subgraphs().map(async ({ name, url }) => {
        try {
          const r = await request(new URL('/readyz', url), { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
          await r.body.dump();
          return { name, ok: r.statusCode === 200 };
        } catch {
          return { name, ok: false };
        }
      }),
    );
    const ready = checks.every((c) => c.ok);
    sendJson(res, ready ? 200 : 503, {
      status: ready ? 'ready' : 'not ready',
      subgraphs: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'up' : 'down'])),
    });
  };
}
