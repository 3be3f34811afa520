import { describe, expect, it } from 'vitest';
import { CollapseRegistry } from './cluster-collapse.js';

describe('collapsing across cluster workers: the supervisor registry', () => {
  it('the first worker to ask leads; others wait; the answer releases exactly them, once', () => {
    const r = new CollapseRegistry();
    expect(r.join('k', { worker: 1, id: 1 })).toBe('lead');
    expect(r.owner('k')).toBe(1);
    expect(r.join('k', { worker: 2, id: 7 })).toBe('wait');
    expect(r.join('k', { worker: 2, id: 8 })).toBe('wait');
    expect(r.join('other', { worker: 2, id: 9 })).toBe('lead');
    expect(r.done('k', 1)).toEqual([
      { worker: 2, id: 7 },
      { worker: 2, id: 8 },
    ]);
    expect(r.done('k', 1)).toEqual([]);
    expect(r.owner('k')).toBeUndefined();
    // Forgotten once answered: the next ask leads again (nothing is cached).
    expect(r.join('k', { worker: 2, id: 10 })).toBe('lead');
    expect(r.size).toBe(2);
  });

  it('only the leading worker can end a key', () => {
    const r = new CollapseRegistry();
    r.join('k', { worker: 1, id: 1 });
    r.join('k', { worker: 2, id: 2 });
    expect(r.done('k', 2)).toEqual([]);
    expect(r.done('k', 1)).toEqual([{ worker: 2, id: 2 }]);
  });

  it('a dying worker releases the waiters of every key it led, and nothing else', () => {
    const r = new CollapseRegistry();
    r.join('a', { worker: 1, id: 1 });
    r.join('b', { worker: 1, id: 2 });
    r.join('c', { worker: 2, id: 3 });
    r.join('a', { worker: 2, id: 4 });
    r.join('b', { worker: 3, id: 5 });
    r.join('c', { worker: 1, id: 6 });
    expect(r.exited(1)).toEqual([
      { worker: 2, id: 4 },
      { worker: 3, id: 5 },
    ]);
    expect(r.size).toBe(1);
    expect(r.done('c', 2)).toEqual([{ worker: 1, id: 6 }]);
  });
});
