/**
 * Structured JSON logs, one object per line on stdout (stderr for errors), so that log shippers
 * can index by request id. Deliberately tiny: the hot path only pays for what is actually logged.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  enabled(level: LogLevel): boolean;
}

export type LogSink = (line: string, level: LogLevel) => void;
const defaultSink: LogSink = (line, level) =>
  (level === 'error' ? process.stderr : process.stdout).write(line + '\n');

export function createLogger(
  opts: { level?: LogLevel; base?: Record<string, unknown>; sink?: LogSink } = {},
): Logger {
  const min = rank[opts.level ?? 'info'];
  const base = opts.base ?? {};
  const sink = opts.sink ?? defaultSink;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return;
    const entry = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    sink(JSON.stringify(entry, errorReplacer), level);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level: opts.level, base: { ...base, ...fields }, sink }),
    enabled: (level) => rank[level] >= min,
  };
}

/** Errors serialise to their name, message, code and stack instead of `{}`. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const { name, message, stack } = value;
    return { name, message, code: (value as { code?: unknown }).code, stack };
  }
  return value;
}
