import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError, env, parseConfig } from './config.js';

describe('parseConfig', () => {
  const schema = z.object({ PORT: env.port(4000), LOG_LEVEL: env.logLevel(), DATABASE_URL: env.url().optional() });

  it('parses the environment it is given, with defaults; an empty variable is unset', () => {
    expect(parseConfig(schema, { PORT: '4100', LOG_LEVEL: '', DATABASE_URL: 'postgresql://db/hub' })).toEqual({
      PORT: 4100,
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgresql://db/hub',
    });
  });

  it('names every bad variable at once', () => {
    expect(() => parseConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(() => parseConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });
});

/** The repository's own source, without tests, comments (they may name process.env) and generated code. */
function sources(under: string[]): { file: string; code: string }[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...under], { encoding: 'utf8' }).split(
    '\n',
  );
  return files
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f) && !/\.(test|e2e)\.ts$/.test(f) && !f.includes('__generated__'))
    .map((file) => ({
      file,
      code: readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
    }));
}

describe('configuration discipline (docs/configuration.md)', () => {
  it('nothing writes to process.env', () => {
    const write = /process\.env(\.\w+|\[[^\]]+\])\s*(=(?!=)|\?\?=|\|\|=)|delete\s+process\.env|Object\.assign\(\s*process\.env/;
    const writers = sources(['gateway', 'subgraphs', 'scripts', 'prisma', 'deploy', 'bench'])
      .filter(({ code }) => write.test(code))
      .map(({ file }) => file);
    expect(writers).toEqual([]);
  });

  it('the gateway and the platform read process.env only in their config modules, and hand the values down', () => {
    const configModules = [
      'gateway/src/index.ts', // → loadGatewayConfig (gateway/src/config.ts)
      'subgraphs/shared/platform/main.ts', // a subgraph running alone
      'subgraphs/shared/platform/db/test-database.ts', // test processes' TEST_DATABASE_ADMIN_URL
    ];
    const readers = sources(['gateway', 'subgraphs'])
      .filter(({ code }) => /process\.env\b/.test(code))
      .map(({ file }) => file);
    expect(readers.sort()).toEqual(configModules.sort());
  });
});
