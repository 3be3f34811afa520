import type { IncomingMessage } from 'node:http';
import { completeAnswer, sendComplete, writeResult, type GraphQLCall } from '#common/http.js';
import { Inflight } from './inflight.js';

/**
 * What decides whether an admitted request may share its answer with identical requests in
 * flight, and what happens when it does (collapse.ts builds it for client operations).
 */
export interface CollapseOptions {
  /**
   * The key of an admitted request whose answer may be shared with identical requests in flight —
   * it must name everything that can change the answer — or null to run it on its own.
   */
  key(req: IncomingMessage, body: unknown): string | null;
  /** Read from the leading request once it has answered: what followers need of it (e.g. its audit entry). */
  meta?(req: IncomingMessage): unknown;
  /** A request joined an execution of its key running in this process (called as it joins, before any answer). */
  joined?(req: IncomingMessage, requestId: string): void;
  /** A follower was answered with the leader's response. */
  shared?(req: IncomingMessage, requestId: string, response: SharedResponse): void;
  /** Other processes serving the same port (cluster workers): collapse with theirs too. */
  peers?: CollapsePeers | null;
}

/** Collapsing across processes: ask before running a key, report its answer after. */
export interface CollapsePeers {
  /** Another process's answer if one is running the key (waits for it), or null: run it here. */
  join(key: string): Promise<SharedResponse | null>;
  /** The answer of a key this process ran after `join` said so; null if it failed (the waiters run it themselves). */
  publish(key: string, response: SharedResponse | null): void;
}

/** A complete answer, as sent to the request that ran it and to every request that followed it. */
export interface SharedResponse {
  status: number;
  headers: [string, string][];
  /** Encoded once, written to every sharer as is. */
  body: Buffer;
  leaderRequestId: string;
  meta: unknown;
}

/**
 * The HTTP front's `respond` for the gateway: a request whose key is already running waits for
 * that execution's answer (here, or in a peer process) instead of running again; the answer is
 * encoded once and written to every sharer. Nothing is kept once it is sent.
 */
export function answerSharing(opts: CollapseOptions): ((call: GraphQLCall) => Promise<void>) & { inflight: Inflight<SharedResponse> } {
  const inflight = new Inflight<SharedResponse>();
  const respond = async ({ req, res, requestId, body, run }: GraphQLCall): Promise<void> => {
    const key = opts.key(req, body);
    if (key === null) return writeResult(res, await run());
    let leads = false;
    const peers = opts.peers;
    if (inflight.has(key)) opts.joined?.(req, requestId);
    const answer = await inflight.run(key, async () => {
      const elsewhere = peers ? await peers.join(key) : null;
      if (elsewhere) return elsewhere;
      leads = true;
      let answered: SharedResponse | null = null;
      try {
        answered = { ...(await completeAnswer(await run())), leaderRequestId: requestId, meta: opts.meta?.(req) };
        return answered;
      } finally {
        peers?.publish(key, answered);
      }
    });
    if (!leads) opts.shared?.(req, requestId, answer);
    sendComplete(res, answer.status, answer.headers, answer.body);
  };
  return Object.assign(respond, { inflight });
}
