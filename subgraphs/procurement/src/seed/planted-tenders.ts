import { addDays, dateToAward } from './model.js';
import { party } from './process.js';
import { cleanBids, fillers, note, plantTender, type Planter, tenderRef } from './planted.js';

const EQUIP = ['DEVICE', 'CONSUMABLE'] as const;

/** R003 and the decision period: whole-day intervals at the same time of day, so any day arithmetic agrees. */
export function plantPeriods(p: Planter): void {
  const short = plantTender(p, { winner: fillers(p, 'CONSUMABLE', 1)[0]!, day: 40, periodDays: 12 });
  note(p, 'R003', tenderRef(short), 'flag', '公开招标 投标截止距公告仅 12 天（法定 ≥ 20 天）');
  const exact = plantTender(p, { winner: fillers(p, 'CONSUMABLE', 1)[0]!, day: 45, periodDays: 20 });
  note(p, 'R003', tenderRef(exact), 'clear', '公开招标 等标期恰为 20 天');
  for (const [days, expect, day] of [
    [3, 'flag', 50],
    [120, 'flag', 30],
    [5, 'clear', 55],
    [100, 'clear', 35],
  ] as const) {
    const t = plantTender(p, { winner: fillers(p, 'CONSUMABLE', 1)[0]!, day, decisionDays: days });
    note(p, 'PROC_DECISION_PERIOD', tenderRef(t), expect, `投标截止到定标 ${days} 天（阈值 < 5 或 > 100 天）`);
  }
}

/** R018, R024, R058, R028: single bids and bid prices. */
export function plantPrices(p: Planter): void {
  const [a, b, c, d] = fillers(p, 'CONSUMABLE', 4) as [string, string, string, string];
  const single = plantTender(p, { winner: a, day: 60, bids: [{ supplier: a, amount: 900_000 }] });
  note(p, 'R018', tenderRef(single), 'flag', '公开招标仅 1 家投标');
  const two = plantTender(p, { winner: a, day: 62, bids: cleanBids(1_000_000, a, [b]) });
  note(p, 'R018', tenderRef(two), 'clear', '公开招标 2 家投标');
  const close = [{ supplier: a, amount: 850_000 }, { supplier: b, amount: 850_850 }, { supplier: c, amount: 935_000 }];
  note(p, 'R024', tenderRef(plantTender(p, { winner: a, day: 64, bids: close })), 'flag', '次低有效报价仅比中标价高 0.1%');
  note(p, 'R024', tenderRef(plantTender(p, { winner: a, day: 66, bids: cleanBids(1_000_000, a, [b, c]) })), 'clear', '次低报价高 5%（中位附近）');
  const discounted = [{ supplier: a, amount: 500_000 }, { supplier: b, amount: 800_000 }, { supplier: c, amount: 850_000 }];
  note(p, 'R058', tenderRef(plantTender(p, { winner: a, day: 68, bids: discounted })), 'flag', '中标价比次低报价低 37.5%（差额比 0.6）');
  note(p, 'R058', tenderRef(plantTender(p, { winner: b, day: 70, bids: cleanBids(1_000_000, b, [c, d]) })), 'clear', '差额比 0.05（中位附近）');
  const same = [{ supplier: a, amount: 850_000 }, { supplier: b, amount: 900_000 }, { supplier: c, amount: 900_000 }, { supplier: d, amount: 950_000 }];
  note(p, 'R028', tenderRef(plantTender(p, { winner: a, day: 72, bids: same })), 'flag', '两家投标人报价完全相同（900,000 元）');
  const nearly = [{ supplier: a, amount: 850_000 }, { supplier: b, amount: 900_000 }, { supplier: c, amount: 900_001 }, { supplier: d, amount: 950_000 }];
  note(p, 'R028', tenderRef(plantTender(p, { winner: a, day: 74, bids: nearly })), 'clear', '两家报价相差 1 元');
} // prettier-ignore

