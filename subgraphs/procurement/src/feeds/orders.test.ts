import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '#platform/feed/types.js';
import { makeUscc } from '#platform/validation/uscc.js';
import { ordersFeed, ORDER_ALIASES, ORDER_COLUMNS } from './orders.js';
import { MemoryDirectory, runContext } from './test-peers.js';

const HOSPITAL = '12330100000000019B';
const DISTRIBUTOR = '91330100000000115F';
const MAKER = '91330100000000123A';
const DRUG = 'XA10BAE021A010010201650';

const directory = () =>
  new MemoryDirectory({
    Hospital: { [HOSPITAL]: { code: HOSPITAL, region: { code: '330100' } } },
    Supplier: { [DISTRIBUTOR]: { uscc: DISTRIBUTOR }, [MAKER]: { uscc: MAKER } },
    Product: { [DRUG]: { code: DRUG, kind: 'DRUG', supplier: { uscc: MAKER } } },
  });

const line = (over: Record<string, string> = {}): Record<string, string> => ({
  order_no: 'PO-2025-0001',
  line_no: '1',
  hospital_code: HOSPITAL,
  product_code: DRUG,
  supplier_uscc: DISTRIBUTOR,
  manufacturer_uscc: MAKER,
  quantity: '3',
  unit_price: '0.335',
  ordered_at: '2025-03-31 20:15',
  vbp_selected: '是',
  listed_price: '0.40',
  invoice_numbers: '0001 | 0002',
  ...over,
});

const records = (...rows: Record<string, string>[]): SourceRecord[] =>
  rows.map((value, i) => ({ recordNo: i + 1, line: i + 2, raw: Object.values(value).join(','), value }));

const prepare = async (rows: Record<string, string>[], peers = directory()) => ordersFeed.prepare(records(...rows), runContext(peers));
const named = (row: unknown) => {
  const columns = ordersFeed.tables[0]!.columns;
  return Object.fromEntries(columns.map((c, i) => [c, (row as unknown[])[i]]));
};

describe('orders feed prepare', () => {
  it('maps a line: amount = quantity × unit price to the fen, genericGroup, month in Asia/Shanghai, invoice chain', async () => {
    const [r] = await prepare([line()]);
    expect(r?.ok).toBe(true);
    const row = named(r?.ok ? r.rows['purchase_order_line'] : []);
    expect(row).toMatchObject({
      key: 'PO-2025-0001/1',
      line_no: 1,
      region_code: '330100',
      product_kind: 'DRUG',
      generic_group: 'XA10BAE021',
      quantity: '3',
      unit_price: '0.335',
      amount: '1.01',
      ordered_at: new Date('2025-03-31T12:15:00Z'),
      vbp_selected: true,
      listed_price: '0.4',
      invoices: '{"0001","0002"}',
      month: '2025-03',
    });
    expect(ordersFeed.tables[0]!.columns).toHaveLength(row ? Object.keys(row).length : 0);
  });

  it('refuses a bad decimal, naming the column', async () => {
    const results = await prepare([
      line({ quantity: '1,000' }),
      line({ unit_price: '1.23456' }),
      line({ listed_price: 'abc' }),
      line({ quantity: '0' }),
    ]);
    expect(results.map((r) => (r.ok ? null : [r.error.code, r.error.field]))).toEqual([
      ['DECIMAL', 'quantity'],
      ['DECIMAL', 'unit_price'],
      ['DECIMAL', 'listed_price'],
      ['DECIMAL', 'quantity'],
    ]);
  });

  it('refuses a USCC with a wrong check digit, a bad product code, a bad date or flag', async () => {
    const results = await prepare([
      line({ supplier_uscc: '91330100000000115G' }),
      line({ product_code: 'XA10BAE021' }),
      line({ ordered_at: '2025-02-30' }),
      line({ vbp_selected: 'maybe' }),
      line({ line_no: '-1' }),
    ]);
    expect(results.map((r) => (r.ok ? null : [r.error.code, r.error.field]))).toEqual([
      ['USCC', 'supplier_uscc'],
      ['PRODUCT_CODE', 'product_code'],
      ['DATE', 'ordered_at'],
      ['BOOLEAN', 'vbp_selected'],
      ['INTEGER', 'line_no'],
    ]);
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/check digit should be 'F'/);
  });

  it('refuses unknown hospitals, suppliers and products, and a manufacturer the directory contradicts', async () => {
    const other = makeUscc({ registrationDept: '9', category: '1', regionCode: '330100', serial: 99 });
    const results = await prepare([
      line({ hospital_code: makeUscc({ registrationDept: '1', category: '2', regionCode: '330100', serial: 2 }) }),
      line({ supplier_uscc: other }),
      line({ product_code: 'XL02BBA326A001010102180' }),
      line({ manufacturer_uscc: DISTRIBUTOR }),
    ]);
    expect(results.map((r) => (r.ok ? null : [r.error.code, r.error.field]))).toEqual([
      ['UNKNOWN_HOSPITAL', 'hospital_code'],
      ['UNKNOWN_SUPPLIER', 'supplier_uscc'],
      ['UNKNOWN_PRODUCT', 'product_code'],
      ['MANUFACTURER', 'manufacturer_uscc'],
    ]);
  });

  it('looks up the directory once per typename for the whole batch', async () => {
    const peers = directory();
    const results = await prepare([line(), line({ line_no: '2' }), line({ line_no: '3', quantity: 'x' })], peers);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(peers.calls.map((c) => [c.typename, c.keys.length])).toEqual([
      ['Hospital', 1],
      ['Supplier', 2],
      ['Product', 1],
    ]);
  });

  it('fills the manufacturer from the product, takes a date as midnight in Asia/Shanghai, and accepts the Chinese header', async () => {
    const chinese = Object.fromEntries(
      Object.entries(line({ manufacturer_uscc: '', ordered_at: '2025-04-01', vbp_selected: 'false', invoice_numbers: '' })).map(
        ([k, v]) => [ORDER_ALIASES[k]!, v],
      ),
    );
    const [r] = await prepare([chinese]);
    const row = named(r?.ok ? r.rows['purchase_order_line'] : []);
    expect(row).toMatchObject({
      manufacturer_uscc: MAKER,
      ordered_at: new Date('2025-03-31T16:00:00Z'),
      month: '2025-04',
      vbp_selected: false,
      invoices: '{}',
    });
    expect(ORDER_COLUMNS).toHaveLength(12);
  });
});
