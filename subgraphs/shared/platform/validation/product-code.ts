/**
 * 国家医保 product codes (国家医疗保障局 医保信息业务编码标准).
 *
 * 医保药品代码 (drug), layouts confirmed against published codes
 * (e.g. XA10BAE021A010010201650, XL02BBA326A001010102180, ZA04BAX0061020300423):
 *
 * - 西药 — 23 characters: `X` + 类别码 5 (ATC level 4: letter, 2 digits, 2 letters, e.g. A10BA)
 *   + 名称码 4 (pinyin initial + 3 digits, e.g. E021) + 剂型码 4 (letter + 3 digits, e.g. A001)
 *   + 规格包装码 4 digits + 企业码 5 digits.
 * - 中成药 — 20 characters: `Z` + 类别码 5 (letter, 2 digits, 2 letters, e.g. A04BA)
 *   + 名称码 5 (pinyin initial + 4 digits; the dosage form is part of the 中成药 name)
 *   + 规格包装码 4 digits + 企业码 5 digits. (Not 23: 中成药 codes carry no separate 剂型码.)
 *
 * 医保医用耗材代码 (consumable) — the 27-character code ("27位码"), all digits after `C`:
 * `C` + 分类码 6 (一级 2, 二级 2, 三级 2) + 医保通用名码 3 + 材质码 2 + 特征码 3 + 企业码 5
 * + 规格型号码 7, e.g. C09100100000000211790000049. Its first 20 characters ("20位码") are the
 * classification-level code shared by all specifications of one product; that 20-character
 * prefix alone is rejected, since it does not identify a product.
 *
 * Normalisation: trim surrounding whitespace and upper-case; anything else is rejected.
 */

export type ProductKind = 'DRUG' | 'CONSUMABLE';

export type ProductCodeResult = { ok: true; value: string; kind: ProductKind } | { ok: false; reason: string };

/** ATC anatomical main groups (level 1), the first letter of a 西药 类别码. */
const ATC_GROUPS = 'ABCDGHJLMNPRSV';

const WESTERN = /^X([A-Z]\d{2}[A-Z]{2})([A-Z]\d{3})([A-Z]\d{3})(\d{4})(\d{5})$/;
const PATENT = /^Z([A-Z]\d{2}[A-Z]{2})([A-Z]\d{4})(\d{4})(\d{5})$/;
const CONSUMABLE = /^C\d{26}$/;

const KIND_NAME: Record<ProductKind, string> = { DRUG: '医保药品代码', CONSUMABLE: '医保医用耗材代码' };

const fail = (reason: string): ProductCodeResult => ({ ok: false, reason });

function validateDrug(code: string): ProductCodeResult {
  const western = code.startsWith('X');
  const name = western ? '医保药品代码 (西药)' : '医保药品代码 (中成药)';
  const length = western ? 23 : 20;
  if (code.length !== length) return fail(`not a valid ${name} (must be ${length} characters, got ${code.length})`);
  const m = (western ? WESTERN : PATENT).exec(code);
  if (!m) {
    const layout = western
      ? "'X' + ATC level-4 class (e.g. A10BA) + letter+3 digits + letter+3 digits + 9 digits"
      : "'Z' + class (e.g. A04BA) + letter+4 digits + 9 digits";
    return fail(`not a valid ${name} (layout must be ${layout})`);
  }
  if (western && !ATC_GROUPS.includes(code[1] ?? '')) {
    return fail(`not a valid ${name} ('${code[1] ?? ''}' is not an ATC anatomical main group)`);
  }
  return { ok: true, value: code, kind: 'DRUG' };
}

function validateConsumable(code: string): ProductCodeResult {
  if (code.length === 20 && /^C\d{19}$/.test(code)) {
    return fail('not a valid 医保医用耗材代码 (this is the 20-character classification code; the 27-character code is required)');
  }
  if (code.length !== 27) return fail(`not a valid 医保医用耗材代码 (must be 27 characters, got ${code.length})`);
  if (!CONSUMABLE.test(code)) return fail("not a valid 医保医用耗材代码 (must be 'C' followed by 26 digits)");
  return { ok: true, value: code, kind: 'CONSUMABLE' };
}

/**
 * Validate a 医保药品代码 or 医保医用耗材代码 and report which it is. With `kind`, a code of the
 * other kind is rejected.
 */
export function validateProductCode(s: string, kind?: ProductKind): ProductCodeResult {
  const code = s.trim().toUpperCase();
  const first = code[0];
  const detected: ProductKind | undefined = first === 'X' || first === 'Z' ? 'DRUG' : first === 'C' ? 'CONSUMABLE' : undefined;
  if (detected === undefined) {
    const expected = kind ? KIND_NAME[kind] : '医保药品代码 (X…/Z…) or 医保医用耗材代码 (C…)';
    return fail(`not a valid ${expected} (unexpected first character${first ? ` '${first}'` : ': empty'})`);
  }
  if (kind !== undefined && kind !== detected) {
    return fail(`expected a ${KIND_NAME[kind]} but got a ${KIND_NAME[detected]}`);
  }
  return detected === 'DRUG' ? validateDrug(code) : validateConsumable(code);
}

