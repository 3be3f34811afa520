import { ident } from '../db/bulk.js';

/**
 * The feed run records and rejected records of a domain subgraph's schema (feed/store.ts), the same
 * shape in every domain, created by the platform (db/platform-tables.ts). `format` and `csv_header`
 * are kept so a replay can re-read a rejected record's raw text the way it was first read.
 */
export const feedDdl = (schema: string): string[] => {
  const s = ident(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.feed_run (
      id uuid PRIMARY KEY,
      subgraph varchar(64) NOT NULL,
      kind varchar(64) NOT NULL,
      source text NOT NULL,
      format varchar(8) NOT NULL,
      csv_header text[],
      client text NOT NULL,
      started_at timestamptz(3) NOT NULL DEFAULT now(),
      finished_at timestamptz(3),
      status varchar(16) NOT NULL,
      read integer NOT NULL DEFAULT 0,
      inserted integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      rejected integer NOT NULL DEFAULT 0,
      replay_of uuid REFERENCES ${s}.feed_run (id),
      error jsonb
    )`,
    `CREATE INDEX IF NOT EXISTS feed_run_started ON ${s}.feed_run (started_at DESC, id DESC)`,
    `CREATE INDEX IF NOT EXISTS feed_run_kind_started ON ${s}.feed_run (kind, started_at DESC, id DESC)`,
    `CREATE TABLE IF NOT EXISTS ${s}.feed_reject (
      run_id uuid NOT NULL REFERENCES ${s}.feed_run (id) ON DELETE CASCADE,
      record_no integer NOT NULL,
      line integer NOT NULL,
      source text NOT NULL,
      raw text NOT NULL,
      code varchar(48) NOT NULL,
      field text,
      message text NOT NULL,
      resolved_by_run uuid REFERENCES ${s}.feed_run (id),
      PRIMARY KEY (run_id, record_no)
    )`,
    `CREATE INDEX IF NOT EXISTS feed_reject_unresolved ON ${s}.feed_reject (run_id, record_no) WHERE resolved_by_run IS NULL`,
  ];
};
