-- R-RET: retention and erasure (SPEC R-RET; docs/operations/retention.md). Scheduled jobs erase
-- what is past its period — history and deleted persons after 150 years (施行令30条の6), the
-- idempotency records after their window, provision records and audit archives after theirs —
-- in short chunks, then VACUUM the table so the erased rows are gone from its files, as R-LINK's
-- erasure does (V5). Each run is registered here and audited (RETENTION_ERASE).
CREATE SCHEMA IF NOT EXISTS retention;

-- one row per run of a job: when, why (SCHEDULED by its timer or OPERATOR with a reason), the
-- cut-off, the counts per table (never a value) and whether the VACUUM after it is still owed
CREATE TABLE retention.run (
    id              bigserial    PRIMARY KEY,
    job             varchar(32)  NOT NULL,
    trigger         varchar(16)  NOT NULL,   -- SCHEDULED or OPERATOR
    operator_id     varchar(64),
    terminal_id     varchar(64),
    started_at      timestamptz  NOT NULL,   -- by the job's clock
    finished_at     timestamptz,
    cutoff          timestamptz  NOT NULL,   -- what was older than this was erased
    counts          text         NOT NULL DEFAULT '',   -- "table=n,…" erased per table
    kept            bigint       NOT NULL DEFAULT 0,    -- past the cut-off but kept (retention flag)
    outcome         varchar(16)  NOT NULL,   -- RUNNING, DONE, FAILED
    vacuum_tables   text[]       NOT NULL DEFAULT '{}', -- tables still owed their VACUUM
    problem         text                     -- why a run failed (SQLState, never a value)
);
CREATE INDEX run_job_idx ON retention.run (job, started_at DESC);

-- the jobs find what is due from an index, chunk by chunk, without scanning the stores
CREATE INDEX resident_history_superseded_idx ON honnin.resident_history (superseded_at);
CREATE INDEX person_history_superseded_idx ON fuhyo.person_history (superseded_at);
CREATE INDEX resident_deleted_idx ON honnin.resident (updated_at) WHERE deleted;
CREATE INDEX person_deleted_idx ON fuhyo.person (updated_at) WHERE deleted;
CREATE INDEX honnin_accepted_at_idx ON honnin.accepted_request (accepted_at);
CREATE INDEX fuhyo_accepted_at_idx ON fuhyo.accepted_request (accepted_at);

-- an archive the audit-archives job erased (the row stays: range and SHA-256, no personal data)
ALTER TABLE audit.export ADD COLUMN erased_at timestamptz;

-- The jobs' own login role: it may delete exactly what they erase and VACUUM those tables
-- (PostgreSQL 17 MAINTAIN), read only the columns the cut-off rules need (and the row's ctid,
-- by which a chunk is deleted), append its audit
-- records, and nothing else. agency.provision stays insert-only for the agency flow (V9): only
-- this role deletes from it. The store roles get nothing here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_retention') THEN
        CREATE ROLE juki_retention LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA retention FROM PUBLIC;
GRANT USAGE ON SCHEMA retention TO juki_retention;
GRANT SELECT, INSERT, UPDATE ON retention.run TO juki_retention;
GRANT USAGE ON SEQUENCE retention.run_id_seq TO juki_retention;

GRANT USAGE ON SCHEMA honnin, fuhyo, agency TO juki_retention;
GRANT SELECT (ctid, juminhyo_code, retention_flag, superseded_at), DELETE ON honnin.resident_history TO juki_retention;
GRANT SELECT (ctid, juminhyo_code, retention_flag, deleted, updated_at), DELETE ON honnin.resident TO juki_retention;
GRANT SELECT (ctid, superseded_at), DELETE ON fuhyo.person_history TO juki_retention;
GRANT SELECT (ctid, deleted, updated_at), DELETE ON fuhyo.person TO juki_retention;
GRANT SELECT (ctid, accepted_at), DELETE ON honnin.accepted_request, fuhyo.accepted_request TO juki_retention;
GRANT SELECT (ctid, at), DELETE ON agency.provision TO juki_retention;
GRANT MAINTAIN ON honnin.resident_history, honnin.resident, fuhyo.person_history, fuhyo.person,
                  honnin.accepted_request, fuhyo.accepted_request, agency.provision TO juki_retention;

GRANT USAGE ON SCHEMA audit TO juki_retention;
GRANT SELECT (last_seq, file_name, at, erased_at), UPDATE (erased_at) ON audit.export TO juki_retention;
GRANT SELECT (event_id), INSERT ON audit.record TO juki_retention;
GRANT USAGE ON SEQUENCE audit.record_id_seq TO juki_retention;
GRANT SELECT, UPDATE ON audit.chain_head TO juki_retention;

