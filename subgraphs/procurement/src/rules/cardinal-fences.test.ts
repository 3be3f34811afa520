import { describe, expect, it } from 'vitest';
import { r024, r058 } from './price-ratio.js';
import { r025 } from './r025.js';
import { r038 } from './r038.js';
import { r048 } from './r048.js';
import { award, bid, facts, HOSPITAL, priceProcesses, tender, thresholds, uscc } from './fixtures.js';

const CN = thresholds();
const CARDINAL = thresholds('CARDINAL-1');

describe('R024 / R058 on a worked example', () => {
  // Sorted differences (n = 8): [0.125, 0.5, 0.5, 0.6, 0.6, 0.75, 0.75, 1.125].
  // Q1: h = 8⅓·¼ + ⅓ = 2.4167 → x₂..x₃ = 0.5; Q3: h = 6.5833 → x₆..x₇ = 0.75; IQR 0.25.
  // Lower fence 0.5 − 0.375 = 0.125 (p0 is ON it → R024); upper fence 0.75 + 0.375 = 1.125 (p7 ON it → R058).
  const onFences = [0.125, 0.5, 0.5, 0.6, 0.6, 0.75, 0.75, 1.125];

  it('flags the process on the lower fence with its winner and second-lowest bidder (R024)', () => {
    const rows = r024.evaluate(priceProcesses(onFences), CN.R024);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:p0']);
    expect(rows[0]!.refs).toEqual(['Tender:p0', `Supplier:${uscc(100)}`, `Supplier:${uscc(101)}`]);
    expect(rows[0]!.evidence).toMatchObject({
      difference: 0.125,
      lowerFence: 0.125,
      fences: { n: 8, q1: 0.5, q3: 0.75, lower: 0.125, upper: 1.125 },
    });
  });

  it('flags the process on the upper fence with its winner (R058)', () => {
    const rows = r058.evaluate(priceProcesses(onFences), CN.R058);
    expect(rows.map((r) => r.subjectKey)).toEqual(['tender:p7']);
    expect(rows[0]!.refs).toEqual(['Tender:p7', `Supplier:${uscc(114)}`]);
  });

  it('does not flag near misses just inside the fences', () => {
    const inside = [0.13, 0.5, 0.5, 0.6, 0.6, 0.75, 0.75, 1.12]; // same quartiles
    expect(r024.evaluate(priceProcesses(inside), CN.R024)).toEqual([]);
    expect(r058.evaluate(priceProcesses(inside), CN.R058)).toEqual([]);
  });

  it('IQR = 0: no flag nationally; Cardinal (no such guard) flags every process at the mode', () => {
    const flat = [0.125, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    expect(r024.evaluate(priceProcesses(flat), CN.R024)).toEqual([]);
    expect(r058.evaluate(priceProcesses(flat), CN.R058)).toEqual([]);
    // Cardinal: Q1 = Q3 = 0.5 → both fences 0.5; R024 flags all 8 (≤ 0.5), R058 the seven at 0.5 (≥ 0.5).
    expect(r024.evaluate(priceProcesses(flat), CARDINAL.R024)).toHaveLength(8);
    expect(r058.evaluate(priceProcesses(flat), CARDINAL.R058)).toHaveLength(7);
  });

  it('skips a process whose lowest bid did not win, or with a pending award', () => {
    const f = priceProcesses(onFences);
    f.bids.find((b) => b.ocid === 'p0' && b.bidId === 'l')!.amount = 99; // loser below the winner: not price-only
    expect(r024.evaluate(f, CN.R024)).toEqual([]);
  });
});

describe('R025 excessive unsuccessful bids — Cardinal docs/examples/R/025.jsonl', () => {
  const F = uscc(1);
  // Process 0: F alone, wins. Processes 1..5: F and supplier i, supplier i wins.
  function example(secondHospitalFor5 = false) {
    const tenders = [tender('0')];
    const bids = [bid('0', 'f', F, 100)];
    const awards = [award('0', F, 100)];
    for (let i = 1; i <= 5; i++) {
      const hospital = secondHospitalFor5 && i === 5 ? { hospitalCode: '12330500MB0000002X', month: '2025-06' } : {};
      tenders.push(tender(String(i), hospital));
      bids.push(bid(String(i), 'f', F, 100, hospital), bid(String(i), 'w', uscc(10 + i), 90, hospital));
      awards.push(award(String(i), uscc(10 + i), 90, hospital));
    }
    return facts({ tenders, bids, awards });
  }

  it('flags F with ratio 1/6, as Cardinal ({"Tenderer":{"F":{"R025":0.16666666666666666}}})', () => {
    // Valid-bid counts [6,1,1,1,1,1]: 75th percentile h = 6⅓·¾ + ⅓ = 5.0833 → 1 + 0.0833·5 = 1.4167; F (6) is a top tenderer.
    // Ratios [1/6, 1, 1, 1, 1, 1]: Q1 = 1/6 + 0.9167·(5/6) = 0.9306, Q3 = 1, lower fence 0.9306 − 1.5·0.0694 = 0.8264 ≥ 1/6.
    const rows = r025.evaluate(example(), CARDINAL.R025);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subjectKey: `tenderer:${F}@${HOSPITAL}`, refs: [`Supplier:${F}`], hospitalCode: HOSPITAL });
    expect(rows[0]!.evidence.ratio).toBe(0.16666666666666666);
    expect(rows[0]!.evidence).toMatchObject({ wins: 1, validBids: 6, topTendererCut: 1.4167, lowerFence: 0.8264 });
    expect(r025.evaluate(example(), CN.R025)).toHaveLength(1);
  });

  it('emits one finding per buyer hospital the tenderer bid at', () => {
    const rows = r025.evaluate(example(true), CN.R025);
    expect(rows.map((r) => [r.hospitalCode, r.month])).toEqual([
      [HOSPITAL, '2025-04'], // the latest of its bids (2025-03) and the award it won there (2025-04)
      ['12330500MB0000002X', '2025-06'],
    ]);
  });

  it('near miss: with a second win F is no outlier (the fence falls below 0, Cardinal skips)', () => {
    const f = example();
    f.awards[1] = award('1', F, 100);
    expect(r025.evaluate(f, CN.R025)).toEqual([]);
  });
});

