/**
 * Feed kind `sanctions` — a supplier's credit sanction (信用惩戒): 医药价格和招采信用评价 D (CREDIT_D), 失信被执行人
 * (DISHONEST), 限制挂网 (LISTING_RESTRICTED), 中止挂网 (LISTING_SUSPENDED) — seed 003 (限制或中止挂网 of
 * companies found paying kickbacks), 004 item 17 (no business with them). Columns: supplier_uscc, kind,
 * valid_from, valid_to (empty: open-ended), source, reference. Key (supplier_uscc, kind, valid_from).
 */
import type { FeedKind, FeedRunContext, Prepared, SourceRecord } from '#platform/feed/types.js';
import { cell, date, required, uscc, type Parsed } from './csv-values.js';
import { lookupByKey } from './lookups.js';
import { FED_TABLES } from '../tables.js';

export const SANCTION_KINDS = ['CREDIT_D', 'DISHONEST', 'LISTING_RESTRICTED', 'LISTING_SUSPENDED'] as const;
export const SANCTION_COLUMNS = ['supplier_uscc', 'kind', 'valid_from', 'valid_to', 'source', 'reference'];
export const SANCTION_ALIASES: Record<string, string> = {
  supplier_uscc: '企业代码',
  kind: '惩戒类型',
  valid_from: '开始日期',
  valid_to: '结束日期',
  source: '实施机关',
  reference: '文号',
};

interface Sanction {
  supplier: string;
  kind: string;
  from: string;
  to: string | null;
  source: string;
  reference: string | null;
}

const fail = (code: string, field: string, message: string): Parsed<never> => ({
  ok: false,
  error: { code, field, message: `${field}: ${message}` },
});

export function parseSanction(row: unknown): Parsed<Sanction> {
  const get = (column: string) => cell(row, column, SANCTION_ALIASES);
  const supplier = uscc(get('supplier_uscc'), 'supplier_uscc');
  if (!supplier.ok) return supplier;
  const kind = get('kind').toUpperCase();
  if (!(SANCTION_KINDS as readonly string[]).includes(kind))
    return fail('KIND', 'kind', `'${kind}' is not one of ${SANCTION_KINDS.join(', ')}`);
  const from = date(get('valid_from'), 'valid_from');
  if (!from.ok) return from;
  const to = get('valid_to') === '' ? null : date(get('valid_to'), 'valid_to');
  if (to && !to.ok) return to;
  if (to && to.value < from.value) return fail('DATE', 'valid_to', 'is before valid_from');
  const source = required(get('source'), 'source', 500);
  if (!source.ok) return source;
  const reference = get('reference') || null;
  return { ok: true, value: { supplier: supplier.value!, kind, from: from.value, to: to?.value ?? null, source: source.value, reference } };
}

async function prepare(records: SourceRecord[], ctx: FeedRunContext): Promise<Prepared[]> {
  const parsed = records.map((r) => parseSanction(r.value));
  const suppliers = await lookupByKey(
    ctx.peers,
    'Supplier',
    'uscc',
    parsed.flatMap((p) => (p.ok ? [p.value.supplier] : [])),
    'uscc',
  );
  return parsed.map((p): Prepared => {
    if (!p.ok) return p;
    const s = p.value;
    if (!suppliers.has(s.supplier))
      return {
        ok: false,
        error: { code: 'UNKNOWN_SUPPLIER', field: 'supplier_uscc', message: `supplier_uscc: ${s.supplier} is not a directory supplier` },
      };
    return { ok: true, rows: { supplier_sanction: [s.supplier, s.kind, s.from, s.to, s.source, s.reference] } };
  });
}

export const sanctionsFeed: FeedKind = {
  kind: 'sanctions',
  description: '信用惩戒 — suppliers under credit sanction (信用评价 D, 失信, 限制 / 中止挂网)',
  formats: ['csv'],
  csvColumns: SANCTION_COLUMNS,
  csvAliases: SANCTION_ALIASES,
  tables: [
    {
      name: 'supplier_sanction',
      columns: [...FED_TABLES.supplier_sanction],
      key: ['supplier_uscc', 'kind', 'valid_from'],
    },
  ],
  prepare,
};
