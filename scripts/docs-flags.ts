/** `npm run docs:flags` — rewrite the README's procurement flags table from the rules and thresholds (a unit test checks it is current). */
import { readFileSync, writeFileSync } from 'node:fs';
import { flagsTableMarkdown } from '../subgraphs/procurement/src/flags/docs.js';

const SECTION = /<!-- BEGIN procurement-flags -->\n[\s\S]*?<!-- END procurement-flags -->/;
const readme = readFileSync('README.md', 'utf8');
if (!SECTION.test(readme)) throw new Error('README.md has no procurement-flags section');
writeFileSync(
  'README.md',
  readme.replace(SECTION, `<!-- BEGIN procurement-flags -->\n${flagsTableMarkdown()}\n<!-- END procurement-flags -->`),
);
