import { hasRole, type Identity } from '#common/identity.js';
import { subtreePrefix, validateRegionCode } from '../validation/index.js';

/**
 * The rows a caller may see, from the token's claims (docs/identity.md, "Roles"): a hospital-officer sees one
 * hospital; every other business role sees a region subtree (region codes sharing `prefix`);
 * administrators and anonymous callers see no business rows at all. Each subgraph turns this into
 * its own where-clauses in its data access — never only in a UI.
 */
export type RowScope =
  { kind: 'hospital'; hospitalCode: string } | { kind: 'region'; regionCode: string; prefix: string } | { kind: 'none' };

const NONE: RowScope = Object.freeze({ kind: 'none' });
const scopes = new WeakMap<Identity, RowScope>();

export function rowScope(identity: Identity): RowScope {
  let scope = scopes.get(identity);
  if (!scope) scopes.set(identity, (scope = computeScope(identity)));
  return scope;
}

function computeScope(identity: Identity): RowScope {
  // An officer's token may also name a region (Keycloak attribute): the hospital is the narrower scope.
  if (hasRole(identity, ['hospital-officer']) && identity.hospitalCode)
    return Object.freeze({ kind: 'hospital', hospitalCode: identity.hospitalCode });
  if (!hasRole(identity, ['supervisor', 'inspector', 'analyst', 'machine-client'])) return NONE;
  if (identity.regionCode && validateRegionCode(identity.regionCode).ok) {
    return Object.freeze({ kind: 'region', regionCode: identity.regionCode, prefix: subtreePrefix(identity.regionCode) });
  }
  if (identity.hospitalCode) return Object.freeze({ kind: 'hospital', hospitalCode: identity.hospitalCode });
  return NONE;
}

/** Is a hospital (by code and region) inside the scope? For checks on single rows, e.g. before a write. */
export function inScope(scope: RowScope, hospital: { code: string; regionCode: string }): boolean {
  if (scope.kind === 'hospital') return hospital.code === scope.hospitalCode;
  if (scope.kind === 'region') return hospital.regionCode.startsWith(scope.prefix);
  return false;
}

/** Is a region inside the scope (a region-scoped caller writing or reading region-level data)? */
export function regionInScope(scope: RowScope, regionCode: string): boolean {
  return scope.kind === 'region' && regionCode.startsWith(scope.prefix);
}

/**
 * The scope as a Prisma where-clause on rows that carry their hospital's code and its region's code
 * — every domain table does, because a domain never reads the directory's tables: it keeps the
 * hospital's region with each row (from the feed or the directory's facts). A caller without a
 * business scope matches nothing.
 */
export function scopedRows(scope: RowScope): { hospitalCode: string | { in: string[] } } | { regionCode: { startsWith: string } } {
  if (scope.kind === 'hospital') return { hospitalCode: scope.hospitalCode };
  if (scope.kind === 'region') return { regionCode: { startsWith: scope.prefix } };
  return { hospitalCode: { in: [] } };
}
