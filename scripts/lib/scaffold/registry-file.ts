/**
 * The scaffold's one edit outside the new folder: an import and an entry in subgraphs/registry.ts
 * (before the audit subgraph, which stays last). Refuses a registry it cannot read that way.
 */
export function addToRegistry(source: string, name: string): string {
  const importLine = `import { ${name} } from './${name}/src/subgraph.js';\n`;
  const list = /const subgraphs = \[([^\]]*)\] as const;/.exec(source);
  if (!list) throw new Error('subgraphs/registry.ts: no `const subgraphs = [...] as const;` list to add to');
  const entries = list[1]!
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.includes(name)) throw new Error(`subgraphs/registry.ts already lists ${name}`);
  const at = entries.indexOf('audit');
  entries.splice(at === -1 ? entries.length : at, 0, name);
  const lastImport = source.lastIndexOf('\nimport ');
  const afterImports = source.indexOf('\n', lastImport + 1) + 1;
  const withImport = source.slice(0, afterImports) + importLine + source.slice(afterImports);
  return withImport.replace(list[0], `const subgraphs = [${entries.join(', ')}] as const;`);
}

/** The lowest port from 4001 up that no subgraph uses (the gateway is 4000). */
export function freePort(used: readonly number[], from = 4001): number {
  let port = from;
  while (used.includes(port)) port++;
  return port;
}
