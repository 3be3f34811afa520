// Releases for the tests of the OCDS modules and the ocds feed: one contracting process of a hospital,
// as a tender notice, then an award, then a contract (OCDS 1.1 with the bids extension).
import { isObject, type Json, type JsonObject } from './compile.js';

export const HOSPITAL = '12330100000000019B';
export const SUPPLIER_A = '91330100000000115F';
export const SUPPLIER_B = '91330100000000123A';
export const STAFF_ID = '6f1c2d3e-4b5a-4c6d-8e7f-901234567890';

const party = (id: string, uscc: string, roles: string[], name: string): JsonObject => ({
  id,
  name,
  roles,
  identifier: { scheme: 'CN-USCC', id: uscc },
  address: { region: '浙江省', locality: '杭州市', streetAddress: `${name}路 1 号` },
  contactPoint: { name: '张三', telephone: '0571-88888888', email: `${id}@example.cn` },
});

export function tenderRelease(ocid = 'ocds-hub-0001', over: JsonObject = {}): JsonObject {
  return {
    ocid,
    id: `${ocid}-tender`,
    date: '2025-03-01T09:00:00+08:00',
    tag: ['tender'],
    buyer: { id: 'buyer', name: '杭州市第一人民医院' },
    parties: [
      party('buyer', HOSPITAL, ['buyer'], '杭州市第一人民医院'),
      party('a', SUPPLIER_A, ['tenderer'], '甲公司'),
      party('b', SUPPLIER_B, ['tenderer'], '乙公司'),
    ],
    tender: {
      id: 't1',
      title: 'CT 设备采购',
      status: 'active',
      procurementMethod: 'open',
      procurementMethodDetails: '公开招标',
      mainProcurementCategory: 'goods',
      category: 'EQUIPMENT',
      awardCriteria: 'priceOnly',
      value: { amount: 5_000_000, currency: 'CNY' },
      tenderPeriod: { startDate: '2025-03-01T09:00:00+08:00', endDate: '2025-03-25T09:00:00+08:00' },
      items: [{ id: 'i1', classification: { scheme: 'CPV', id: '33115000' } }],
      lots: [{ id: 'lot1', title: '标段一', value: { amount: 5_000_000, currency: 'CNY' }, status: 'active' }],
      evaluationCommittee: [
        { id: 'm1', staffId: STAFF_ID, role: 'chair' },
        { id: 'm2', name: '李专家', role: 'expert' },
      ],
    },
    bids: {
      details: [
        {
          id: 'bid-a',
          date: '2025-03-24T10:00:00+08:00',
          status: 'valid',
          value: { amount: 4_800_000, currency: 'CNY' },
          tenderers: [{ id: 'a' }],
        },
        {
          id: 'bid-b',
          date: '2025-03-24T11:00:00+08:00',
          status: 'disqualified',
          statusDetails: '资质不符',
          value: { amount: 4_500_000, currency: 'CNY' },
          tenderers: [{ id: 'b' }],
        },
      ],
    },
    ...over,
  };
}

export function awardRelease(ocid = 'ocds-hub-0001', over: JsonObject = {}): JsonObject {
  return {
    ocid,
    id: `${ocid}-award`,
    date: '2025-04-02T15:00:00+08:00',
    tag: ['award'],
    // publishers repeat the buyer and the parties a release refers to
    buyer: { id: 'buyer', name: '杭州市第一人民医院' },
    parties: [party('buyer', HOSPITAL, ['buyer'], '杭州市第一人民医院'), party('a', SUPPLIER_A, ['tenderer', 'supplier'], '甲公司')],
    tender: { id: 't1', status: 'complete' },
    awards: [
      {
        id: 'aw1',
        status: 'active',
        date: '2025-04-02T15:00:00+08:00',
        value: { amount: 4_800_000, currency: 'CNY' },
        suppliers: [{ id: 'a' }],
        relatedBids: ['bid-a'],
        relatedLots: ['lot1'],
      },
    ],
    ...over,
  };
}

export function contractRelease(ocid = 'ocds-hub-0001'): JsonObject {
  return {
    ocid,
    id: `${ocid}-contract`,
    date: '2025-04-20T10:00:00+08:00',
    tag: ['contract'],
    contracts: [
      {
        id: 'c1',
        awardID: 'aw1',
        status: 'active',
        dateSigned: '2025-04-20T10:00:00+08:00',
        value: { amount: 4_800_000, currency: 'CNY' },
      },
    ],
  };
}

/** Sets `path` (e.g. `tender.value.amount`, `parties[2].identifier.id`) in a test release; returns the release. */
export function setAt(target: JsonObject, path: string, value: Json): JsonObject {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let node: Json = target;
  for (const key of keys.slice(0, -1)) {
    node = Array.isArray(node) ? (node[Number(key)] ?? null) : isObject(node) ? (node[key] ?? null) : null;
    if (node === null) throw new Error(`setAt: no ${key} in ${path}`);
  }
  const last = keys.at(-1)!;
  if (Array.isArray(node)) node[Number(last)] = value;
  else if (isObject(node)) node[last] = value;
  return target;
}

/** Reads `path` of a JSON value (undefined when absent). */
export function getAt(target: Json, path: string): Json | undefined {
  let node: Json | undefined = target;
  for (const key of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
  }
  return node;
}
