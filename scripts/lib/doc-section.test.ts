import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepSections, replaceSection, replaceSectionText, sectionOf, sectionsOf, writeDocumentKeepingSections } from './doc-section.js';

const doc = ['# Benchmarks', '', 'intro', '', '<!-- BEGIN bench:gateway -->', 'old race', '<!-- END bench:gateway -->', '', 'after'].join(
  '\n',
);

describe('marked sections of a generated document', () => {
  it('replaces only the text between the markers', () => {
    const out = replaceSectionText(doc, 'bench:gateway', 'new race\nline 2');
    expect(out).toBe(doc.replace('old race', 'new race\nline 2'));
    expect(sectionOf(out, 'bench:gateway')).toBe('new race\nline 2');
  });

  it('appends the section when its markers are absent, after one blank line', () => {
    expect(replaceSectionText('# Title\n\ntext\n\n\n', 'x', 'body\n')).toBe('# Title\n\ntext\n\n<!-- BEGIN x -->\nbody\n<!-- END x -->\n');
    expect(replaceSectionText('', 'x', 'body')).toBe('<!-- BEGIN x -->\nbody\n<!-- END x -->\n');
  });

  it('does not take another section with a longer name for its own', () => {
    const two = replaceSectionText(replaceSectionText('', 'bench:gateway-extra', 'A'), 'bench:gateway', 'B');
    expect(sectionOf(two, 'bench:gateway-extra')).toBe('A');
    expect(sectionOf(two, 'bench:gateway')).toBe('B');
    expect(sectionsOf(two).map((s) => s.name)).toEqual(['bench:gateway-extra', 'bench:gateway']);
  });

  it('treats a BEGIN without END as absent (appends a complete section)', () => {
    const broken = 'x\n<!-- BEGIN s -->\ndangling';
    const out = replaceSectionText(broken, 's', 'ok');
    expect(out.startsWith(broken)).toBe(true);
    expect(out.endsWith('<!-- BEGIN s -->\nok\n<!-- END s -->\n')).toBe(true);
  });

  it('a regenerated page keeps the sections of the previous one (npm run bench after bench:gateway)', () => {
    const regenerated = '# Benchmarks\n\nnew figures\n';
    expect(keepSections(doc, regenerated)).toBe(
      '# Benchmarks\n\nnew figures\n\n<!-- BEGIN bench:gateway -->\nold race\n<!-- END bench:gateway -->\n',
    );
    // A section the new text writes itself wins over the old one.
    expect(sectionOf(keepSections(doc, replaceSectionText(regenerated, 'bench:gateway', 'fresh')), 'bench:gateway')).toBe('fresh');
  });

  it('files: replaceSection and writeDocumentKeepingSections', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ih-doc-')), 'b.md');
    replaceSection(file, 'bench:gateway', 'race 1'); // file created
    writeDocumentKeepingSections(file, '# Page\n');
    expect(readFileSync(file, 'utf8')).toBe('# Page\n\n<!-- BEGIN bench:gateway -->\nrace 1\n<!-- END bench:gateway -->\n');
    replaceSection(file, 'bench:gateway', 'race 2');
    expect(readFileSync(file, 'utf8')).toBe('# Page\n\n<!-- BEGIN bench:gateway -->\nrace 2\n<!-- END bench:gateway -->\n');
    writeFileSync(file, 'plain');
    replaceSection(file, 'bench:gateway', 'race 3');
    expect(readFileSync(file, 'utf8')).toBe('plain\n\n<!-- BEGIN bench:gateway -->\nrace 3\n<!-- END bench:gateway -->\n');
  });
});
