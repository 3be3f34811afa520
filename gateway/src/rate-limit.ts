/**
 * Token buckets per caller (docs/security.md, "GraphQL limits": per client `azp` and per user). The key is
 * the verified identity — client, else subject — and the remote address for anonymous callers.
 * Buckets idle for a minute are swept so the map cannot grow without bound.
 */
export interface RateLimiter {
  /** Seconds to wait, or 0 when the request may go ahead. */
  take(key: string): number;
  size(): number;
}

export function createRateLimiter(opts: { perSecond: number; burst: number; now?: () => number }): RateLimiter {
  const now = opts.now ?? (() => performance.now());
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  const sweep = (t: number) => {
    if (t - lastSweep < 60_000) return;
    lastSweep = t;
    for (const [key, b] of buckets) if (t - b.at > 60_000) buckets.delete(key);
  };
  return {
    take(key) {
      if (opts.perSecond <= 0) return 0;
      const t = now();
      sweep(t);
      const bucket = buckets.get(key) ?? { tokens: opts.burst, at: t };
      bucket.tokens = Math.min(opts.burst, bucket.tokens + ((t - bucket.at) / 1000) * opts.perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - bucket.tokens) / opts.perSecond);
    },
    size: () => buckets.size,
  };
}
