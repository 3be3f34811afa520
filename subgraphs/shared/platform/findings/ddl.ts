import { ident } from '../db/bulk.js';

/**
 * The findings table of a domain subgraph's schema, and its threshold overrides (per region, in force
 * from a date): the same shape in every domain, created by the platform (db/platform-tables.ts).
 */
export const findingsDdl = (schema: string): string[] => {
  const s = ident(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.finding (
      id uuid PRIMARY KEY,
      code varchar(48) NOT NULL,
      rule_version varchar(64) NOT NULL,
      severity varchar(8) NOT NULL,
      hospital_code char(18) NOT NULL,
      region_code char(6) NOT NULL,
      month char(7) NOT NULL,
      subject_key text NOT NULL,
      refs text[] NOT NULL,
      evidence jsonb NOT NULL,
      explanation text NOT NULL,
      computed_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (code, subject_key)
    )`,
    `CREATE INDEX IF NOT EXISTS finding_hospital_month ON ${s}.finding (hospital_code, month)`,
    `CREATE INDEX IF NOT EXISTS finding_region_month ON ${s}.finding (region_code, month)`,
    `CREATE INDEX IF NOT EXISTS finding_month_id ON ${s}.finding (month DESC, id)`,
    `CREATE INDEX IF NOT EXISTS finding_refs ON ${s}.finding USING gin (refs)`,
    `CREATE TABLE IF NOT EXISTS ${s}.rule_threshold_override (
      rule_code varchar(48) NOT NULL,
      region_code char(6) NOT NULL,
      valid_from date NOT NULL,
      params jsonb NOT NULL,
      note text,
      PRIMARY KEY (rule_code, region_code, valid_from)
    )`,
  ];
};
