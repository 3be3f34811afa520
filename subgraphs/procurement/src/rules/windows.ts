/**
 * Greedy sliding windows over dated items (R055, PROC_COMMITTEE_REPEAT): from the earliest item, the
 * longest run within `windowDays`; if it qualifies it is reported and the scan resumes after it, so an
 * item is reported at most once and a rerun reports the same windows (stable subject keys). O(n) after the sort.
 */
const DAY_MS = 86_400_000;

export function qualifyingWindows<T>(
  items: readonly T[],
  dateOf: (item: T) => Date,
  windowDays: number,
  qualifies: (window: T[]) => boolean,
): T[][] {
  const sorted = [...items].sort((a, b) => dateOf(a).getTime() - dateOf(b).getTime());
  const out: T[][] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = dateOf(sorted[i]!).getTime();
    let j = i;
    while (j < sorted.length && dateOf(sorted[j]!).getTime() - start <= windowDays * DAY_MS) j++;
    const window = sorted.slice(i, j);
    if (qualifies(window)) {
      out.push(window);
      i = j;
    } else {
      i++;
    }
  }
  return out;
}
