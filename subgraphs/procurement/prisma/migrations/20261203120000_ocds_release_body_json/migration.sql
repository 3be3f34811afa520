-- The release body is kept as received and validated (`json`: its text, checked once) rather than parsed
-- into `jsonb`: the hub never queries inside it (the process tables are the query model), so the parse
-- was paid on every load for nothing. A re-feed compares it as jsonb (feed/merge.ts), by meaning, on a conflict only.
ALTER TABLE "ocds_release" ALTER COLUMN "body" TYPE JSON USING "body"::json;

-- lz4 compresses a release's TOASTed text about twice as fast as the default pglz, where the server has it
-- (PostgreSQL built --with-lz4; the embedded PGlite is not, and keeps pglz).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE "ocds_release" ALTER COLUMN "body" SET COMPRESSION lz4;
  END IF;
END
$$;
