/**
 * The fewest tenders in a hospital-period for its rates to be judged (`ProcurementFigures.sufficient`):
 * below it a single flagged tender would read as a rate of 100 % (docs/architecture.md, "The domain contract").
 */
export const MINIMUM_TENDERS = 10;
