-- CreateTable
CREATE TABLE "entry" (
    "seq" BIGINT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "alg" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "request_id" TEXT,
    "subject" TEXT,
    "client_id" TEXT,
    "roles" TEXT[],
    "ip" TEXT,
    "operation_type" TEXT,
    "operation_name" TEXT,
    "operation_hash" TEXT,
    "hospitals" TEXT[],
    "records" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    "error_codes" TEXT[],
    "duration_ms" INTEGER NOT NULL,
    "unmask_reason" TEXT,
    "unmasked_fields" TEXT[],
    "detail" JSONB,

    CONSTRAINT "entry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "checkpoint" (
    "up_to_seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "purged_at" TIMESTAMPTZ(3) NOT NULL,
    "rows_purged" BIGINT NOT NULL,

    CONSTRAINT "checkpoint_pkey" PRIMARY KEY ("up_to_seq")
);

-- CreateIndex
CREATE INDEX "entry_time_idx" ON "entry"("time");

-- CreateIndex
CREATE INDEX "entry_subject_idx" ON "entry"("subject");

-- CreateIndex
CREATE INDEX "entry_client_id_idx" ON "entry"("client_id");

-- Hand-written below: Prisma does not model CHECK constraints, functions or triggers (nor diff them).

-- Values the writer normalises to (subgraphs/shared/src/audit/entry.ts); anything else is a bug or a forgery.
ALTER TABLE "entry" ADD CONSTRAINT "entry_seq_positive" CHECK ("seq" > 0),
  ADD CONSTRAINT "entry_alg_known" CHECK ("alg" IN ('sm3', 'sha256')),
  ADD CONSTRAINT "entry_outcome_known" CHECK ("outcome" IN ('ok', 'error', 'refused')),
  ADD CONSTRAINT "entry_operation_type_known" CHECK ("operation_type" IN ('query', 'mutation', 'subscription', 'feed', 'maintenance'));

-- Append-only (等保2.0 安全审计: audit records protected from deletion and modification).
-- UPDATE is always refused. DELETE only inside a purge (subgraphs/shared/src/audit/purge.ts sets
-- `SET LOCAL hub.audit_purge = 'on'`) and only for rows older than 180 days (网络安全法 art. 21).
-- The hash chain makes whatever gets past this (a superuser or the owner disabling the trigger) visible.
CREATE FUNCTION "entry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('hub.audit_purge', true) = 'on'
     AND OLD."time" < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'P0001', HINT = 'entries older than 180 days are removed only by npm run audit:purge';
END
$$;

CREATE FUNCTION "refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER "entry_append_only" BEFORE UPDATE OR DELETE ON "entry" FOR EACH ROW EXECUTE FUNCTION "entry_append_only"();
CREATE TRIGGER "entry_no_truncate" BEFORE TRUNCATE ON "entry" FOR EACH STATEMENT EXECUTE FUNCTION "refuse_change"();
CREATE TRIGGER "checkpoint_append_only" BEFORE UPDATE OR DELETE ON "checkpoint" FOR EACH ROW EXECUTE FUNCTION "refuse_change"();
CREATE TRIGGER "checkpoint_no_truncate" BEFORE TRUNCATE ON "checkpoint" FOR EACH STATEMENT EXECUTE FUNCTION "refuse_change"();
