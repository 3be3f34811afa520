/**
 * Feed kind `agreements` — 集采协议量: the volume of a selected generic a hospital agreed to buy in a year
 * (seed 001: the agreed 集采 volume completed), for the VBP-completion flag and figures.
 * Columns: hospital_code, generic_group (the 10-character 通用名组 of the 医保 code, see genericGroup),
 * year, agreed_quantity. Key (hospital_code, generic_group, year).
 */
import type { FeedError, FeedKind, FeedRunContext, Prepared, SourceRecord } from '#platform/feed/types.js';
import { cell, decimal, integer, uscc, type Parsed } from './csv-values.js';
import { HOSPITAL_SELECTION, lookupByKey, regionOf } from './lookups.js';
import { FED_TABLES } from '../tables.js';

export const AGREEMENT_COLUMNS = ['hospital_code', 'generic_group', 'year', 'agreed_quantity'];
export const AGREEMENT_ALIASES: Record<string, string> = {
  hospital_code: '医疗机构代码',
  generic_group: '通用名组',
  year: '年度',
  agreed_quantity: '协议量',
};

/** 西药 X + ATC class 5 + 名称码 4; 中成药 Z + class 5 + the first 4 of its 名称码; 耗材 C + 分类码 6 + 通用名码 3. */
const GENERIC_GROUP = /^(?:[XZ][A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}|C\d{9})$/;

interface Agreement {
  hospital: string;
  group: string;
  year: number;
  quantity: string;
}

export function parseAgreement(row: unknown): Parsed<Agreement> {
  const get = (column: string) => cell(row, column, AGREEMENT_ALIASES);
  const hospital = uscc(get('hospital_code'), 'hospital_code');
  if (!hospital.ok) return hospital;
  const group = get('generic_group').toUpperCase();
  if (!GENERIC_GROUP.test(group)) {
    const error: FeedError = {
      code: 'GENERIC_GROUP',
      field: 'generic_group',
      message: `generic_group: '${group}' is not the first 10 characters of a 医保 code`,
    };
    return { ok: false, error };
  }
  const year = integer(get('year'), 'year', 2000, 2100);
  if (!year.ok) return year;
  const quantity = decimal(get('agreed_quantity'), 'agreed_quantity', 14, 3, { positive: true });
  if (!quantity.ok) return quantity;
  return { ok: true, value: { hospital: hospital.value!, group, year: year.value, quantity: quantity.value } };
}

async function prepare(records: SourceRecord[], ctx: FeedRunContext): Promise<Prepared[]> {
  const parsed = records.map((r) => parseAgreement(r.value));
  const ok = parsed.flatMap((p) => (p.ok ? [p.value] : []));
  const hospitals = await lookupByKey(
    ctx.peers,
    'Hospital',
    'code',
    ok.map((a) => a.hospital),
    HOSPITAL_SELECTION,
  );
  return parsed.map((p): Prepared => {
    if (!p.ok) return p;
    const a = p.value;
    const region = regionOf(hospitals.get(a.hospital));
    if (!region)
      return {
        ok: false,
        error: { code: 'UNKNOWN_HOSPITAL', field: 'hospital_code', message: `hospital_code: ${a.hospital} is not a directory hospital` },
      };
    return { ok: true, rows: { vbp_agreement: [a.hospital, region, a.group, a.year, a.quantity] } };
  });
}

export const agreementsFeed: FeedKind = {
  kind: 'agreements',
  description: '集采协议量 — volume-based procurement agreed quantities per hospital, generic group and year',
  formats: ['csv'],
  csvColumns: AGREEMENT_COLUMNS,
  csvAliases: AGREEMENT_ALIASES,
  tables: [
    {
      name: 'vbp_agreement',
      columns: [...FED_TABLES.vbp_agreement],
      key: ['hospital_code', 'generic_group', 'year'],
    },
  ],
  prepare,
};
