import { indexFacts } from './facts.js';
import { liveTenders } from './cardinal.js';
import type { Thresholds } from './params.js';
import { METHOD_NAMES, tenderFinding, type ProcurementRule } from './rule.js';

/**
 * R018 Single bid received. Cardinal: numberOfTenderers = 1 and the procurement method is competitive
 * (procurementMethod open or selective) (docs/cli/indicators/R/018.md; src/indicators/r018.rs — it reads
 * tender.numberOfTenderers only, so a process without it is not evaluated).
 */
export const r018: ProcurementRule<Thresholds<'R018'>['params']> = {
  code: 'R018',
  title: '单一投标',
  source: 'Cardinal R018 (docs/cli/indicators/R/018.md, src/indicators/r018.rs)',
  severity: 'MEDIUM',
  evaluate(facts, { version, params }) {
    return liveTenders(indexFacts(facts)).flatMap((tender) =>
      tender.numberOfTenderers === 1 && params.procurementMethods.includes(tender.ocdsMethod)
        ? [
            tenderFinding(r018, version, tender, {
              refs: [],
              evidence: { numberOfTenderers: 1, procurementMethod: tender.ocdsMethod, competitiveMethods: params.procurementMethods },
              explanation: `${METHOD_NAMES[tender.method] ?? tender.method}项目仅 1 家投标`,
            }),
          ]
        : [],
    );
  },
};