describe('R038 excessive disqualified bids', () => {
  it('reproduces Cardinal docs/examples/R/038.jsonl under CARDINAL-1 ({"Buyer":{"B":{"R038":0.5}}})', () => {
    // Buyer B: one process, 2 bids, 1 disqualified (0.5). Buyers 1..4: one process, one valid bid each.
    // Cardinal's source keeps a buyer whose *submitted bids* reach the minimum 2: only B, so Q1 = Q3 = 0.5, fence 0.5, B flagged.
    const tenders = ['B', '1', '2', '3', '4'].map((h, i) => tender(String(i), { hospitalCode: h }));
    const bids = [
      bid('0', 'a', 'W1', 1, { hospitalCode: 'B' }),
      bid('0', 'b', 'D', 1, { hospitalCode: 'B', status: 'DISQUALIFIED' }),
      ...[1, 2, 3, 4].map((i) => bid(String(i), 'a', `W${i + 1}`, 1, { hospitalCode: String(i) })),
    ];
    const rows = r038.evaluate(facts({ tenders, bids }), CARDINAL.R038);
    expect(rows.map((r) => [r.subjectKey, r.evidence.ratio])).toEqual([['buyer:B', 0.5]]);
    // Nationally the minimum counts processes (as Cardinal's documentation says) and IQR 0 gives no fence: nothing.
    expect(r038.evaluate(facts({ tenders, bids }), CN.R038)).toEqual([]);
  });

  /** Buyer `h` with `bids` bids over two processes, `disqualified` of them disqualified, each by a one-off tenderer. */
  function buyer(h: string, bids: number, disqualified: number) {
    const tenders = [tender(`${h}-1`, { hospitalCode: h }), tender(`${h}-2`, { hospitalCode: h })];
    const rows = Array.from({ length: bids }, (_, i) =>
      bid(`${h}-${(i % 2) + 1}`, `b${i}`, `${h}-T${i}`, 100 + i, { hospitalCode: h, status: i < disqualified ? 'DISQUALIFIED' : 'VALID' }),
    );
    return { tenders, bids: rows };
  }
  const merge = (parts: ReturnType<typeof buyer>[]) =>
    facts({ tenders: parts.flatMap((p) => p.tenders), bids: parts.flatMap((p) => p.bids) });
  // Ratios sorted [0, 0.25, 0.25, 0.3, 0.3, 0.5, 0.5, x]: Q1 = 0.25, Q3 = 0.5, upper fence 0.5 + 1.5·0.25 = 0.875.
  const peers = [
    buyer('H1', 4, 0),
    buyer('H2', 4, 1),
    buyer('H3', 4, 1),
    buyer('H4', 10, 3),
    buyer('H5', 10, 3),
    buyer('H6', 4, 2),
    buyer('H7', 4, 2),
  ];

  it('flags a buyer exactly on the upper fence (7 of 8 = 0.875), not one just below (6 of 7)', () => {
    const rows = r038.evaluate(merge([...peers, buyer('H8', 8, 7)]), CN.R038);
    expect(rows.map((r) => r.subjectKey)).toEqual(['buyer:H8']);
    expect(rows[0]!.evidence).toMatchObject({ ratio: 0.875, upperFence: 0.875, processes: 2, submitted: 8, disqualified: 7 });
    expect(r038.evaluate(merge([...peers, buyer('H8', 7, 6)]), CN.R038)).toEqual([]);
  });

  it('IQR = 0 → no flag nationally', () => {
    const same = ['H1', 'H2', 'H3', 'H4', 'H5', 'H6'].map((h) => buyer(h, 4, 1)); // n = 7: both quartiles interpolate between 0.25s
    expect(r038.evaluate(merge([...same, buyer('H7', 4, 4)]), CN.R038)).toEqual([]);
    expect(r038.evaluate(merge([...same, buyer('H7', 4, 4)]), CARDINAL.R038).length).toBeGreaterThan(0);
  });

  it('per tenderer: ratios [0, 0, 0, 0, 1] over tenderers with ≥ 2 bids → the last is flagged', () => {
    // n = 5: Q1 = x₁..x₂ = 0; Q3: h = 4.333 → x₄ + 0.333·(x₅ − x₄) = 0.333; upper fence 0.333 + 0.5 = 0.833 ≤ 1.
    const tenders = [tender('x1'), tender('x2')];
    const bids = ['T1', 'T2', 'T3', 'T4', 'T5'].flatMap((t) => [
      bid('x1', `${t}a`, t, 1, { status: t === 'T5' ? 'DISQUALIFIED' : 'VALID' }),
      bid('x2', `${t}b`, t, 1, { status: t === 'T5' ? 'DISQUALIFIED' : 'VALID' }),
    ]);
    const rows = r038.evaluate(facts({ tenders, bids }), CN.R038).filter((r) => r.evidence.group === 'tenderer');
    expect(rows.map((r) => r.subjectKey)).toEqual([`tenderer:T5@${HOSPITAL}`]);
  });
});

