import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openSubgraphDb } from '#platform/subgraph.js';
import { subgraphNamed } from '../../registry.js';
import { createLogger, REDACTED, type LogLevel } from './logger.js';

function capture(level: LogLevel = 'debug', base?: Record<string, unknown>) {
  const lines: { line: string; level: LogLevel }[] = [];
  const log = createLogger({ level, base, sink: (line, lineLevel) => lines.push({ line, level: lineLevel }) });
  const parsed = () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, parsed };
}

// Personal data as the directory holds it (a 身份证号 with a valid check digit, a mobile number, a name).
const ID_CARD = '11010519491231002X';
const PHONE = '13912345678';
const NAME = '欧阳娜娜';

describe('logger (pino)', () => {
  it('writes one JSON object per line: time (ISO), level name, msg, bound and call fields', () => {
    const { log, lines, parsed } = capture('debug', { service: 'gateway' });
    log.child({ requestId: 'req-1' }).info('operation', { operationName: 'Q', durationMs: 1.5, errors: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.line).not.toContain('\n');
    const [entry] = parsed();
    expect(entry).toEqual({
      time: expect.any(String),
      level: 'info',
      msg: 'operation',
      service: 'gateway',
      requestId: 'req-1',
      operationName: 'Q',
      durationMs: 1.5,
    });
    expect(new Date(entry!.time as string).toISOString()).toBe(entry!.time);
    expect(lines[0]!.level).toBe('info');
  });

  it("writes each key once: a child's field replaces its parent's, a call's field the bound one", () => {
    const { log, lines, parsed } = capture('debug', { service: 'hub' });
    const directory = log.child({ service: 'directory' });
    directory.info('subgraph listening', { url: 'http://127.0.0.1:4001/graphql' });
    directory.child({ requestId: 'r1' }).warn('refused', { requestId: 'r2', service: 'directory-2' });
    const keyCount = (line: string, key: string) => line.split(`"${key}":`).length - 1;
    expect(lines.map(({ line }) => keyCount(line, 'service'))).toEqual([1, 1]);
    expect(keyCount(lines[1]!.line, 'requestId')).toBe(1);
    expect(parsed().map((e) => [e.service, e.requestId])).toEqual([
      ['directory', undefined],
      ['directory-2', 'r2'],
    ]);
  });

  it('drops lines below its level and says which levels it writes', () => {
    const { log, parsed } = capture('warn');
    log.debug('no');
    log.info('no');
    log.warn('yes');
    log.error('yes too');
    expect(parsed().map((e) => [e.level, e.msg])).toEqual([
      ['warn', 'yes'],
      ['error', 'yes too'],
    ]);
    expect([log.enabled('debug'), log.enabled('info'), log.enabled('warn'), log.enabled('error')]).toEqual([false, false, true, true]);
    const silent = capture('silent');
    silent.log.error('nothing');
    expect(silent.lines).toEqual([]);
    expect(silent.log.enabled('error')).toBe(false);
  });

  it('serialises errors under any field to name, message, code and stack — nothing else of theirs', () => {
    const { log, parsed } = capture();
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', meta: { row: { idCardNumber: ID_CARD } } });
    log.error('database unavailable', { err, cause: new TypeError('bad') });
    const [entry] = parsed();
    expect(entry!.err).toEqual({
      name: 'Error',
      message: 'connect ECONNREFUSED',
      code: 'ECONNREFUSED',
      stack: expect.stringContaining('Error: connect ECONNREFUSED'),
    });
    expect(entry!.cause).toEqual({ name: 'TypeError', message: 'bad', stack: expect.stringContaining('TypeError: bad') });
  });

  it('redacts personal fields: top level, in variables, inputs and rows at depth, and in child bindings', () => {
    const { log, lines, parsed } = capture();
    log.child({ requestId: 'r', input: { name: NAME } }).warn('feed row rejected', {
      phone: PHONE,
      variables: { input: { code: '330502', staff: [{ name: NAME, idCardNumber: ID_CARD, phone: PHONE, employeeNo: 'E1' }] } },
      input: { hospitalCode: '12330500MB1234567X', idCardNumber: ID_CARD },
      rows: [{ line: 7, idCard: ID_CARD }],
      err: new Error('row 7 rejected'),
    });
    const raw = lines[0]!.line;
    for (const value of [ID_CARD, PHONE, NAME]) expect(raw).not.toContain(value);
    const [entry] = parsed();
    expect(entry).toMatchObject({
      requestId: 'r',
      input: { hospitalCode: '12330500MB1234567X', idCardNumber: REDACTED },
      phone: REDACTED,
      variables: { input: { code: '330502', staff: [{ name: REDACTED, idCardNumber: REDACTED, phone: REDACTED, employeeNo: 'E1' }] } },
      rows: [{ line: 7, idCard: REDACTED }],
      // an error's own `name` is not a person's
      err: { name: 'Error', message: 'row 7 rejected' },
    });
  });

  it('keeps the arguments of a Prisma validation error (personal data) out of its message and stack', async () => {
    // A real Prisma client (the directory's); validation fails before any connection is made.
    const db = await openSubgraphDb(subgraphNamed('directory'), {
      databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere',
      db: { connectionTimeoutMillis: 200 },
    });
    let err: unknown;
    try {
      await (db.client as { staff: { create(args: unknown): Promise<unknown> } }).staff.create({
        data: { name: NAME, idCardNumber: ID_CARD, phone: PHONE },
      });
    } catch (e) {
      err = e;
    } finally {
      await db.close();
    }
    expect((err as Error).name).toBe('PrismaClientValidationError');
    expect((err as Error).message).toContain(ID_CARD); // what Prisma puts in it
    const { log, lines, parsed } = capture();
    log.error('internal error', { err });
    for (const value of [ID_CARD, PHONE, NAME]) expect(lines[0]!.line).not.toContain(value);
    const logged = parsed()[0]!.err as { message: string; stack: string };
    expect(logged.message).toMatch(/staff\.create\(\)` invocation/);
    expect(logged.message).toMatch(/Argument `\w+` is missing/);
    expect(logged.stack).toContain('[arguments redacted]');
  });

  it('writes errors to stderr and everything else to stdout by default', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "import { createLogger } from '#common/logger.js'; const log = createLogger({ level: 'debug' }); log.info('to stdout'); log.warn('also stdout'); log.error('to stderr', { phone: '13912345678' });",
      ],
      { encoding: 'utf8' },
    );
    expect(child.status).toBe(0);
    const read = (text: string) =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(read(child.stdout).map((e) => e.msg)).toEqual(['to stdout', 'also stdout']);
    expect(read(child.stderr)).toEqual([{ time: expect.any(String), level: 'error', msg: 'to stderr', phone: REDACTED }]);
  });
});
