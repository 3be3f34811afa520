import Module, { createRequire } from 'node:module';

/**
 * @apollo/federation-internals re-exports its ~700 names through TypeScript's `__createBinding`
 * getters, and @apollo/gateway reads them (`federation_internals_1.isObjectType(…)`) on every
 * field of every response it shapes: under load that getter was 5.5 % of the gateway's CPU
 * (docs/benchmarks.md, profile). Packages outside it that `require` it get a plain copy of its
 * exports instead — the same functions, classes and constants, read once after it has loaded
 * (it never reassigns an export; checked for the pinned version). Must run before @apollo/gateway
 * is first loaded: server.ts imports it first.
 */
const PACKAGE = '@apollo/federation-internals';
const ownDir = `${'/node_modules/'}${PACKAGE}/`;
type Req = (this: Module, id: string) => unknown;
const patched = Symbol.for('integrity-hub.flat-federation-internals');
const proto = Module.prototype as unknown as { require: Req; [patched]?: true };

if (!proto[patched]) {
  const original = proto.require;
  const require = createRequire(import.meta.url);
  let flat: Record<string, unknown> | undefined;
  proto.require = function (this: Module, id: string) {
    const exported = original.call(this, id);
    if (id !== PACKAGE || (this.filename ?? '').includes(ownDir)) return exported;
    if (!flat) {
      const cached = require.cache[require.resolve(PACKAGE)];
      if (!cached?.loaded) return exported; // still loading (a cycle): the live object
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(exported as object)) copy[key] = (exported as Record<string, unknown>)[key];
      Object.defineProperty(copy, '__esModule', { value: true });
      flat = copy;
    }
    return flat;
  };
  proto[patched] = true;
}
