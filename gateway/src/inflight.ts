/**
 * Single-flight by key: the first caller of a key runs the work, callers arriving while it runs
 * share its outcome (value or error), and the key is forgotten as soon as it settles — nothing is
 * cached beyond the moment. The key must name everything that can change the outcome.
 */
export class Inflight<T> {
  private readonly running = new Map<string, Promise<T>>();
  /** How many calls were answered by another caller's work (for metrics and tests). */
  shared = 0;

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) {
      this.shared++;
      return existing;
    }
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }

  /** Whether work for the key is running now. */
  has(key: string): boolean {
    return this.running.has(key);
  }

  get size(): number {
    return this.running.size;
  }
}
