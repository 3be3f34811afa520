import { indexFacts, type PartyFact } from './facts.js';
import { liveTenders, submittedBids } from './cardinal.js';
import type { Thresholds } from './params.js';
import { tenderFinding, type ProcurementRule } from './rule.js';

const FIELD_NAMES = { address: '地址', telephone: '电话', email: '电子邮箱', contactName: '联系人' } as const;
type Field = keyof typeof FIELD_NAMES;

/** Compare contact fields as people write them: case, spaces and punctuation do not make an address different. */
const normalise = (field: Field, value: string): string =>
  field === 'telephone' ? value.replace(/\D/g, '') : value.toLowerCase().replace(/[\s,，.。\-—_()（）#]/g, '');

/**
 * R044 Shared contact details — not implemented by Cardinal (its repository has no R044); definition per
 * DOMAIN.md "Procurement red flags" (Cardinal's numbering of OCP's *Red flags for integrity*, 2016:
 * "bidders share the same address, telephone or contact"): a process is flagged when ≥ 2 different
 * tenderers' parties share a normalised address, telephone or e-mail (fields as data).
 */
export const r044: ProcurementRule<Thresholds<'R044'>['params']> = {
  code: 'R044',
  title: '投标人联系方式相同',
  source: 'OCP Red flags for integrity (2016), shared contact details (Cardinal R044 numbering, not in cardinal-rs); DOMAIN.md',
  severity: 'HIGH',
  evaluate(facts, { version, params }) {
    const index = indexFacts(facts);
    return liveTenders(index).flatMap((tender) => {
      const tenderers = new Set(submittedBids(index.bidsByOcid.get(tender.ocid) ?? []).flatMap((b) => b.tendererUsccs));
      if (tenderers.size < 2) return [];
      const parties = (index.partiesByOcid.get(tender.ocid) ?? []).filter((p) => tenderers.has(partyUscc(p)));
      const shared = params.fields.flatMap((field) => sharedValues(parties, field));
      if (shared.length === 0) return [];
      const involved = [...new Set(shared.flatMap((s) => s.tenderers))].sort();
      return [
        tenderFinding(r044, version, tender, {
          refs: involved.map((u) => `Supplier:${u}`),
          evidence: { shared },
          explanation: shared.map((s) => `${s.tenderers.length} 家投标人${FIELD_NAMES[s.field]}相同`).join('；'),
        }),
      ];
    });
  },
};

const partyUscc = (p: PartyFact): string => p.uscc ?? p.partyId;

function sharedValues(parties: readonly PartyFact[], field: Field): { field: Field; tenderers: string[] }[] {
  const byValue = new Map<string, Set<string>>();
  for (const party of parties) {
    const raw = party[field];
    const value = raw === null ? '' : normalise(field, raw);
    if (value === '') continue;
    const set = byValue.get(value) ?? new Set<string>();
    set.add(partyUscc(party));
    byValue.set(value, set);
  }
  return [...byValue.values()].filter((s) => s.size >= 2).map((s) => ({ field, tenderers: [...s].sort() }));
}
