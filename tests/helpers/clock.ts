/**
 * A clock that moves only when the test says so (milliseconds, like performance.now). Handed to
 * the gateway's rate limiter, it replaces sleeping for a bucket to refill: nothing refills between
 * two requests of a test, however slow the machine, and advancing it refills at once.
 */
export interface ManualClock {
  now: () => number;
  advance(ms: number): void;
}

export function createManualClock(start = 0): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
