import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Marked sections of a generated Markdown document: `<!-- BEGIN name -->` … `<!-- END name -->`.
 * Several scripts write docs/benchmarks.md (`npm run bench` the whole page, `npm run bench:gateway`
 * its own section); each keeps what the others wrote.
 */
const begin = (name: string) => `<!-- BEGIN ${name} -->`;
const end = (name: string) => `<!-- END ${name} -->`;
const MARKER = /<!-- BEGIN ([\w:.-]+) -->/g;

/** The text between the markers of `name` (markers excluded, trimmed of the surrounding newlines), or undefined. */
export function sectionOf(text: string, name: string): string | undefined {
  const from = text.indexOf(begin(name));
  if (from < 0) return undefined;
  const to = text.indexOf(end(name), from);
  if (to < 0) return undefined;
  return text
    .slice(from + begin(name).length, to)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/** Every complete marked section of a text, in order. */
export function sectionsOf(text: string): { name: string; content: string }[] {
  const out: { name: string; content: string }[] = [];
  for (const m of text.matchAll(MARKER)) {
    const name = m[1]!;
    const content = sectionOf(text.slice(m.index), name);
    if (content !== undefined && !out.some((s) => s.name === name)) out.push({ name, content });
  }
  return out;
}

/**
 * `text` with the section `name` replaced by `content` (markers kept), or with the section
 * appended (after one blank line) when its markers are absent. Text outside the markers is untouched.
 */
export function replaceSectionText(text: string, name: string, content: string): string {
  const block = `${begin(name)}\n${content.replace(/\n+$/, '')}\n${end(name)}`;
  const from = text.indexOf(begin(name));
  const to = from < 0 ? -1 : text.indexOf(end(name), from);
  if (from >= 0 && to >= 0) return text.slice(0, from) + block + text.slice(to + end(name).length);
  if (!text.trim()) return `${block}\n`;
  return `${text.replace(/\n*$/, '')}\n\n${block}\n`;
}

/** Replace (or append) the section `name` of the file `file` (created when missing). */
export function replaceSection(file: string, name: string, content: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, replaceSectionText(text, name, content));
}

/**
 * A freshly generated document that keeps the marked sections of the previous version of the
 * file: each section the new text does not already carry is put back (appended at the end).
 */
export function keepSections(previous: string, next: string): string {
  let out = next;
  for (const { name, content } of sectionsOf(previous))
    if (sectionOf(out, name) === undefined) out = replaceSectionText(out, name, content);
  return out;
}

/** Write a generated document over `file`, keeping the marked sections other scripts wrote there. */
export function writeDocumentKeepingSections(file: string, text: string): void {
  writeFileSync(file, keepSections(existsSync(file) ? readFileSync(file, 'utf8') : '', text));
}
