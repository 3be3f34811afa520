/**
 * Feed kind `ocds` — the provincial platform's OCDS 1.1 data (DESIGN.md §7 "Feeds"; issue 10): release
 * packages and record packages (`json`, records under `releases` / `records`) and JSON lines of releases
 * or of records / compiled releases (`ndjson`). Each record is validated (src/ocds/validate.ts) and kept
 * as-is in `ocds_release` (key ocid + release id, so a re-fed file changes nothing); after each merge the
 * changed processes are compiled from all their stored releases and their rows rebuilt (ocds-store.ts).
 *
 * `prepare` compiles each release with the stored and earlier-in-batch releases of its process, so a
 * release is refused when the process it completes cannot be mapped: no directory hospital for the buyer
 * (UNKNOWN_HOSPITAL), a tenderer / supplier not in the directory (UNKNOWN_SUPPLIER), a committee member who
 * is not directory staff (UNKNOWN_STAFF), a contradictory method (METHOD)… The field paths of these
 * refer to the compiled record (the same as the release's for a process's first release). The directory
 * answers are kept in the row's `directory` column, so rebuilding never calls the directory again.
 */
import { arrayLiteral, type Cell } from '#platform/db/bulk.js';
import type { FeedBatch, FeedError, FeedKind, FeedRunContext, Prepared, SourceRecord } from '#platform/feed/types.js';
import { compileReleases, idText, type JsonObject } from '../ocds/compile.js';
import { list, text } from '../ocds/cells.js';
import { mapRecord, type DirectoryFacts, type ProcessRows } from '../ocds/map.js';
import { partyUscc, processRefs, type ProcessRefs } from '../ocds/parties.js';
import { HOSPITAL_SELECTION, lookupByKey, regionOf, registeredOn, STAFF_SELECTION, SUPPLIER_SELECTION, type Entity } from './lookups.js';
import { preparedRows, recompileProcesses, storedReleases } from './ocds-store.js';
import { FED_TABLES, FEED_TIMESTAMPS } from '../tables.js';
import { sourceRelease } from './ocds-source.js';

const RELEASE_COLUMNS = [...FED_TABLES.ocds_release, ...FEED_TIMESTAMPS];
const USCC_FORM = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const UUID_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Candidate {
  index: number;
  ocid: string;
  releaseId: string;
  body: JsonObject;
  /** The body's text as received, when validation changed nothing in it. */
  text: string | undefined;
}

interface Found {
  hospitals: Map<string, Entity>;
  suppliers: Map<string, Entity>;
  staff: Map<string, Entity>;
}

/** The compiled record a release would make of its process, each process's earlier releases given in `before`. */
function compileWith(c: Candidate, known: Map<string, JsonObject[]>, before: Map<string, JsonObject[]>): JsonObject {
  return compileReleases([...(known.get(c.ocid) ?? []), ...(before.get(c.ocid) ?? []), c.body]);
}

async function lookUp(ctx: FeedRunContext, refs: ProcessRefs[]): Promise<Found> {
  const [hospitals, suppliers, staff] = await Promise.all([
    lookupByKey(
      ctx.peers,
      'Hospital',
      'code',
      refs.map((r) => r.buyer).filter((c) => USCC_FORM.test(c)),
      HOSPITAL_SELECTION,
    ),
    lookupByKey(
      ctx.peers,
      'Supplier',
      'uscc',
      refs.flatMap((r) => r.suppliers.map((s) => s.uscc)).filter((u) => USCC_FORM.test(u)),
      SUPPLIER_SELECTION,
    ),
    lookupByKey(
      ctx.peers,
      'Staff',
      'id',
      refs.flatMap((r) => r.staff.map((s) => s.id)).filter((id) => UUID_FORM.test(id)),
      STAFF_SELECTION,
    ),
  ]);
  return { hospitals, suppliers, staff };
}

/** The directory facts of a compiled record, or the first reference the directory does not know. */
function factsOf(refs: ProcessRefs, found: Found): DirectoryFacts | FeedError {
  const regionCode = regionOf(found.hospitals.get(refs.buyer));
  if (!regionCode) return { code: 'UNKNOWN_HOSPITAL', field: 'buyer', message: `buyer: ${refs.buyer} is not a directory hospital` };
  const registered: DirectoryFacts['registeredOn'] = {};
  for (const { uscc, field } of refs.suppliers) {
    const supplier = found.suppliers.get(uscc);
    if (!supplier) return { code: 'UNKNOWN_SUPPLIER', field, message: `${field}: ${uscc} is not a directory supplier` };
    registered[uscc] = registeredOn(supplier);
  }
  for (const { id, field } of refs.staff) {
    if (!found.staff.has(id)) return { code: 'UNKNOWN_STAFF', field, message: `${field}: ${id} is not a directory staff member` };
  }
  return { hospital: { code: refs.buyer, regionCode }, registeredOn: registered };
}

