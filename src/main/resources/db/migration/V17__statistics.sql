-- Statistics (統計, SPEC R-STAT, R-CONS, R-AUD-ANALYSIS; docs/operations/statistics.md): daily counts
-- rolled up by a timer (routes/statistics.camel.yaml, jp.tokyo.juki.stats.Rollup) from the rows the
-- stores, the agency flow and the audit keep anyway, and each consistency check's result. Counts only:
-- no table here holds a person, a name or a record's content.
CREATE SCHEMA IF NOT EXISTS stats;

-- updates (one per version a store holds: the current row and every superseded one), per JST day,
-- store (HONNIN or FUHYO), municipality (honnin: municipality_code; fuhyo: the managing municipality)
-- and 異動事由
CREATE TABLE stats.daily_update (
    day           date         NOT NULL,
    store         varchar(8)   NOT NULL,
    municipality  char(6)      NOT NULL,
    reason        varchar(32)  NOT NULL,
    n             bigint       NOT NULL,
    PRIMARY KEY (day, store, municipality, reason)
);

-- provisions and transfers (agency.provision rows, refusals included), per JST day, agency, kind,
-- business ('' when the row named none) and outcome
CREATE TABLE stats.daily_provision (
    day       date         NOT NULL,
    agency    varchar(32)  NOT NULL,
    kind      varchar(16)  NOT NULL,
    business  varchar(32)  NOT NULL,
    outcome   varchar(16)  NOT NULL,
    n         bigint       NOT NULL,
    PRIMARY KEY (day, agency, kind, business, outcome)
);

-- audit records counted: the national lines' notices by outcome (msg_type HONNIN_NOTICE or
-- FUHYO_NOTICE; a DEAD_LETTER record is counted under its notice's type, status DEAD_LETTER) and the
-- operators' searches (PERSON_SEARCH, operator_id; '' where a record has none)
CREATE TABLE stats.daily_audit (
    day          date         NOT NULL,
    msg_type     varchar(32)  NOT NULL,
    status       varchar(16)  NOT NULL,
    operator_id  varchar(64)  NOT NULL,
    n            bigint       NOT NULL,
    PRIMARY KEY (day, msg_type, status, operator_id)
);

-- How far each source is rolled up: every row whose sequence value is at most last_seq is counted.
-- A mark is the source sequence's last value read at a run, with the xid the run took right after
-- reading it; a later run counts up to the newest mark that has settled (old enough, and no older
-- transaction still running), so a row committed late under a lower number is never missed.
CREATE TABLE stats.rollup_source (
    source     varchar(16)  PRIMARY KEY,
    last_seq   bigint       NOT NULL DEFAULT 0,
    rolled_at  timestamptz
);
INSERT INTO stats.rollup_source (source) VALUES ('HONNIN'), ('FUHYO'), ('PROVISION'), ('AUDIT');

CREATE TABLE stats.rollup_mark (
    source     varchar(16)  NOT NULL REFERENCES stats.rollup_source (source),
    seq        bigint       NOT NULL,
    marked_at  timestamptz  NOT NULL,
    running_to xid8         NOT NULL,   -- the marking run's xid, taken after the value was read
    PRIMARY KEY (source, seq)
);

-- The consistency check's results (R-CONS "each municipality's last check and its result are kept"):
-- one row per comparison, written when a CS's CONSISTENCY_END is compared. Counts only.
CREATE TABLE stats.consistency_check (
    id                bigserial    PRIMARY KEY,
    municipality      char(6)      NOT NULL,
    store             varchar(8)   NOT NULL,
    checked_at        timestamptz  NOT NULL,
    records           bigint       NOT NULL,
    matched           bigint       NOT NULL,
    differing         bigint       NOT NULL,
    missing_in_store  bigint       NOT NULL,
    missing_at_cs     bigint       NOT NULL
);
CREATE INDEX consistency_check_last_idx ON stats.consistency_check (municipality, store, checked_at DESC);

-- The timer finds the rows made since its last run by their sequence number. BRIN indexes, not
-- btree: they cost an update next to nothing (no entry per row; since PostgreSQL 16 an update
-- changing only a BRIN-indexed column can still be HOT) and still narrow the scan to the few page
-- ranges touched since — the current rows are updated in place, so their ranges are small; the
-- history tables grow in the order superseded_by_seq is given. (docs/operations/statistics.md)
CREATE INDEX resident_update_seq_brin ON honnin.resident USING brin (update_seq)
    WITH (pages_per_range = 8, autosummarize = on);
CREATE INDEX resident_history_superseded_brin ON honnin.resident_history USING brin (superseded_by_seq)
    WITH (pages_per_range = 16, autosummarize = on);
CREATE INDEX person_update_seq_brin ON fuhyo.person USING brin (update_seq)
    WITH (pages_per_range = 8, autosummarize = on);
CREATE INDEX person_history_superseded_brin ON fuhyo.person_history USING brin (superseded_by_seq)
    WITH (pages_per_range = 16, autosummarize = on);

-- The statistics' own login: its schema, and of what it counts only the columns it counts — never a
-- name, a code of a person, an address or an audit record's persons or detail.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_stats') THEN
        CREATE ROLE juki_stats LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA stats FROM PUBLIC;
GRANT USAGE ON SCHEMA stats TO juki_stats;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA stats TO juki_stats;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA stats TO juki_stats;

GRANT USAGE ON SCHEMA honnin, fuhyo, agency, audit TO juki_stats;
GRANT SELECT (update_seq, updated_at, municipality_code, reason) ON honnin.resident TO juki_stats;
GRANT SELECT (update_seq, updated_at, municipality_code, reason, superseded_by_seq) ON honnin.resident_history TO juki_stats;
GRANT SELECT (update_seq, updated_at, managing_municipality_code, reason) ON fuhyo.person TO juki_stats;
GRANT SELECT (update_seq, updated_at, managing_municipality_code, reason, superseded_by_seq) ON fuhyo.person_history TO juki_stats;
GRANT SELECT (id, at, agency, kind, business, outcome) ON agency.provision TO juki_stats;
GRANT SELECT (id, at, line, msg_type, msg_id, status, operator_id) ON audit.record TO juki_stats;
-- SELECT on a sequence reads its last value; it cannot take a number (that is USAGE or UPDATE)
GRANT SELECT ON SEQUENCE honnin.update_seq, fuhyo.update_seq, agency.provision_id_seq, audit.record_id_seq TO juki_stats;
-- A STATISTICS audit record is appended to the hash chain (as V12 lets juki_agency): insert records
-- and move the chain's head; no reading of the records' content, no change or removal of a record.
GRANT SELECT (event_id), INSERT ON audit.record TO juki_stats;
GRANT USAGE ON SEQUENCE audit.record_id_seq TO juki_stats;
GRANT SELECT, UPDATE ON audit.chain_head TO juki_stats;
