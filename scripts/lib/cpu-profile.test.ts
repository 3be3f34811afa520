import { describe, expect, it } from 'vitest';
import { formatFrames, summariseProfile, summariseProfiles, type CpuProfile } from './cpu-profile.js';

/**
 * root → main (file:///app/a.js line 10) → hot (line 20); main → hot again through another path;
 * GC as a pseudo frame, and (idle) (waiting for I/O), which is counted apart.
 */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 5] },
    { id: 2, callFrame: { functionName: 'main', url: 'file:///app/a.js', lineNumber: 9 }, children: [3, 4] },
    { id: 3, callFrame: { functionName: 'hot', url: 'file:///app/a.js', lineNumber: 19 } },
    { id: 4, callFrame: { functionName: '', url: 'file:///app/b.js', lineNumber: 0 }, children: [6] },
    { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    { id: 6, callFrame: { functionName: 'hot', url: 'file:///app/a.js', lineNumber: 19 } },
    { id: 7, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
  ],
  startTime: 1_000_000,
  // Sample i lasts until sample i+1; the last until endTime.
  samples: [3, 3, 2, 6, 5, 4, 7],
  timeDeltas: [0, 1_000, 1_000, 3_000, 1_000, 2_000, 2_000],
  endTime: 1_000_000 + 10_000 + 5_000,
};

describe('cpu profile summary', () => {
  it('adds self time per function + location over every call path, biggest first', () => {
    const { totalMs, busyMs, frames } = summariseProfile(profile, 10, '/app');
    expect(totalMs).toBe(15);
    expect(busyMs).toBe(10); // 5 ms idle, left out of the frames
    // hot: samples 0 (1 ms) + 1 (1 ms) on node 3, sample 3 (1 ms) on node 6 → 3 ms; main: sample 2 → 3 ms;
    // GC: sample 4 → 2 ms; anonymous b.js: the last sample → until endTime, 2 ms.
    expect(frames.map((f) => [f.functionName, f.location, f.selfMs])).toEqual([
      ['hot', 'a.js:20', 3],
      ['main', 'a.js:10', 3],
      ['(garbage collector)', '', 2],
      ['(anonymous)', 'b.js:1', 2],
    ]);
    expect(frames[0]!.percent).toBeCloseTo(30);
    expect(summariseProfile(profile, 1, '/app').frames).toHaveLength(1);
  });

  it("merges several profiles (a cluster's workers) into one ranking", () => {
    const merged = summariseProfiles([profile, profile], 10, '/app');
    expect(merged.busyMs).toBe(20);
    expect(merged.frames[0]).toEqual({ functionName: 'hot', location: 'a.js:20', selfMs: 6, percent: 30 });
  });

  it('formats one line per frame', () => {
    const text = formatFrames(summariseProfile(profile, 2, '/app'));
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(/3\.0\s+30\.0\s+hot\s+a\.js:20/);
    expect(text).toMatch(/10 ms busy of 15 ms sampled/);
  });
});