describe('R048 heterogeneous supplier', () => {
  /** Supplier `s` awarded in `processes` processes spread over `variety` 2-digit classifications. */
  function supplier(s: string, processes: number, variety: number) {
    const tenders = Array.from({ length: processes }, (_, i) =>
      tender(`${s}-${i}`, { classification: String(10 + (i % variety)) + '1234' }),
    );
    return { tenders, awards: tenders.map((t) => award(t.ocid, s, 1)) };
  }
  const merge = (parts: ReturnType<typeof supplier>[]) =>
    facts({ tenders: parts.flatMap((p) => p.tenders), awards: parts.flatMap((p) => p.awards) });
  // Varieties sorted [1, 2, 2, 3, 3, 4, 4, x]: Q1 = 2, Q3 = 4, upper fence 4 + 3 = 7.
  const peers = [
    supplier('S1', 20, 1),
    supplier('S2', 20, 2),
    supplier('S3', 20, 2),
    supplier('S4', 20, 3),
    supplier('S5', 20, 3),
    supplier('S6', 20, 4),
    supplier('S7', 20, 4),
  ];

  it('flags a supplier on the upper fence (7 classes), not one with 6 or with < 20 processes', () => {
    const rows = r048.evaluate(merge([...peers, supplier('S8', 20, 7), supplier('S9', 19, 15)]), CN.R048);
    expect(rows.map((r) => r.subjectKey)).toEqual([`tenderer:S8@${HOSPITAL}`]);
    expect(rows[0]!.evidence).toMatchObject({ variety: 7, processes: 20, upperFence: 7 });
    expect(r048.evaluate(merge([...peers, supplier('S8', 20, 6)]), CN.R048)).toEqual([]);
  });

  it('IQR = 0: no flag nationally; Cardinal (no guard in r048.rs) flags every supplier at the fence', () => {
    const flat = ['S1', 'S2', 'S3', 'S4'].map((s) => supplier(s, 20, 1));
    expect(r048.evaluate(merge(flat), CN.R048)).toEqual([]);
    expect(r048.evaluate(merge(flat), CARDINAL.R048)).toHaveLength(4);
  });
});
