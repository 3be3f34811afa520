import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request } from 'undici';
import { listen } from '#common/http.js';
import { createGate, type Gate } from './gate.js';

/**
 * An HTTP hop in front of a subgraph running out of the test's reach (behind a gateway in another
 * process): it passes requests through, and after `hold()` keeps each one until the test opens the
 * returned gate, counting what arrived. A test thus sees an execution reach the subgraph and
 * decides when it may finish, instead of hoping requests overlap.
 */
export interface HeldProxy {
  /** Same path as the target's. */
  url: string;
  /** From now on, hold requests until the returned gate is opened (an earlier hold's are let go); counts start again at zero. */
  hold(): Gate;
  /** Requests that arrived since the last hold() (or since the start). */
  arrived(): number;
  close(): Promise<void>;
}

/** Hop-by-hop headers, and the ones the forwarding request sets itself. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection']);
const forwardable = (headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name, value]) => value !== undefined && !NOT_FORWARDED.has(name.toLowerCase())),
  ) as Record<string, string | string[]>;

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startHeldProxy(target: string): Promise<HeldProxy> {
  let gate = createGate();
  gate.open();
  let arrived = 0;
  const server = createServer((req, res) => {
    arrived++;
    const held = gate.opened;
    void (async () => {
      const body = await readAll(req);
      await held;
      const upstream = await request(new URL(req.url ?? '/', target), {
        method: (req.method ?? 'GET') as 'GET',
        headers: forwardable(req.headers),
        body: body.length ? body : undefined,
      });
      const payload = Buffer.from(await upstream.body.arrayBuffer());
      res.writeHead(upstream.statusCode, { ...forwardable(upstream.headers), 'content-length': String(payload.length) });
      res.end(payload);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  const running = await listen(server, 0, '127.0.0.1', new URL(target).pathname);
  return {
    url: running.url,
    hold: () => {
      gate.open(); // whatever an earlier hold kept goes on
      gate = createGate();
      arrived = 0;
      return gate;
    },
    arrived: () => arrived,
    close: () => {
      gate.open();
      return running.close(1_000);
    },
  };
}
