import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  it('allows a burst, then refills at the rate, per key', () => {
    let t = 0;
    const limiter = createRateLimiter({ perSecond: 2, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('a'))).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0);
    t += 500;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('forgets idle callers', () => {
    let t = 0;
    const limiter = createRateLimiter({ perSecond: 1, burst: 1, now: () => t });
    limiter.take('a');
    t += 61_000;
    limiter.take('b');
    expect(limiter.size()).toBe(1);
  });

  it('is off at zero', () => {
    const limiter = createRateLimiter({ perSecond: 0, burst: 0 });
    expect(Array.from({ length: 100 }, () => limiter.take('a')).every((w) => w === 0)).toBe(true);
  });
});
