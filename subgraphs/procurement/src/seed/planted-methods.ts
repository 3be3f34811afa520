import { cleanBids, fillers, note, plantTender, type Planter, tenderRef } from './planted.js';

const EQUIP = ['DEVICE', 'CONSUMABLE'] as const;
const SANCTION_SOURCE = '浙江省医疗保障局 医药价格和招采信用评价';

/** A 单一来源 of the main planted hospital: one bid, 7-day 公示. */
function singleSource(p: Planter, winner: string, day: number, budget: number, amount: number, category: 'CONSUMABLE' | 'CONSTRUCTION') {
  return plantTender(p, {
    winner,
    day,
    category,
    method: 'SINGLE_SOURCE',
    budget,
    periodDays: 7,
    bids: [{ supplier: winner, amount }],
  });
}

/** R055 (direct awards of one buyer–supplier summed over 365 days) and 单一来源 above the 公开招标 threshold. */
export function plantDirectAwards(p: Planter): void {
  const buyer = p.hospitals.main.code;
  for (const [times, expect] of [
    [5, 'flag'],
    [4, 'clear'],
  ] as const) {
    const supplier = p.take(EQUIP);
    for (let i = 0; i < times; i++) singleSource(p, supplier, 20 + i * 60, 920_000, 900_000, 'CONSUMABLE');
    const total = (times * 900_000).toLocaleString('en-US');
    note(
      p,
      'R055',
      `Supplier:${supplier}`,
      expect,
      `医院 ${buyer} 一年内向该供应商单一来源采购 ${times} 次，合计 ${total} 元（阈值 4,000,000）`,
    );
  }
  const above = singleSource(p, p.take(['CONSTRUCTION']), 110, 4_200_000, 4_150_000, 'CONSTRUCTION');
  note(p, 'PROC_METHOD_THRESHOLD', tenderRef(above), 'flag', '单一来源采购 4,200,000 元，超过公开招标数额标准 4,000,000 元');
  const below = singleSource(p, p.take(['CONSTRUCTION']), 115, 3_950_000, 3_900_000, 'CONSTRUCTION');
  note(p, 'PROC_METHOD_THRESHOLD', tenderRef(below), 'clear', '单一来源采购 3,950,000 元，低于公开招标数额标准');
}

/** An award to a supplier under a credit sanction at the time, and one whose sanction had ended. */
export function plantSanctions(p: Planter): void {
  const cases = [
    { kind: 'LISTING_RESTRICTED', validFrom: '2025-03-01', validTo: '2025-12-31', expect: 'flag' as const, text: '中标时该供应商处于限制挂网期（2025-03-01 至 2025-12-31）' },
    { kind: 'CREDIT_D', validFrom: '2024-09-01', validTo: '2025-02-28', expect: 'clear' as const, text: '信用评价 D 已于 2025-02-28 到期，2025-06 中标' },
  ];
  cases.forEach((c, i) => {
    // A builder makes no product: the sanction then touches this award only, never a purchase of its goods.
    const supplier = p.take(['CONSTRUCTION']);
    p.sanctions.push({ supplierUscc: supplier, kind: c.kind, validFrom: c.validFrom, validTo: c.validTo, source: SANCTION_SOURCE, reference: `浙医保信用〔2025〕${i + 11}号` });
    const bids = cleanBids(1_000_000, supplier, fillers(p, 'CONSTRUCTION', 3));
    const t = plantTender(p, { winner: supplier, day: 125 + i * 3, category: 'CONSTRUCTION', bids });
    note(p, 'PROC_SANCTIONED_SUPPLIER', tenderRef(t), c.expect, c.text);
  });
} // prettier-ignore

/** One staff member on three tenders won by the same supplier within a year; another on two. */
export function plantCommittee(p: Planter): void {
  const staff = p.env.staffByHospital.get(p.hospitals.main.code) ?? [];
  if (staff.length < 2) throw new Error('procurement seed: the main planted hospital has fewer than 2 staff in the facts');
  for (const [member, times, expect] of [
    [staff[0]!, 3, 'flag'],
    [staff[1]!, 2, 'clear'],
  ] as const) {
    p.env.reservedStaff.add(member);
    const winner = p.take(EQUIP);
    for (let i = 0; i < times; i++) {
      plantTender(p, { winner, day: 30 + i * 110, staff: [member], bids: cleanBids(1_000_000, winner, fillers(p, 'CONSUMABLE', 3)) });
    }
    note(p, 'PROC_COMMITTEE_REPEAT', `Staff:${member}`, expect, `该评委参与 ${times} 个由同一供应商（${winner}）中标的项目，均在一年内`);
  }
}

/**
 * Bid rotation: six EQUIPMENT tenders of the main hospital, always the same three bidders, won in turn; the near miss,
 * six SERVICE tenders won in turn by three suppliers against a changing open field.
 */
export function plantRotation(p: Planter): void {
  const ring = [p.take(EQUIP), p.take(EQUIP), p.take(EQUIP)];
  for (let i = 0; i < 6; i++) {
    const winner = ring[i % 3]!;
    const others = ring.filter((s) => s !== winner);
    plantTender(p, { winner, day: 10 + i * 50, category: 'EQUIPMENT', bids: cleanBids(1_500_000, winner, others), budget: 1_500_000 });
  }
  for (const s of ring) note(p, 'PROC_BID_ROTATION', `Supplier:${s}`, 'flag', `设备类 6 个项目始终由同样 3 家投标、轮流中标`);
  const open = [p.take(['SERVICE']), p.take(['SERVICE']), p.take(['SERVICE'])];
  for (let i = 0; i < 6; i++) {
    const winner = open[i % 3]!;
    plantTender(p, {
      winner,
      day: 12 + i * 50,
      category: 'SERVICE',
      bids: cleanBids(800_000, winner, fillers(p, 'SERVICE', 3)),
      budget: 800_000,
    });
  }
  for (const s of open) note(p, 'PROC_BID_ROTATION', `Supplier:${s}`, 'clear', '服务类 3 家轮流中标，但每次竞争者不同（开放竞争）');
}
