import { describe, expect, it } from 'vitest';
import { compileReleases, type JsonObject } from './compile.js';
import { mapRecord, PROCESS_TABLES, type DirectoryFacts, type ProcessRows } from './map.js';
import { awardRelease, contractRelease, HOSPITAL, STAFF_ID, SUPPLIER_A, SUPPLIER_B, tenderRelease } from './test-releases.js';

const FACTS: DirectoryFacts = {
  hospital: { code: HOSPITAL, regionCode: '330100' },
  registeredOn: { [SUPPLIER_A]: '2024-09-01', [SUPPLIER_B]: null },
};

const rowsOf = (...releases: JsonObject[]): ProcessRows => {
  const r = mapRecord(compileReleases(releases), FACTS);
  if (!r.ok) throw new Error(r.error.message);
  return r.rows;
};
const named = (table: keyof typeof PROCESS_TABLES, row: unknown[]) => Object.fromEntries(PROCESS_TABLES[table].map((c, i) => [c, row[i]]));
const errorOf = (tender: JsonObject) => {
  const r = mapRecord(
    compileReleases([tenderRelease('o', { tender: { ...(tenderRelease()['tender'] as JsonObject), ...tender } })]),
    FACTS,
  );
  return r.ok ? undefined : r.error;
};

describe('mapRecord', () => {
  it('maps a compiled tender → award → contract into one row per table entry, in the migration column order', () => {
    const rows = rowsOf(tenderRelease(), awardRelease(), contractRelease());
    for (const [table, list] of Object.entries(rows)) {
      for (const row of list) expect(row).toHaveLength(PROCESS_TABLES[table as keyof typeof PROCESS_TABLES].length);
    }
    expect(named('tender', rows.tender[0]!)).toEqual({
      ocid: 'ocds-hub-0001',
      hospital_code: HOSPITAL,
      region_code: '330100',
      title: 'CT 设备采购',
      category: 'EQUIPMENT',
      method: 'OPEN_TENDERING',
      ocds_method: 'open',
      method_details: '公开招标',
      award_criteria: 'priceOnly',
      budget: 5_000_000,
      currency: 'CNY',
      status: 'complete',
      classification: '33115000',
      tender_start: new Date('2025-03-01T01:00:00Z'),
      tender_end: new Date('2025-03-25T01:00:00Z'),
      bid_opening: null,
      award_date: new Date('2025-04-02T07:00:00Z'),
      contract_date: new Date('2025-04-20T02:00:00Z'),
      number_of_tenderers: null,
      month: '2025-03',
      release_date: new Date('2025-04-20T02:00:00Z'),
    });
    expect(rows.bid.map((b) => named('bid', b))).toMatchObject([
      {
        key: 'ocds-hub-0001/bid-a',
        tenderer_usccs: `{"${SUPPLIER_A}"}`,
        amount: 4_800_000,
        status: 'VALID',
        disqualify_reason: null,
        month: '2025-03',
      },
      { key: 'ocds-hub-0001/bid-b', tenderer_usccs: `{"${SUPPLIER_B}"}`, status: 'DISQUALIFIED', disqualify_reason: '资质不符' },
    ]);
    expect(named('award', rows.award[0]!)).toMatchObject({
      key: 'ocds-hub-0001/aw1',
      lot_id: 'lot1',
      supplier_usccs: `{"${SUPPLIER_A}"}`,
      related_bids: '{"bid-a"}',
      supplier_registered_on: '2024-09-01',
      status: 'active',
      month: '2025-03',
    });
    expect(named('contract', rows.contract[0]!)).toMatchObject({ contract_id: 'c1', award_id: 'aw1', value: 4_800_000, amendments: '[]' });
    expect(rows.committee_member.map((m) => named('committee_member', m))).toMatchObject([
      { member_id: 'm1', staff_id: STAFF_ID, expert_name: null, role: 'chair' },
      { member_id: 'm2', staff_id: null, expert_name: '李专家', role: 'expert' },
    ]);
    expect(named('party', rows.party[1]!)).toEqual({
      ocid: 'ocds-hub-0001',
      party_id: 'a',
      name: '甲公司',
      roles: '{"tenderer","supplier"}',
      uscc: SUPPLIER_A,
      address: '浙江省 杭州市 甲公司路 1 号',
      contact_name: '张三',
      telephone: '0571-88888888',
      email: 'a@example.cn',
    });
    expect(rows.lot).toEqual([['ocds-hub-0001', 'lot1', '标段一', 5_000_000, 'active']]);
  });

  it('takes the month in Asia/Shanghai, and from the release date without a tender period', () => {
    const late = tenderRelease('o', {
      tender: { ...(tenderRelease()['tender'] as JsonObject), tenderPeriod: { startDate: '2025-03-31T17:00:00Z' } },
    });
    expect(named('tender', rowsOf(late).tender[0]!)['month']).toBe('2025-04');
    const none = tenderRelease('o', {
      date: '2025-05-31T16:30:00Z',
      tender: { ...(tenderRelease()['tender'] as JsonObject), tenderPeriod: null },
    });
    expect(named('tender', rowsOf(none).tender[0]!)['month']).toBe('2025-06');
  });

  it.each([
    ['邀请招标', 'selective', 'INVITED_TENDERING'],
    ['竞争性谈判', 'limited', 'COMPETITIVE_NEGOTIATION'],
    ['竞争性磋商', 'limited', 'COMPETITIVE_CONSULTATION'],
    ['单一来源', 'direct', 'SINGLE_SOURCE'],
    ['询价', 'limited', 'REQUEST_FOR_QUOTATION'],
    ['询价采购', undefined, 'REQUEST_FOR_QUOTATION'],
  ])('maps 采购方式 %s (%s) to %s', (details, ocds, method) => {
    const rows = rowsOf(
      tenderRelease('o', {
        tender: { ...(tenderRelease()['tender'] as JsonObject), procurementMethodDetails: details, procurementMethod: ocds ?? null },
      }),
    );
    expect(named('tender', rows.tender[0]!)).toMatchObject({ method, ocds_method: ocds ?? 'limited' });
  });

  it('maps procurementMethod alone except the ambiguous limited', () => {
    const only = (m: string) => ({ procurementMethod: m, procurementMethodDetails: null });
    const method = (m: string) =>
      named('tender', rowsOf(tenderRelease('o', { tender: { ...(tenderRelease()['tender'] as JsonObject), ...only(m) } })).tender[0]!)[
        'method'
      ];
    expect([method('open'), method('selective'), method('direct')]).toEqual(['OPEN_TENDERING', 'INVITED_TENDERING', 'SINGLE_SOURCE']);
    expect(errorOf(only('limited'))).toMatchObject({ code: 'METHOD', field: 'tender.procurementMethodDetails' });
  });

  it('refuses details that contradict procurementMethod, or are no 采购方式', () => {
    expect(errorOf({ procurementMethodDetails: '单一来源', procurementMethod: 'open' })).toMatchObject({
      code: 'METHOD',
      field: 'tender.procurementMethod',
    });
    expect(errorOf({ procurementMethodDetails: '框架协议' })).toMatchObject({ code: 'METHOD', field: 'tender.procurementMethodDetails' });
  });

  it('carries the category in tender.category, or in mainProcurementCategory for works and services', () => {
    const category = (t: JsonObject) =>
      named('tender', rowsOf(tenderRelease('o', { tender: { ...(tenderRelease()['tender'] as JsonObject), ...t } })).tender[0]!)[
        'category'
      ];
    expect(category({ category: 'DRUG' })).toBe('DRUG');
    expect(category({ category: null, mainProcurementCategory: 'works' })).toBe('CONSTRUCTION');
    expect(category({ category: null, mainProcurementCategory: 'services' })).toBe('SERVICE');
    expect(category({ category: 'SERVICE', mainProcurementCategory: null })).toBe('SERVICE');
    expect(errorOf({ category: null })).toMatchObject({ code: 'CATEGORY', field: 'tender.category' });
    expect(errorOf({ category: 'CONSTRUCTION' })).toMatchObject({ code: 'CATEGORY', field: 'tender.category' });
    expect(errorOf({ category: 'FOOD' })).toMatchObject({ code: 'CATEGORY', field: 'tender.category' });
  });

  it('refuses a committee member with a staffId that is no UUID, or with neither staffId nor name', () => {
    expect(errorOf({ evaluationCommittee: [{ id: 'm', staffId: '42' }] })).toMatchObject({
      code: 'UNKNOWN_STAFF',
      field: 'tender.evaluationCommittee[0].staffId',
    });
    expect(errorOf({ evaluationCommittee: [{ id: 'm' }] })).toMatchObject({ code: 'REQUIRED' });
  });

  it('maps a record without a tender yet to no rows, and requires what the rules read', () => {
    const r = mapRecord(compileReleases([awardRelease()]), FACTS);
    expect(r.ok && Object.values(r.rows).every((l) => l.length === 0)).toBe(true);
    expect(errorOf({ title: null })).toMatchObject({ code: 'REQUIRED', field: 'tender.title' });
    expect(errorOf({ status: null })).toMatchObject({ code: 'REQUIRED', field: 'tender.status' });
  });
});
