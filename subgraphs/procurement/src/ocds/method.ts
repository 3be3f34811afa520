/**
 * 采购方式 and 采购品目 of a tender, from its OCDS fields.
 *
 * Method (政府采购法 art. 26, 招标投标法): `tender.procurementMethodDetails` names the Chinese method and
 * decides it; `procurementMethod` must be the OCDS method it maps to (公开招标 open, 邀请招标 selective,
 * 竞争性谈判 / 竞争性磋商 / 询价 limited, 单一来源 direct), otherwise 'METHOD'. Without details,
 * open → 公开招标, selective → 邀请招标, direct → 单一来源, and limited is refused as ambiguous.
 *
 * Category — how a feed carries it: the hub extension `tender.category` (DRUG, CONSUMABLE, EQUIPMENT,
 * CONSTRUCTION, SERVICE) decides, and must agree with `mainProcurementCategory` when both are given
 * (DRUG / CONSUMABLE / EQUIPMENT are goods, CONSTRUCTION works, SERVICE services). Without it, works →
 * CONSTRUCTION and services → SERVICE; goods need `tender.category`, since OCDS cannot tell a drug tender
 * from an equipment one. Anything else is 'CATEGORY'.
 */
import type { FeedError } from '#platform/feed/types.js';
import type { TenderCategory, TenderMethod } from '../rules/facts.js';
import type { JsonObject } from './compile.js';
import { text } from './cells.js';

export const METHODS: Record<string, { method: TenderMethod; ocds: string }> = {
  公开招标: { method: 'OPEN_TENDERING', ocds: 'open' },
  邀请招标: { method: 'INVITED_TENDERING', ocds: 'selective' },
  竞争性谈判: { method: 'COMPETITIVE_NEGOTIATION', ocds: 'limited' },
  竞争性磋商: { method: 'COMPETITIVE_CONSULTATION', ocds: 'limited' },
  单一来源: { method: 'SINGLE_SOURCE', ocds: 'direct' },
  询价: { method: 'REQUEST_FOR_QUOTATION', ocds: 'limited' },
};

const BY_OCDS: Record<string, TenderMethod> = { open: 'OPEN_TENDERING', selective: 'INVITED_TENDERING', direct: 'SINGLE_SOURCE' };

export type MethodResult = { ok: true; method: TenderMethod; ocds: string; details: string | null } | { ok: false; error: FeedError };

const methodError = (field: string, message: string): MethodResult => ({
  ok: false,
  error: { code: 'METHOD', field, message: `${field}: ${message}` },
});

export function tenderMethod(tender: JsonObject): MethodResult {
  const ocds = text(tender['procurementMethod']);
  const details = text(tender['procurementMethodDetails'])?.trim() || null;
  if (details !== null) {
    // '单一来源采购' and '询价采购' are common spellings of the same methods
    const known = METHODS[details] ?? METHODS[details.replace(/采购$/, '')];
    if (!known)
      return methodError('tender.procurementMethodDetails', `'${details}' is not a 采购方式 (${Object.keys(METHODS).join('、')})`);
    if (ocds !== null && ocds !== known.ocds) {
      return methodError('tender.procurementMethod', `'${ocds}' contradicts procurementMethodDetails '${details}' (${known.ocds})`);
    }
    return { ok: true, method: known.method, ocds: known.ocds, details };
  }
  if (ocds === null) return methodError('tender.procurementMethod', 'procurementMethod or procurementMethodDetails is required');
  const method = BY_OCDS[ocds];
  if (!method)
    return methodError(
      'tender.procurementMethodDetails',
      `'${ocds}' is ambiguous without procurementMethodDetails (竞争性谈判, 竞争性磋商 or 询价)`,
    );
  return { ok: true, method, ocds, details: null };
}

const CATEGORIES: readonly TenderCategory[] = ['DRUG', 'CONSUMABLE', 'EQUIPMENT', 'CONSTRUCTION', 'SERVICE'];
const OCDS_CATEGORY: Record<TenderCategory, string> = {
  DRUG: 'goods',
  CONSUMABLE: 'goods',
  EQUIPMENT: 'goods',
  CONSTRUCTION: 'works',
  SERVICE: 'services',
};

export type CategoryResult = { ok: true; category: TenderCategory } | { ok: false; error: FeedError };

const categoryError = (field: string, message: string): CategoryResult => ({
  ok: false,
  error: { code: 'CATEGORY', field, message: `${field}: ${message}` },
});

export function tenderCategory(tender: JsonObject): CategoryResult {
  const main = text(tender['mainProcurementCategory']);
  const given = text(tender['category']);
  if (given !== null) {
    const category = CATEGORIES.find((c) => c === given);
    if (!category) return categoryError('tender.category', `'${given}' is not one of ${CATEGORIES.join(', ')}`);
    if (main !== null && OCDS_CATEGORY[category] !== main) {
      return categoryError('tender.category', `${category} contradicts mainProcurementCategory '${main}' (${OCDS_CATEGORY[category]})`);
    }
    return { ok: true, category };
  }
  if (main === 'works') return { ok: true, category: 'CONSTRUCTION' };
  if (main === 'services') return { ok: true, category: 'SERVICE' };
  return categoryError(
    'tender.category',
    'goods need tender.category (DRUG, CONSUMABLE or EQUIPMENT); or give mainProcurementCategory works / services',
  );
}
