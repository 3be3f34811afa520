import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagsTableMarkdown } from './docs.js';

describe("the README's flags table", () => {
  it('is the rules and thresholds as they are (regenerate with npm run docs:flags)', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = /<!-- BEGIN procurement-flags -->\n([\s\S]*?)\n<!-- END procurement-flags -->/.exec(readme)?.[1];
    expect(section).toBe(flagsTableMarkdown());
  });
});
