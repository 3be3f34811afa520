/**
 * Summarise a V8 `.cpuprofile` (`node --cpu-prof`): the frames with the most self time.
 *
 *   npm run -s prof:top -- .tmp/prof/CPU.….cpuprofile [--top 40]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The parts of Chrome DevTools' profile format this module reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

export interface Frame {
  functionName: string;
  /** url:line (1-based), or '' for V8's pseudo frames ((garbage collector), (program)). */
  location: string;
  selfMs: number;
  /** Share of the busy (non-idle) sampled time. */
  percent: number;
}

export interface ProfileSummary {
  /** All sampled time. */
  totalMs: number;
  /** Sampled time not in V8's `(idle)` frame (waiting for I/O). */
  busyMs: number;
  /** The frames with the most self time, `(idle)` left out. */
  frames: Frame[];
}

/**
 * Self time per frame (function name + script + line), summed over every call path and over all
 * the given profiles (a cluster's workers), biggest first; `(idle)` is counted apart. A sample lasts
 * until the next one (the last until endTime), as DevTools counts it.
 */
export function summariseProfiles(profiles: readonly CpuProfile[], top = 25, cwd = process.cwd()): ProfileSummary {
  const frames = new Map<string, { functionName: string; location: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const profile of profiles) {
    const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    let t = profile.startTime;
    const stamps = profile.timeDeltas.map((d) => (t += d));
    for (let i = 0; i < profile.samples.length; i++) {
      const duration = Math.max(0, (i + 1 < stamps.length ? stamps[i + 1]! : profile.endTime) - stamps[i]!);
      const id = profile.samples[i]!;
      selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
      totalUs += duration;
    }
    for (const [id, us] of selfUs) {
      const frame = byNode.get(id)?.callFrame;
      if (!frame) continue;
      if (frame.functionName === '(idle)' && !frame.url) {
        idleUs += us;
        continue;
      }
      const functionName = frame.functionName || '(anonymous)';
      const location = frame.url ? `${shortUrl(frame.url, cwd)}:${frame.lineNumber + 1}` : '';
      const key = `${functionName}\0${location}`;
      const entry = frames.get(key);
      if (entry) entry.us += us;
      else frames.set(key, { functionName, location, us });
    }
  }
  const busyUs = totalUs - idleUs;
  const sorted = [...frames.values()].sort((a, b) => b.us - a.us).slice(0, top);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    frames: sorted.map((f) => ({
      functionName: f.functionName,
      location: f.location,
      selfMs: f.us / 1000,
      percent: busyUs ? (100 * f.us) / busyUs : 0,
    })),
  };
}

export const summariseProfile = (profile: CpuProfile, top = 25, cwd = process.cwd()): ProfileSummary =>
  summariseProfiles([profile], top, cwd);

/** file:///work/main/node_modules/x/y.js → node_modules/x/y.js */
function shortUrl(url: string, cwd: string): string {
  if (!url.startsWith('file://')) return url;
  const rel = relative(cwd, fileURLToPath(url));
  return rel.startsWith('..') ? fileURLToPath(url) : rel;
}

export function formatFrames(summary: ProfileSummary): string {
  const lines = [`  self ms  % busy  function  (${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms sampled)`];
  for (const f of summary.frames) {
    lines.push(
      `${f.selfMs.toFixed(1).padStart(9)}  ${f.percent.toFixed(1).padStart(6)}  ${f.functionName}${f.location ? `  ${f.location}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const merge = args.includes('--merge');
  const files = args.filter((a, i) => a !== '' && a !== '--top' && a !== '--merge' && (topAt < 0 || i !== topAt + 1));
  if (!files.length || !Number.isInteger(top) || top < 1) {
    console.error(
      "usage: npm run -s prof:top -- <file.cpuprofile> [more files] [--top N] [--merge (one table for all files: a cluster's workers)]",
    );
    process.exit(2);
  }
  try {
    if (merge) console.log(`${files.length} profiles merged\n${formatFrames(summariseProfiles(files.map(readProfile), top))}`);
    else for (const file of files) console.log(`${file}\n${formatFrames(summariseProfile(readProfile(file), top))}\n`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
