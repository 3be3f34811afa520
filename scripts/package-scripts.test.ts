import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The command a script ends with, without the variable assignments in front of it. */
const lastCommand = (line: string) =>
  line
    .split(/&&|\|\||;/)
    .at(-1)!
    .trim()
    .replace(/^(?:[A-Z_][A-Z0-9_]*=(?:\$\([^)]*\)|\S)*\s+)*/, '');

describe('npm scripts', () => {
  // npm runs a script as `sh -c '<script>'` and signals that shell; dash (Debian's sh) does not pass
  // a SIGTERM on to the command it is running, so a server started without `exec` outlives
  // `docker stop`/Ctrl-C of npm, orphaned. With `exec` the program is the process npm signals.
  it.each(Object.entries(scripts))('%s hands its process to the program it runs (exec)', (_name, line) => {
    expect(lastCommand(line)).toMatch(/^exec /);
  });

  it('the check reads assignments and chains as sh does', () => {
    expect(lastCommand('HUB_STARTED_AT=$(date +%s%3N) exec node x.ts')).toBe('exec node x.ts');
    expect(lastCommand('npm run generate --silent && NODE_ENV=production exec node x.ts')).toBe('exec node x.ts');
    expect(lastCommand('rm -f a; vitest run; node x.ts')).toBe('node x.ts');
  });
});