const pad = (n: number, width: number, what: string): string => {
  if (!Number.isInteger(n) || n < 0 || n >= 10 ** width) {
    throw new RangeError(`${what} must be an integer 0–${10 ** width - 1}, got ${n}`);
  }
  return String(n).padStart(width, '0');
};

export interface WesternDrugCodeParts {
  type: 'X';
  /** ATC level-4 class, e.g. 'A10BA'. */
  category: string;
  /** Pinyin initial of the generic name, 'A'–'Z'. */
  nameInitial: string;
  /** 0–999. */
  nameSerial: number;
  /** 剂型码, letter + 3 digits, e.g. 'A001'. */
  dosageForm: string;
  /** 规格包装码 0–9999. */
  specPackage: number;
  /** 企业码 0–99999. */
  enterprise: number;
}

export interface PatentDrugCodeParts {
  type: 'Z';
  /** 中成药 class, letter + 2 digits + 2 letters, e.g. 'A04BA'. */
  category: string;
  nameInitial: string;
  /** 0–9999. */
  nameSerial: number;
  specPackage: number;
  enterprise: number;
}

/**
 * Build a 医保药品代码 for synthetic data, e.g.
 * `{ type: 'X', category: 'A10BA', nameInitial: 'E', nameSerial: 54, dosageForm: 'A001', specPackage: 101, enterprise: 1 }`
 * → `XA10BAE054A001010100001`. Throws RangeError on invalid parts; the result always validates.
 */
export function makeDrugCode(parts: WesternDrugCodeParts | PatentDrugCodeParts): string {
  if (!/^[A-Z]$/.test(parts.nameInitial)) throw new RangeError(`makeDrugCode: nameInitial must be A–Z`);
  if (!/^[A-Z]\d{2}[A-Z]{2}$/.test(parts.category)) {
    throw new RangeError(`makeDrugCode: category must be letter + 2 digits + 2 letters, got '${parts.category}'`);
  }
  const tail = `${pad(parts.specPackage, 4, 'specPackage')}${pad(parts.enterprise, 5, 'enterprise')}`;
  let code: string;
  if (parts.type === 'X') {
    if (!/^[A-Z]\d{3}$/.test(parts.dosageForm)) throw new RangeError(`makeDrugCode: dosageForm must be letter + 3 digits`);
    code = `X${parts.category}${parts.nameInitial}${pad(parts.nameSerial, 3, 'nameSerial')}${parts.dosageForm}${tail}`;
  } else {
    code = `Z${parts.category}${parts.nameInitial}${pad(parts.nameSerial, 4, 'nameSerial')}${tail}`;
  }
  const r = validateProductCode(code, 'DRUG');
  if (!r.ok) throw new RangeError(`makeDrugCode: ${r.reason}`);
  return code;
}

export interface ConsumableCodeParts {
  /** 分类码, 6 digits (一级 + 二级 + 三级), e.g. '091001'. */
  category: string;
  /** 医保通用名码 0–999. */
  genericName: number;
  /** 材质码 0–99. */
  material: number;
  /** 特征码 0–999. */
  feature: number;
  /** 企业码 0–99999. */
  enterprise: number;
  /** 规格型号码 0–9999999. */
  specModel: number;
}

/**
 * Build a 27-character 医保医用耗材代码 for synthetic data, e.g.
 * `{ category: '091001', genericName: 0, material: 0, feature: 0, enterprise: 21179, specModel: 49 }`
 * → `C09100100000000211790000049`. Throws RangeError on invalid parts.
 */
export function makeConsumableCode(parts: ConsumableCodeParts): string {
  if (!/^\d{6}$/.test(parts.category)) throw new RangeError(`makeConsumableCode: category must be 6 digits`);
  return (
    `C${parts.category}${pad(parts.genericName, 3, 'genericName')}${pad(parts.material, 2, 'material')}` +
    `${pad(parts.feature, 3, 'feature')}${pad(parts.enterprise, 5, 'enterprise')}${pad(parts.specModel, 7, 'specModel')}`
  );
}

/** Length of the substitutable-product prefix of a 医保 code (see {@link genericGroup}). */
export const GENERIC_GROUP_LENGTH = 10;

/**
 * 通用名组 — the first 10 characters of a 医保 product code: the products that can replace each other
 * (医保信息业务编码标准). 西药: `X` + 类别码 5 + 名称码 4, one generic name whatever its form, strength or
 * maker; 耗材: `C` + 分类码 6 + 医保通用名码 3. 中成药 codes carry a 5-character 名称码, so their 10-character
 * prefix groups the names that share its first 4 characters (a coarser group; 集采 of 中成药 is by name).
 * Used to find the 集采-selected alternative of a purchase and an agreed volume's product group.
 * Throws RangeError unless `code` is a valid product code (validate first).
 */
export function genericGroup(code: string): string {
  const r = validateProductCode(code);
  if (!r.ok) throw new RangeError(`genericGroup: ${r.reason}`);
  return r.value.slice(0, GENERIC_GROUP_LENGTH);
}