function releaseRow(c: Candidate, facts: DirectoryFacts, now: Date): Cell[] {
  // only the release's own suppliers: the column then depends on this release alone (re-feeding is a no-op)
  const own = new Set(list(c.body['parties']).map((p) => partyUscc(c.body, p)));
  const dates = Object.fromEntries(Object.entries(facts.registeredOn).filter(([uscc]) => own.has(uscc)));
  const tags = Array.isArray(c.body['tag']) ? c.body['tag'].flatMap((t) => text(t) ?? []) : [];
  const directory = { hospital: facts.hospital, registeredOn: dates };
  return [
    c.ocid,
    c.releaseId,
    new Date(idText(c.body['date'])),
    arrayLiteral(tags),
    c.text ?? JSON.stringify(c.body),
    JSON.stringify(directory),
    now,
    now,
  ];
}

function check(c: Candidate, compiled: JsonObject, found: Found, now: Date, mappedRows?: Map<string, ProcessRows>): Prepared {
  const refs = processRefs(compiled);
  if ('code' in refs) return { ok: false, error: refs };
  const facts = factsOf(refs, found);
  if ('code' in facts) return { ok: false, error: facts };
  const mapped = mapRecord(compiled, facts);
  if (!mapped.ok) return mapped;
  mappedRows?.set(c.ocid, mapped.rows);
  return { ok: true, rows: { ocds_release: releaseRow(c, facts, now) } };
}

/**
 * The releases each run's last batch accepted, by ocid: a pipelined run prepares the next batch while
 * that one may still be committing, so its releases are not necessarily stored yet.
 */
const lastAccepted = new WeakMap<FeedRunContext, Map<string, JsonObject[]>>();

/** The stored releases of the candidates' processes and, after them, the last batch's accepted ones. */
async function knownReleases(ctx: FeedRunContext, candidates: Candidate[]): Promise<Map<string, JsonObject[]>> {
  const ocids = [...new Set(candidates.map((c) => c.ocid))];
  const known = new Map<string, JsonObject[]>();
  for (const [ocid, releases] of await storedReleases(ctx.pool, ctx.schema, ocids))
    known.set(
      ocid,
      releases.map((r) => r.body),
    );
  const pending = lastAccepted.get(ctx);
  if (pending) for (const ocid of ocids) if (pending.has(ocid)) known.set(ocid, [...(known.get(ocid) ?? []), ...pending.get(ocid)!]);
  return known;
}

async function prepare(records: SourceRecord[], ctx: FeedRunContext, batch?: FeedBatch): Promise<Prepared[]> {
  const out = new Array<Prepared>(records.length);
  const candidates: Candidate[] = [];
  records.forEach((r, index) => {
    // The record's parsed value is this batch's alone, so it is validated in place. One naming __proto__ is
    // copied, which drops the member (copyJson); kept, it would be inert data — nothing assigns through it.
    const s = sourceRelease(r.value, ctx.settings, r.raw.includes('"__proto__"') ? undefined : r);
    if (!s.ok) out[index] = { ok: false, error: s.error };
    else candidates.push({ index, ocid: idText(s.body['ocid']), releaseId: s.releaseId, body: s.body, text: s.text });
  });
  const known = await knownReleases(ctx, candidates);
  // compiled with every earlier release of the batch: the references any of them could need, for one
  // directory call per typename; reused unless an earlier release of the same process is refused
  const seen = new Map<string, JsonObject[]>();
  const compiled = candidates.map((c) => {
    const record = compileWith(c, known, seen);
    seen.set(c.ocid, [...(seen.get(c.ocid) ?? []), c.body]);
    return record;
  });
  const found = await lookUp(
    ctx,
    compiled.map(processRefs).filter((r): r is ProcessRefs => !('code' in r)),
  );
  const accepted = new Map<string, JsonObject[]>();
  const refused = new Set<string>();
  const now = new Date();
  // The process rows as this batch leaves each process: afterMerge writes them without compiling again.
  const mapped = new Map<string, ProcessRows>();
  if (batch) preparedRows.set(batch, mapped);
  candidates.forEach((c, i) => {
    const record = refused.has(c.ocid) ? compileWith(c, known, accepted) : compiled[i]!;
    const result = check(c, record, found, now, mapped);
    if (result.ok) accepted.set(c.ocid, [...(accepted.get(c.ocid) ?? []), c.body]);
    else refused.add(c.ocid);
    out[c.index] = result;
  });
  lastAccepted.set(ctx, accepted);
  return out;
}

export const ocdsFeed: FeedKind = {
  kind: 'ocds',
  description: 'OCDS 1.1 发布 (release / record packages, JSON lines) — tenders, bids, awards and contracts of the provincial platform',
  formats: ['ndjson', 'json'],
  arrayKeys: ['releases', 'records'],
  tables: [
    { name: 'ocds_release', columns: RELEASE_COLUMNS, key: ['ocid', 'release_id'], insertOnly: ['created_at'], touch: ['updated_at'] },
  ],
  prepare,
  afterMerge: recompileProcesses,
  // prepare carries the last batch's accepted releases (lastAccepted), so it need not wait for their commit
  pipelined: true,
  // A batch's releases live several times over (raw, parsed, compiled, rows), and two batches are in flight:
  // 2,000 (≈ 16 MB of releases) keeps a run's peak near 400 MB above the process's own (docs/benchmarks.md).
  batchSize: 2_000,
};
