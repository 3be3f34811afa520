import { describe, expect, it } from 'vitest';
import { percent, ref, round4, shanghaiDate, shanghaiMonth, shanghaiYear, wholeDays, yuan } from './finding.js';

describe('finding helpers', () => {
  it('buckets instants by the Asia/Shanghai calendar', () => {
    const lateUtc = new Date('2025-12-31T16:30:00Z'); // 2026-01-01 00:30 in Shanghai
    expect(shanghaiDate(lateUtc)).toBe('2026-01-01');
    expect(shanghaiMonth(lateUtc)).toBe('2026-01');
    expect(shanghaiYear(lateUtc)).toBe(2026);
    expect(shanghaiMonth(new Date('2025-12-31T15:59:59Z'))).toBe('2025-12');
  });

  it('counts whole days truncated toward zero', () => {
    const start = new Date('2025-03-01T10:00:00Z');
    expect(wholeDays(start, new Date('2025-03-21T09:59:59Z'))).toBe(19);
    expect(wholeDays(start, new Date('2025-03-21T10:00:00Z'))).toBe(20);
    expect(wholeDays(start, new Date('2025-02-28T11:00:00Z'))).toBe(0);
  });

  it('formats references and figures', () => {
    expect([ref.tender('ocds-1'), ref.bid('ocds-1', 'b2'), ref.orderLine('PO9', 3)]).toEqual([
      'Tender:ocds-1',
      'Bid:ocds-1/b2',
      'PurchaseOrderLine:PO9/3',
    ]);
    expect(round4(1 / 3)).toBe(0.3333);
    expect(percent(0.012345)).toBe('1.2345%');
    expect(yuan(4_000_000)).toBe('4,000,000 元');
  });
});
