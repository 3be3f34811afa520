import { describe, expect, it } from 'vitest';
import type { FeedKind, SourceRecord } from '#platform/feed/types.js';
import { agreementsFeed } from './agreements.js';
import { sanctionsFeed } from './sanctions.js';
import { MemoryDirectory, runContext } from './test-peers.js';

const HOSPITAL = '12330100000000019B';
const SUPPLIER = '91330100000000115F';
const OTHER = '91330100000000123A';
const peers = () =>
  new MemoryDirectory({
    Hospital: { [HOSPITAL]: { code: HOSPITAL, region: { code: '330100' } } },
    Supplier: { [SUPPLIER]: { uscc: SUPPLIER } },
  });

const run = (kind: FeedKind, rows: Record<string, string>[]) =>
  kind.prepare(
    rows.map((value, i): SourceRecord => ({ recordNo: i + 1, line: i + 2, raw: '', value })),
    runContext(peers()),
  );
const outcome = (r: Awaited<ReturnType<FeedKind['prepare']>>[number]) => (r.ok ? Object.values(r.rows)[0] : [r.error.code, r.error.field]);

describe('agreements feed prepare', () => {
  const row = (over: Record<string, string> = {}) => ({
    hospital_code: HOSPITAL,
    generic_group: 'xa10bae021',
    year: '2025',
    agreed_quantity: '1200.5',
    ...over,
  });

  it('maps an agreed volume with the hospital region', async () => {
    expect((await run(agreementsFeed, [row()])).map(outcome)).toEqual([[HOSPITAL, '330100', 'XA10BAE021', 2025, '1200.5']]);
  });

  it('refuses a bad decimal, a bad generic group or year, an unknown hospital', async () => {
    const results = await run(agreementsFeed, [
      row({ agreed_quantity: '12.3.4' }),
      row({ generic_group: 'XA10BAE021A01' }),
      row({ year: '25' }),
      row({ hospital_code: '12330100000000019C' }),
      row({ hospital_code: SUPPLIER }),
    ]);
    expect(results.map(outcome)).toEqual([
      ['DECIMAL', 'agreed_quantity'],
      ['GENERIC_GROUP', 'generic_group'],
      ['INTEGER', 'year'],
      ['USCC', 'hospital_code'],
      ['UNKNOWN_HOSPITAL', 'hospital_code'],
    ]);
  });
});

describe('sanctions feed prepare', () => {
  const row = (over: Record<string, string> = {}) => ({
    supplier_uscc: SUPPLIER,
    kind: 'LISTING_SUSPENDED',
    valid_from: '2025-01-01',
    valid_to: '',
    source: '浙江省医疗保障局',
    reference: '浙医保〔2025〕1号',
    ...over,
  });

  it('maps a sanction, open-ended when valid_to is empty', async () => {
    expect((await run(sanctionsFeed, [row()])).map(outcome)).toEqual([
      [SUPPLIER, 'LISTING_SUSPENDED', '2025-01-01', null, '浙江省医疗保障局', '浙医保〔2025〕1号'],
    ]);
  });

  it('refuses an unknown kind, bad or reversed dates, a missing source, a USCC check-digit failure, an unknown supplier', async () => {
    const results = await run(sanctionsFeed, [
      row({ kind: 'BLACKLIST' }),
      row({ valid_from: '2025-13-01' }),
      row({ valid_to: '2024-12-31' }),
      row({ source: '' }),
      row({ supplier_uscc: '91330100000000115E' }),
      row({ supplier_uscc: OTHER }),
    ]);
    expect(results.map(outcome)).toEqual([
      ['KIND', 'kind'],
      ['DATE', 'valid_from'],
      ['DATE', 'valid_to'],
      ['REQUIRED', 'source'],
      ['USCC', 'supplier_uscc'],
      ['UNKNOWN_SUPPLIER', 'supplier_uscc'],
    ]);
  });
});
