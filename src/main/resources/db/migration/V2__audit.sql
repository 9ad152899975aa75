-- The audit record (R-AUD-MSG). Persons appear only as keyed hashes (keystores/audit-hmac.key).
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.record (
    id          bigserial    PRIMARY KEY,
    event_id    uuid         NOT NULL UNIQUE,
    at          timestamptz  NOT NULL,
    written_at  timestamptz  NOT NULL DEFAULT now(),
    line        varchar(16)  NOT NULL,   -- cs, national, …
    direction   varchar(8)   NOT NULL,   -- in: a peer's request; out: ours
    peer        varchar(64),             -- certificate identity
    msg_type    varchar(32),
    msg_id      varchar(64),
    sender      varchar(8),
    status      varchar(16),
    code        varchar(8),
    detail      text,
    persons     text[]       NOT NULL DEFAULT '{}'
);
CREATE INDEX record_at_idx ON audit.record (at);
-- fastupdate off: each insert maintains the index itself instead of piling up a pending list
-- whose periodic clean-up stalls the database for hundreds of milliseconds under load
CREATE INDEX record_persons_idx ON audit.record USING gin (persons) WITH (fastupdate = off);
