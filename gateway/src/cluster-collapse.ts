import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '#common/logger.js';
import type { CollapsePeers, SharedResponse } from './answer-sharing.js';

/**
 * Collapsing across cluster workers (GATEWAY_WORKERS > 1). Within a worker, identical queries in
 * flight already share one execution (collapse.ts); without this, every worker would run its own.
 * Before running a key, a worker's leading request asks the supervisor: if another worker is
 * running the same key, this one waits for that answer instead; otherwise it runs and, when done,
 * hands the answer to the supervisor, which forwards it to the waiting workers. The key is the
 * same scope-bound key as within a worker, so no answer crosses an identity scope. A worker that
 * fails or dies releases its waiters, which then run the operation themselves.
 */

type Waiter = { worker: number; id: number };

/** The supervisor's bookkeeping, kept pure for tests: which key runs where, and who waits for it. */
export class CollapseRegistry {
  private readonly running = new Map<string, { owner: number; waiters: Waiter[] }>();

  /** 'lead': run it and report; 'wait': another worker runs it. */
  join(key: string, waiter: Waiter): 'lead' | 'wait' {
    const entry = this.running.get(key);
    if (!entry) {
      this.running.set(key, { owner: waiter.worker, waiters: [] });
      return 'lead';
    }
    entry.waiters.push(waiter);
    return 'wait';
  }

  /** The worker running the key, if any. */
  owner(key: string): number | undefined {
    return this.running.get(key)?.owner;
  }

  /** The key is answered (or failed): its waiters, and the key is forgotten. Only its owner may end it. */
  done(key: string, worker: number): Waiter[] {
    const entry = this.running.get(key);
    if (!entry || entry.owner !== worker) return [];
    this.running.delete(key);
    return entry.waiters;
  }

  /** A worker died: the waiters of every key it was running (they run it themselves). */
  exited(worker: number): Waiter[] {
    const released: Waiter[] = [];
    for (const [key, entry] of this.running) {
      if (entry.owner !== worker) continue;
      this.running.delete(key);
      released.push(...entry.waiters.filter((w) => w.worker !== worker));
    }
    return released;
  }

  get size(): number {
    return this.running.size;
  }
}

type Message =
  | { t: 'collapse:join'; id: number; key: string }
  | { t: 'collapse:done'; key: string; response: SharedResponse | null }
  | { t: 'collapse:lead'; id: number }
  | { t: 'collapse:answer'; id: number; response: SharedResponse | null };

const isMessage = (m: unknown): m is Message =>
  typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string' && (m as { t: string }).t.startsWith('collapse:');

/**
 * In the supervisor: answer the workers' questions (call before forking, with 'advanced' IPC
 * serialization). At debug level it logs each request that waits for another worker's answer
 * (worker ids only, never the key: it holds the caller's scope and the whole request).
 */
export function serveCollapseRegistry(log?: Logger): CollapseRegistry {
  const registry = new CollapseRegistry();
  const send = (worker: number, message: Message) => cluster.workers?.[worker]?.send(message);
  const answer = (waiters: Waiter[], response: SharedResponse | null) => {
    for (const w of waiters) send(w.worker, { t: 'collapse:answer', id: w.id, response });
  };
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.t === 'collapse:join') {
      if (registry.join(message.key, { worker: worker.id, id: message.id }) === 'lead')
        send(worker.id, { t: 'collapse:lead', id: message.id });
      else log?.debug("collapse: waiting for another worker's answer", { waiter: worker.id, leader: registry.owner(message.key) });
    } else if (message.t === 'collapse:done') {
      answer(registry.done(message.key, worker.id), message.response);
    }
  });
  cluster.on('exit', (worker) => answer(registry.exited(worker.id), null));
  return registry;
}

/** In a worker: the peers of its collapsing (null outside a cluster worker). */
export function clusterCollapsePeers(opts: { waitMs: number }): CollapsePeers | null {
  if (!cluster.isWorker || !process.send) return null;
  let next = 0;
  const pending = new Map<number, (response: SharedResponse | null | 'lead') => void>();
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.t === 'collapse:lead') pending.get(message.id)?.('lead');
    else if (message.t === 'collapse:answer')
      pending.get(message.id)?.(message.response ? { ...message.response, body: Buffer.from(message.response.body) } : null);
  });
  return {
    join(key) {
      const id = next++;
      return new Promise((resolve) => {
        const settle = (outcome: SharedResponse | null | 'lead') => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(outcome === 'lead' ? null : outcome);
        };
        // Never wait forever on another worker: past this, run it here (duplicate work, never a wrong answer).
        const timer = setTimeout(() => settle(null), opts.waitMs);
        timer.unref();
        pending.set(id, settle);
        process.send!({ t: 'collapse:join', id, key } satisfies Message);
      });
    },
    publish(key, response) {
      process.send!({ t: 'collapse:done', key, response } satisfies Message);
    },
  };
}
