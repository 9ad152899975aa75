-- Agency requests over the SFTP drop folders (SPEC R-PROV, R-SEC-AUTHZ, R-AUD-MSG; PROTOCOL §4).
CREATE SCHEMA IF NOT EXISTS agency;

-- One request file as the gateway saw it, from pick-up to the agency's collection of the answer.
-- state: RECEIVED (being answered), WAITING (for a manager's approval), APPROVED, REJECTED,
-- ANSWERED (answer in outbox/, request still in inbox/), DONE (request removed from inbox/).
-- A file is the same request while (agency, file_name, digest) is not DONE: after a crash the
-- gateway finds the row again, so the answer is written once and the R-LINK delivery keeps its id.
CREATE TABLE agency.request (
    id               bigserial    PRIMARY KEY,
    agency           varchar(32)  NOT NULL,
    file_name        varchar(200) NOT NULL,   -- <name>.req.p7m
    digest           char(64)     NOT NULL,   -- SHA-256 of the protected file
    row_count        integer,                 -- once the file was opened and parsed
    state            varchar(16)  NOT NULL,
    received_at      timestamptz  NOT NULL DEFAULT now(),
    decided_by       varchar(64),             -- the manager who approved or rejected
    decided_at       timestamptz,
    decision_reason  text,
    answer_file      varchar(200),            -- <name>.res.p7m or <name>.err.p7m
    answer_code      varchar(8),              -- A000 answered, A1xx why the file was refused
    answered_at      timestamptz,
    collected_at     timestamptz,             -- the agency removed the answer from outbox/
    erased_at        timestamptz              -- the gateway erased an answer nobody collected (R-RET)
);
CREATE UNIQUE INDEX request_open_idx ON agency.request (agency, file_name, digest) WHERE state <> 'DONE';
CREATE INDEX request_waiting_idx ON agency.request (agency, file_name) WHERE state IN ('WAITING', 'REJECTED', 'APPROVED');
CREATE INDEX request_answer_idx ON agency.request (agency, answer_file) WHERE collected_at IS NULL AND erased_at IS NULL;

-- The provision/transfer record (提供・移転の記録): one per request row, refusals included. This is
-- what a resident is shown as "to whom my data was provided" (R-DISC, R-AUD-PERSON): the person
-- only as the audit's keyed hash of the 住民票コード, the items given by column name, never a value.
CREATE TABLE agency.provision (
    id           bigserial    PRIMARY KEY,
    at           timestamptz  NOT NULL,
    request      bigint       NOT NULL REFERENCES agency.request (id),
    line         integer      NOT NULL,   -- line of the request CSV
    agency       varchar(32)  NOT NULL,
    kind         varchar(16)  NOT NULL,   -- PROVISION (提供) or TRANSFER (移転)
    business     varchar(32),             -- null when the row named no business of this agency
    legal_basis  text,
    row_ref      varchar(64),             -- the agency's request_id of the row
    key_type     varchar(16),
    person       varchar(64),             -- keyed hash of the 住民票コード found or asked by
    items        text[]       NOT NULL DEFAULT '{}',
    outcome      varchar(16)  NOT NULL,   -- the row's status in the result file
    reason       text
);
CREATE INDEX provision_person_idx ON agency.provision (person) WHERE person IS NOT NULL;
CREATE INDEX provision_request_idx ON agency.provision (request);
CREATE INDEX provision_at_idx ON agency.provision (at);

-- Kanji names are searched by prefix (SPEC R-SRCH): a byte-order index answers a range query
-- [prefix, prefix || U+10FFFF) for any prefix, also as a parameter of a generic plan.
CREATE INDEX resident_name_kanji_idx ON honnin.resident ((name_kanji COLLATE "C"));
CREATE INDEX person_name_kanji_idx ON fuhyo.person ((name_kanji COLLATE "C"));

-- The agency flow's own login role: its tables only. It reads the stores through the store
-- roles (each store's lookups on that store's own pool), and the My Number of a person abroad
-- only through R-LINK.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_agency') THEN
        CREATE ROLE juki_agency LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA agency FROM PUBLIC;
GRANT USAGE ON SCHEMA agency TO juki_agency;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA agency TO juki_agency;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA agency TO juki_agency;