/** R030, R035, R036: late and disqualified bids. */
export function plantBidStatus(p: Planter): void {
  const [a, b, c, d] = fillers(p, 'CONSUMABLE', 4) as [string, string, string, string];
  const late = cleanBids(1_000_000, a, [b, c]).map((x) => (x.supplier === a ? { ...x, lateMinutes: 120 } : x));
  note(p, 'R030', tenderRef(plantTender(p, { winner: a, day: 80, bids: late })), 'flag', '中标人的投标在截止后 2 小时递交');
  const lateLoser = cleanBids(1_000_000, a, [b, c]).map((x) => (x.supplier === c ? { ...x, lateMinutes: 60 } : x));
  note(p, 'R030', tenderRef(plantTender(p, { winner: a, day: 82, bids: lateLoser })), 'clear', '迟交的投标未中标');
  const dq = (supplier: string, amount: number, reason: string) => ({ supplier, amount, status: 'DISQUALIFIED' as const, reason });
  const allButWinner = [{ supplier: a, amount: 850_000 }, dq(b, 900_000, '资格不符'), dq(c, 930_000, '未按要求密封'), dq(d, 960_000, '投标保证金未按时缴纳')];
  note(p, 'R035', tenderRef(plantTender(p, { winner: a, day: 84, bids: allButWinner })), 'flag', '除中标人外 3 家均被否决');
  const twoValid = [{ supplier: a, amount: 850_000 }, { supplier: b, amount: 900_000 }, dq(c, 930_000, '资格不符'), dq(d, 960_000, '技术参数不满足要求')];
  note(p, 'R035', tenderRef(plantTender(p, { winner: a, day: 86, bids: twoValid })), 'clear', '2 家有效、2 家被否决');
  const lowestOut = [dq(a, 800_000, '资格不符'), { supplier: b, amount: 850_000 }, { supplier: c, amount: 900_000 }, { supplier: d, amount: 950_000 }];
  note(p, 'R036', tenderRef(plantTender(p, { winner: b, day: 88, bids: lowestOut })), 'flag', '最低报价（800,000 元）被否决，价格最低者中标规则');
  const highestOut = [{ supplier: a, amount: 850_000 }, { supplier: b, amount: 900_000 }, { supplier: c, amount: 950_000 }, dq(d, 980_000, '授权书缺失')];
  note(p, 'R036', tenderRef(plantTender(p, { winner: a, day: 90, bids: highestOut })), 'clear', '被否决的是最高报价');
} // prettier-ignore

/** R044: two tenderers of one process with the same telephone and address; the near miss differs by room number. */
export function plantContacts(p: Planter): void {
  const [e1, e2, e3, e4] = [p.take(EQUIP), p.take(EQUIP), p.take(EQUIP), p.take(EQUIP)];
  const [w] = fillers(p, 'CONSUMABLE', 1) as [string];
  const first = party(p.env, e1);
  const shared = new Map([[e2, { ...party(p.env, e2), telephone: first.telephone, address: first.address }]]);
  const pos = plantTender(p, { winner: w, day: 95, bids: cleanBids(1_000_000, w, [e1, e2]), parties: shared });
  note(p, 'R044', tenderRef(pos), 'flag', '两家投标人联系电话与地址相同');
  const third = party(p.env, e3);
  const rooms = new Map([
    [e3, { ...third, address: `${third.address}301室` }],
    [e4, { ...party(p.env, e4), address: `${third.address}302室` }],
  ]);
  const near = plantTender(p, { winner: w, day: 97, bids: cleanBids(1_000_000, w, [e3, e4]), parties: rooms });
  note(p, 'R044', tenderRef(near), 'clear', '两家投标人同楼不同室，电话各异');
}

/** Award at budget and the new company. */
export function plantWinners(p: Planter): void {
  const [a, b, c] = fillers(p, 'CONSUMABLE', 3) as [string, string, string];
  const atBudget = [{ supplier: a, amount: 1_000_000 }, { supplier: b, amount: 1_030_000 }, { supplier: c, amount: 1_060_000 }];
  note(p, 'PROC_AWARD_AT_BUDGET', tenderRef(plantTender(p, { winner: a, day: 100, bids: atBudget })), 'flag', '中标金额等于预算');
  const under = [{ supplier: a, amount: 995_000 }, { supplier: b, amount: 1_030_000 }, { supplier: c, amount: 1_060_000 }];
  note(p, 'PROC_AWARD_AT_BUDGET', tenderRef(plantTender(p, { winner: a, day: 102, bids: under })), 'clear', '中标金额为预算的 99.5%');
  for (const [days, expect] of [[200, 'flag'], [400, 'clear']] as const) {
    const winner = newSupplier(p, days);
    const reg = p.env.suppliers.get(winner)!.registeredOn;
    const start = addDays(dateToAward(reg, days), -45);
    const t = plantTender(p, { winner, day: 0, start, bids: cleanBids(1_000_000, winner, fillers(p, 'CONSUMABLE', 3)) });
    note(p, 'PROC_NEW_SUPPLIER', tenderRef(t), expect, `中标人成立（${reg}）${days} 天后中标`);
  }
} // prettier-ignore

/** A reserved supplier registered so that `days` after registration falls in 2025 (the latest such one, else the latest). */
function newSupplier(p: Planter, days: number): string {
  const candidates = [...p.env.suppliers.values()].filter((s) => p.reservedNew.includes(s.uscc));
  const inYear = candidates.filter((s) => dateToAward(s.registeredOn, days).getUTCFullYear() === 2025);
  const pick = (inYear.length > 0 ? inYear : candidates).sort((x, y) => y.registeredOn.localeCompare(x.registeredOn))[0];
  if (!pick) throw new Error('procurement seed: the directory has no recently registered supplier to plant PROC_NEW_SUPPLIER with');
  p.reservedNew.splice(p.reservedNew.indexOf(pick.uscc), 1);
  return pick.uscc;
}
