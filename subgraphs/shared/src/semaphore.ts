/**
 * At most `limit` holders at a time; the rest wait in arrival order. Used to bound how many
 * operations a process executes at once: past the point where the CPU is busy, more concurrent
 * executions only hold more live data (memory, garbage-collection work) and answer no sooner.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`semaphore limit must be a positive integer, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}
