import type { Rng } from '#platform/seed/rng.js';
import { COMPANY_SUFFIX, COMPANY_WORDS, GIVEN, SURNAMES } from '../../../directory/src/seed/vocabulary.js';
import type { Category, PartyInfo } from './model.js';
import { regionOfUscc } from './model.js';

/**
 * CPV codes per category (the items' classification). The divisions (first 2 digits) differ within a category so that
 * suppliers' varieties (R048) spread a little instead of all being 1 (an IQR of 0 flags nothing).
 */
export const CPV: Record<Category, readonly (readonly [code: string, item: string])[]> = {
  DRUG: [['33600000', '药品']],
  CONSUMABLE: [
    ['33141000', '医用耗材'],
    ['33190000', '医用器具'],
    ['18143000', '防护用品'],
  ],
  EQUIPMENT: [
    ['33100000', '医疗设备'],
    ['33110000', '影像设备'],
    ['38430000', '检验分析仪器'],
    ['30200000', '计算机设备'],
  ],
  CONSTRUCTION: [
    ['45215100', '医院建设工程'],
    ['45453000', '病房改造工程'],
    ['45310000', '电气安装工程'],
  ],
  SERVICE: [
    ['50400000', '医疗设备维保'],
    ['90910000', '保洁服务'],
    ['55520000', '餐饮服务'],
    ['79710000', '安保服务'],
    ['72000000', '信息化运维服务'],
  ],
};

/** Thirty CPV divisions and their category, for the heterogeneous supplier (R048). */
export const DIVISIONS: readonly (readonly [division: string, category: Category])[] = [
  ['03', 'EQUIPMENT'], ['09', 'EQUIPMENT'], ['14', 'EQUIPMENT'], ['15', 'EQUIPMENT'], ['18', 'CONSUMABLE'],
  ['19', 'CONSUMABLE'], ['22', 'EQUIPMENT'], ['24', 'CONSUMABLE'], ['30', 'EQUIPMENT'], ['31', 'EQUIPMENT'],
  ['32', 'EQUIPMENT'], ['33', 'EQUIPMENT'], ['34', 'EQUIPMENT'], ['35', 'EQUIPMENT'], ['37', 'EQUIPMENT'],
  ['38', 'EQUIPMENT'], ['39', 'EQUIPMENT'], ['42', 'EQUIPMENT'], ['43', 'EQUIPMENT'], ['44', 'CONSTRUCTION'],
  ['45', 'CONSTRUCTION'], ['48', 'EQUIPMENT'], ['50', 'SERVICE'], ['55', 'SERVICE'], ['60', 'SERVICE'],
  ['71', 'SERVICE'], ['72', 'SERVICE'], ['79', 'SERVICE'], ['85', 'SERVICE'], ['90', 'SERVICE'],
]; // prettier-ignore

/** Which supplier kinds bid for which category (directory Supplier.kind). */
export const KINDS_FOR: Record<Category, readonly string[]> = {
  DRUG: ['PHARMA'],
  CONSUMABLE: ['CONSUMABLE', 'DEVICE'],
  EQUIPMENT: ['DEVICE', 'CONSUMABLE'],
  CONSTRUCTION: ['CONSTRUCTION'],
  SERVICE: ['SERVICE'],
};

export const DISQUALIFY_REASONS = ['资格不符', '未按要求密封', '投标保证金未按时缴纳', '技术参数不满足要求', '授权书缺失'] as const;

export const personName = (rng: Rng): string => rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.6) ? rng.pick(GIVEN) : '');

/**
 * A supplier's registered party details (name, address, contact): distinct per supplier, derived from its index so that
 * no two suppliers share an address or telephone by accident (R044 is planted, not background noise).
 */
export function supplierParty(uscc: string, kind: string, index: number): PartyInfo {
  const n = index + 1;
  return {
    uscc,
    name: `${COMPANY_WORDS[index % COMPANY_WORDS.length]}${n}${COMPANY_SUFFIX[kind] ?? '有限公司'}`,
    regionCode: regionOfUscc(uscc),
    address: `产业园区${(index % 97) + 1}路${n}号`,
    contactName: SURNAMES[index % SURNAMES.length]! + GIVEN[(index * 7) % GIVEN.length]!,
    telephone: `0${571 + (index % 20)}-8${String(n).padStart(7, '0')}`,
    email: `bid${n}@supplier${n}.example.cn`,
  };
}
