import type { FindingRow, Severity } from '#platform/rules/finding.js';
import type { ResolvedRule } from '#platform/rules/thresholds.js';
import type { ProcurementFacts, TenderFact } from './facts.js';

/** One red flag: a pure function of the facts and its resolved thresholds. */
export interface ProcurementRule<P = Record<string, unknown>> {
  code: string;
  /** Chinese title. */
  title: string;
  /** The definition it implements (Cardinal page and source file, law, or paper). */
  source: string;
  severity: Severity;
  evaluate(facts: ProcurementFacts, thresholds: ResolvedRule<P>): FindingRow[];
}

interface Parts {
  subjectKey: string;
  refs: string[];
  evidence: Record<string, unknown>;
  explanation: string;
}

interface Scope {
  hospitalCode: string;
  regionCode: string;
  month: string;
}

export const finding = (rule: ProcurementRule<never>, version: string, scope: Scope, parts: Parts): FindingRow => ({
  code: rule.code,
  ruleVersion: version,
  severity: rule.severity,
  hospitalCode: scope.hospitalCode,
  regionCode: scope.regionCode,
  month: scope.month,
  ...parts,
});

/** A finding about one tender (subject 'tender:<ocid>'), its refs led by the tender. */
export const tenderFinding = (
  rule: ProcurementRule<never>,
  version: string,
  tender: TenderFact,
  parts: Omit<Parts, 'subjectKey'> & { subjectKey?: string },
): FindingRow =>
  finding(rule, version, tender, {
    ...parts,
    subjectKey: parts.subjectKey ?? `tender:${tender.ocid}`,
    refs: [`Tender:${tender.ocid}`, ...parts.refs],
  });

export const METHOD_NAMES: Record<string, string> = {
  OPEN_TENDERING: '公开招标',
  INVITED_TENDERING: '邀请招标',
  COMPETITIVE_NEGOTIATION: '竞争性谈判',
  COMPETITIVE_CONSULTATION: '竞争性磋商',
  SINGLE_SOURCE: '单一来源',
  REQUEST_FOR_QUOTATION: '询价',
};

export const CATEGORY_NAMES: Record<string, string> = {
  DRUG: '药品',
  CONSUMABLE: '耗材',
  EQUIPMENT: '设备',
  CONSTRUCTION: '工程',
  SERVICE: '服务',
};
