/**
 * Deterministic concurrency in tests: a gate that holds work until the test opens it, and a wait
 * for a condition (polled every millisecond; never a fixed sleep standing in for it). With these, a
 * test of sharing or ordering does not depend on requests happening to overlap in time.
 */
export interface Gate {
  opened: Promise<void>;
  open: () => void;
  readonly isOpen: boolean;
}

export function createGate(): Gate {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    opened,
    open: () => {
      isOpen = true;
      open();
    },
    get isOpen() {
      return isOpen;
    },
  };
}

/** Resolves once `condition()` holds; rejects after `timeoutMs` (a hung test fails, it does not pass). */
export async function until(condition: () => boolean, timeoutMs = 20_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
