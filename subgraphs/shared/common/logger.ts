import { pino, type DestinationStream, type Logger as Pino } from 'pino';

/**
 * Structured JSON logs on pino, one object per line on stdout (stderr for errors), so that log
 * shippers can index by request id. The line keeps the shape operators read: `time` (ISO 8601),
 * `level` (its name), `msg`, then the logger's bound fields (`service`, `requestId`, …) and the
 * call's fields; errors as `{ name, message, code, stack }`. Personal data in fields is redacted
 * (PERSONAL_KEYS below). The hot path only pays for what is actually logged: a disabled level is
 * a no-op, and `enabled(level)` lets a caller skip building its fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  enabled(level: LogLevel): boolean;
}

/** Receives each line (without its newline) and its level; tests capture lines with one. */
export type LogSink = (line: string, level: LogLevel) => void;

/**
 * Keys that hold personal information (PIPL art. 28 sensitive data: names, 身份证号, phone numbers —
 * the `@personal` fields of the SDLs and their inputs). Their values never reach a log line.
 */
export const PERSONAL_KEYS = ['name', 'idCardNumber', 'idCard', 'phone'] as const;

/**
 * Fields through which client data can reach a log line: GraphQL variables, mutation and feed
 * inputs, rejected feed rows. Personal keys are redacted in them down to WILDCARD_DEPTH levels
 * (`variables.input.staff[0].phone` is `variables.*.*.*.phone`).
 */
export const CLIENT_DATA_FIELDS = ['variables', 'input', 'inputs', 'row', 'rows', 'record', 'records'] as const;
const WILDCARD_DEPTH = 3;

export const REDACTED = '[REDACTED]';

/**
 * pino `redact` paths. Each names its top-level field, so a line without such a field pays
 * nothing; a leading `*` would make every line go through the redactor.
 */
export const REDACT_PATHS: string[] = [
  ...PERSONAL_KEYS,
  ...CLIENT_DATA_FIELDS.flatMap((field) =>
    PERSONAL_KEYS.flatMap((key) =>
      Array.from({ length: WILDCARD_DEPTH + 1 }, (_, depth) => [field, ...Array<string>(depth).fill('*'), key].join('.')),
    ),
  ),
];

const levelName: Record<number, LogLevel> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };
const ERROR = 50;

/**
 * A destination that learns each line's level (pino's documented `Symbol.for('pino.metadata')`
 * protocol sets `lastLevel` before `write`): errors to stderr, the rest to stdout, or everything
 * to a sink.
 */
function destination(sink: LogSink | undefined): DestinationStream {
  const stream = {
    [Symbol.for('pino.metadata')]: true,
    lastLevel: 0,
    write(line: string) {
      if (sink) sink(line.endsWith('\n') ? line.slice(0, -1) : line, levelName[stream.lastLevel] ?? 'info');
      else (stream.lastLevel >= ERROR ? process.stderr : process.stdout).write(line);
    },
  };
  return stream;
}

/**
 * Errors whose message renders the failed call's arguments — client data, personal fields
 * included: Prisma's validation errors print the whole `data`/`where` object (whatever its
 * `errorFormat`).
 */
const QUOTES_ARGUMENTS = new Set(['PrismaClientValidationError']);

/** Such a message without its arguments: the first paragraph (which call) and the last (what was wrong). */
function withoutArguments(message: string): string {
  const paragraphs = message.trim().split(/\n\s*\n/);
  return paragraphs.length < 3 ? message : `${paragraphs[0]}\n\n[arguments redacted]\n\n${paragraphs.at(-1)}`;
}

/** Errors serialise to their name, message, code and stack instead of `{}` (and nothing else of theirs: Prisma's `meta` can quote rows). */
function errorFields(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const { name, message } = value;
  let stack = value.stack;
  const code = (value as { code?: unknown }).code;
  if (!QUOTES_ARGUMENTS.has(name)) return { name, message, code, stack };
  const safe = withoutArguments(message);
  if (stack) stack = stack.includes(message) ? stack.replace(message, safe) : `${name}: ${safe}`;
  return { name, message: safe, code, stack };
}

/** Errors under any field of a call (`{ err }`, `{ cause }`, …), not only pino's `err`. */
function withErrorFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value instanceof Error) (out ??= { ...fields })[key] = errorFields(value);
  }
  return out ?? fields;
}

export function createLogger(opts: { level?: LogLevel; base?: Record<string, unknown>; sink?: LogSink } = {}): Logger {
  const root = pino(
    {
      level: opts.level ?? 'info',
      base: {}, // no pid and hostname: the line shape operators read
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: withErrorFields },
      serializers: { err: errorFields },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
    },
    destination(opts.sink),
  );
  return bound(root, withErrorFields(opts.base ?? {}));
}

type Method = 'debug' | 'info' | 'warn' | 'error';

/**
 * A logger with `bindings` on every line. pino serialises (and redacts) a child's bindings once,
 * when the child is made — the request id once per request, not per line. pino appends a child's
 * bindings to its parent's and a call's fields after both, so a key given twice would appear
 * twice in the line; here a child's field replaces its parent's and a call's field the bound one,
 * each key once, as operators' parsers expect.
 */
function bound(root: Pino, bindings: Record<string, unknown>): Logger {
  const keys = Object.keys(bindings);
  const p = keys.length ? root.child(bindings) : root;
  const overlaps = (fields: Record<string, unknown>) => keys.length > 0 && keys.some((k) => k in fields);
  const write = (method: Method) => (msg: string, fields?: Record<string, unknown>) => {
    if (!fields) p[method](msg);
    else if (overlaps(fields))
      root[method]({ ...bindings, ...fields }, msg); // rare: a call restating a bound field
    else p[method](fields, msg);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => bound(root, { ...bindings, ...withErrorFields(fields) }),
    enabled: (level) => p.isLevelEnabled(level),
  };
}
