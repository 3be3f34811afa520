/**
 * The finding every domain's rules produce and store (DESIGN.md §7 "Findings"): what was flagged, under
 * which threshold version, about which rows, with the figures that make it checkable and a Chinese
 * sentence that explains it. Recomputation is idempotent by (code, subjectKey).
 */
import { monthOf, SHANGHAI_OFFSET_MS } from '../period.js';

export type Severity = 'LOW' | 'MEDIUM' | 'HIGH';

export interface FindingRow {
  /** The rule's code, e.g. 'R003' or 'PROC_VBP_SHORTFALL'. */
  code: string;
  /** The threshold version the rule ran under, e.g. 'CN-2025.1' or 'CN-2025.1+330500'. */
  ruleVersion: string;
  severity: Severity;
  /** The hospital whose rows the finding is about — row scope filters on it and on `regionCode`. */
  hospitalCode: string;
  regionCode: string;
  /** Asia/Shanghai month, YYYY-MM. */
  month: string;
  /** Stable natural key of the subject, e.g. 'tender:<ocid>'. */
  subjectKey: string;
  /** 'Tender:<ocid>', 'Bid:<ocid>/<bidId>', 'Supplier:<uscc>', 'Staff:<id>', 'Product:<code>', 'PurchaseOrderLine:<orderNo>/<lineNo>'. */
  refs: string[];
  /** The figure, the threshold, the peer distribution. */
  evidence: Record<string, unknown>;
  /** Chinese, with the numbers. */
  explanation: string;
}

export const ref = {
  tender: (ocid: string) => `Tender:${ocid}`,
  bid: (ocid: string, bidId: string) => `Bid:${ocid}/${bidId}`,
  supplier: (uscc: string) => `Supplier:${uscc}`,
  staff: (id: string) => `Staff:${id}`,
  product: (code: string) => `Product:${code}`,
  orderLine: (orderNo: string, lineNo: number) => `PurchaseOrderLine:${orderNo}/${lineNo}`,
};

/** The Asia/Shanghai calendar date, YYYY-MM-DD. */
export const shanghaiDate = (at: Date): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** The Asia/Shanghai month, YYYY-MM (the Period buckets). */
export const shanghaiMonth = monthOf;

/** The Asia/Shanghai year. */
export const shanghaiYear = (at: Date): number => Number(shanghaiDate(at).slice(0, 4));

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, truncated toward zero (chrono `Duration::num_days`, as Cardinal R003). */
export const wholeDays = (from: Date, to: Date): number => Math.trunc((to.getTime() - from.getTime()) / DAY_MS) + 0; // + 0: no -0

/** Figures in evidence and explanations: at most 4 decimals (Cardinal rounds its Meta the same way). */
export const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;

/** A ratio as a percentage for explanations, e.g. 0.0123 → '1.23%'. */
export const percent = (ratio: number): string => `${round4(ratio * 100)}%`;

/** Yuan with thousands separators, e.g. 4000000 → '4,000,000 元'. */
export const yuan = (amount: number): string => `${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })} 元`;
