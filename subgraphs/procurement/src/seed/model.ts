/** The in-memory shape of the synthetic procurement world, before it becomes table rows and OCDS releases. */
import { monthOf, SHANGHAI_OFFSET_MS } from '#platform/period.js';
import { cityCodeOf, genericGroup } from '#platform/validation/index.js';

export type Category = 'DRUG' | 'CONSUMABLE' | 'EQUIPMENT' | 'CONSTRUCTION' | 'SERVICE';
export type Method =
  | 'OPEN_TENDERING'
  | 'INVITED_TENDERING'
  | 'COMPETITIVE_NEGOTIATION'
  | 'COMPETITIVE_CONSULTATION'
  | 'SINGLE_SOURCE'
  | 'REQUEST_FOR_QUOTATION';

/** 采购方式 → OCDS procurementMethod and the platform's own name (procurementMethodDetails). */
export const METHOD_INFO: Record<Method, { ocds: 'open' | 'selective' | 'limited' | 'direct'; zh: string }> = {
  OPEN_TENDERING: { ocds: 'open', zh: '公开招标' },
  INVITED_TENDERING: { ocds: 'selective', zh: '邀请招标' },
  COMPETITIVE_NEGOTIATION: { ocds: 'limited', zh: '竞争性谈判' },
  COMPETITIVE_CONSULTATION: { ocds: 'limited', zh: '竞争性磋商' },
  SINGLE_SOURCE: { ocds: 'direct', zh: '单一来源' },
  REQUEST_FOR_QUOTATION: { ocds: 'limited', zh: '询价' },
};

/** OCDS mainProcurementCategory of each hub category. */
export const MAIN_CATEGORY: Record<Category, 'goods' | 'works' | 'services'> = {
  DRUG: 'goods',
  CONSUMABLE: 'goods',
  EQUIPMENT: 'goods',
  CONSTRUCTION: 'works',
  SERVICE: 'services',
};

/** The value above which 公开招标 is required (政府采购货物服务 and 工程施工 公开招标数额标准, 4,000,000 yuan). */
export const OPEN_TENDER_THRESHOLD = 4_000_000;

/** A supplier as it appears as an OCDS party: the platform's registration, one contact per process. */
export interface PartyInfo {
  uscc: string;
  name: string;
  regionCode: string;
  address: string;
  contactName: string;
  telephone: string;
  email: string;
}

export interface BidSpec {
  id: string;
  supplier: string;
  amount: number;
  receivedAt: Date;
  status: 'VALID' | 'DISQUALIFIED';
  reason: string | null;
}

export interface MemberSpec {
  id: string;
  staffId: string | null;
  name: string | null;
  role: 'CHAIR' | 'EXPERT' | 'BUYER_REPRESENTATIVE';
}

/** One contracting process (ocid): tender, bids, one award and one contract. */
export interface Process {
  ocid: string;
  hospitalCode: string;
  regionCode: string;
  buyerName: string;
  title: string;
  category: Category;
  method: Method;
  budget: number;
  /** CPV code of the main item (8 digits); its first 2 digits are the division R048 counts. */
  cpv: string;
  tenderStart: Date;
  tenderEnd: Date;
  awardDate: Date;
  contractDate: Date;
  bids: BidSpec[];
  winnerBidId: string;
  awardValue: number;
  committee: MemberSpec[];
  /** Every tenderer's party details in this process (keyed by USCC; R044 compares them). */
  parties: Map<string, PartyInfo>;
  /** The winner's registration date (directory 成立日期), YYYY-MM-DD. */
  winnerRegisteredOn: string | null;
}

export interface OrderLine {
  orderNo: string;
  lineNo: number;
  hospitalCode: string;
  regionCode: string;
  productCode: string;
  productKind: string;
  genericGroup: string;
  supplierUscc: string;
  manufacturerUscc: string;
  quantity: number;
  unitPrice: number;
  orderedAt: Date;
  vbpSelected: boolean;
  listedPrice: number;
  invoices: string[];
}

export interface Agreement {
  hospitalCode: string;
  regionCode: string;
  genericGroup: string;
  year: number;
  agreedQuantity: number;
}

export interface Sanction {
  supplierUscc: string;
  kind: string;
  validFrom: string;
  validTo: string | null;
  source: string;
  reference: string;
}

export interface World {
  processes: Process[];
  orders: OrderLine[];
  agreements: Agreement[];
  sanctions: Sanction[];
}

const DAY = 86_400_000;

/** 09:00 Asia/Shanghai on day `dayOfYear` (0-based) of 2025: every planted interval is then a whole number of days. */
export const day2025 = (dayOfYear: number, hour = 9): Date =>
  new Date(Date.UTC(2025, 0, 1) + dayOfYear * DAY + hour * 3_600_000 - SHANGHAI_OFFSET_MS);
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * DAY);
export const addMinutes = (d: Date, minutes: number): Date => new Date(d.getTime() + minutes * 60_000);
/** The Asia/Shanghai month (YYYY-MM) a timestamp falls in (DESIGN.md §7, Periods). */
export const shanghaiMonth = monthOf;
export const isoDate = (d: Date): string => new Date(d.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
/** Days from a YYYY-MM-DD date (midnight Shanghai) to a 09:00 Shanghai timestamp `days` later. */
export const dateToAward = (ymd: string, days: number): Date => new Date(Date.parse(`${ymd}T09:00:00+08:00`) + days * DAY);

/** 通用名 / 耗材分类 group of a product (the platform's, as the orders feed computes it). */
export const genericGroupOf = genericGroup;
/** The city a region (district) belongs to. */
export const cityOf = cityCodeOf;
export const regionOfUscc = (uscc: string): string => uscc.slice(2, 8);
