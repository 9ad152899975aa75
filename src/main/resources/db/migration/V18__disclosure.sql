-- Disclosure (開示請求, R-DISC, R-AUD-PERSON): a resident's request for their own record and for the
-- record of to whom it was provided, the form register (帳票管理簿) and the correction and stop-of-use
-- requests (訂正・追加・削除の申出, 利用停止請求). Its own schema, written by its own login role
-- juki_disclosure (DESIGN §4 Separation), which reads the stores, the audit and the provision records
-- only as far as a form needs them. The requester's items are kept with the request (the request is
-- the record of what was asked and checked); the form itself (a PDF) is never stored.
CREATE SCHEMA IF NOT EXISTS disclosure;

CREATE SEQUENCE disclosure.request_seq;
CREATE SEQUENCE disclosure.form_seq;
CREATE SEQUENCE disclosure.correction_seq;

-- One disclosure request: who asked (the 4 items as stated, the code if they stated one), which store,
-- how their identity was checked at the counter; the check's result and the person it matched: the
-- 住民票コード (a form is printed from it) and its keyed hash (what the audit records name).
CREATE TABLE disclosure.request (
    number            varchar(16)  PRIMARY KEY,               -- K-2026-000001
    store             varchar(8)   NOT NULL CHECK (store IN ('HONNIN', 'FUHYO')),
    name_kana         text         NOT NULL,
    name_kanji        text         NOT NULL,
    birth_date        varchar(10)  NOT NULL,
    sex               char(1)      NOT NULL,
    address           text         NOT NULL,
    stated_code       char(11),                               -- the 住民票コード the requester stated, if any
    identity_document varchar(64)  NOT NULL,                  -- how identity was checked at the counter
    status            varchar(16)  NOT NULL CHECK (status IN ('REGISTERED', 'MATCHED', 'NOT_FOUND', 'MULTIPLE', 'MISMATCH')),
    matched_code      char(11),                               -- the person MATCHED (needed to print the form)
    person            varchar(64),                            -- its keyed hash
    registered_by     varchar(32)  NOT NULL,
    registered_at     timestamptz  NOT NULL,
    checked_by        varchar(32),
    checked_at        timestamptz,
    CHECK ((status = 'MATCHED') = (matched_code IS NOT NULL))
);
CREATE INDEX request_registered_idx ON disclosure.request (registered_at);

-- 帳票管理簿: every form printed, its hand-over and destruction. A reprint is a new form.
CREATE TABLE disclosure.form (
    number          varchar(16)  PRIMARY KEY,                 -- D-2026-000001
    request         varchar(16)  NOT NULL REFERENCES disclosure.request (number),
    person          varchar(64)  NOT NULL,                    -- keyed hash of the person shown
    pages           integer      NOT NULL,
    printed_by      varchar(32)  NOT NULL,
    printed_at      timestamptz  NOT NULL,
    handed_over_by  varchar(32),
    handed_over_at  timestamptz,
    destroyed_by    varchar(32),
    destroyed_at    timestamptz,
    destroy_reason  varchar(200),
    CHECK ((handed_over_by IS NULL) = (handed_over_at IS NULL)),
    CHECK ((destroyed_by IS NULL) = (destroyed_at IS NULL) AND (destroyed_at IS NULL) = (destroy_reason IS NULL))
);
CREATE INDEX form_request_idx ON disclosure.form (request);
CREATE INDEX form_printed_idx ON disclosure.form (printed_at);

-- 訂正・追加・削除の申出 and 利用停止請求, tracked to their outcome. What is asked is free text: stored
-- here, never logged and never put in an audit record.
CREATE TABLE disclosure.correction (
    number          varchar(16)  PRIMARY KEY,                 -- C-2026-000001
    kind            varchar(16)  NOT NULL CHECK (kind IN ('CORRECTION', 'ADDITION', 'DELETION', 'STOP_USE')),
    request         varchar(16)  NOT NULL REFERENCES disclosure.request (number),
    person          varchar(64)  NOT NULL,
    asked           text         NOT NULL,
    status          varchar(16)  NOT NULL CHECK (status IN ('RECEIVED', 'FORWARDED', 'UNDER_REVIEW', 'ACCEPTED', 'REJECTED')),
    registered_by   varchar(32)  NOT NULL,
    registered_at   timestamptz  NOT NULL,
    updated_by      varchar(32)  NOT NULL,
    updated_at      timestamptz  NOT NULL,
    decided_by      varchar(32),
    decided_at      timestamptz,
    outcome_reason  varchar(500),
    CHECK ((status IN ('ACCEPTED', 'REJECTED')) = (decided_at IS NOT NULL))
);
CREATE INDEX correction_open_idx ON disclosure.correction (registered_at) WHERE decided_at IS NULL;

-- A 住民票コード change ends the former code's person with a version stamped like the new code's
-- first one (same update_seq, reason JUMINHYO_CODE_CHANGE, deleted): the honnin store keeps no
-- former-code column, so a form finds the former code through this stamp. Small partial indexes.
CREATE INDEX resident_code_change_idx ON honnin.resident (update_seq)
    WHERE reason = 'JUMINHYO_CODE_CHANGE' AND deleted;
CREATE INDEX resident_history_code_change_idx ON honnin.resident_history (update_seq)
    WHERE reason = 'JUMINHYO_CODE_CHANGE' AND deleted;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_disclosure') THEN
        CREATE ROLE juki_disclosure LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA disclosure FROM PUBLIC;
GRANT USAGE ON SCHEMA disclosure TO juki_disclosure;
GRANT SELECT, INSERT, UPDATE ON disclosure.request, disclosure.form, disclosure.correction TO juki_disclosure;
GRANT USAGE ON SEQUENCE disclosure.request_seq, disclosure.form_seq, disclosure.correction_seq TO juki_disclosure;
-- The stores, read only: the 突合 and the form show the person's record and its versions (the
-- resident's own record, the My Number included, is what a disclosure gives them).
GRANT USAGE ON SCHEMA honnin, fuhyo TO juki_disclosure;
GRANT SELECT ON honnin.resident, honnin.resident_history, fuhyo.person, fuhyo.person_history TO juki_disclosure;
-- The provision records (提供・移転の記録) of the person.
GRANT USAGE ON SCHEMA agency TO juki_disclosure;
GRANT SELECT (id, at, agency, kind, business, legal_basis, key_type, person, items, outcome) ON agency.provision TO juki_disclosure;
-- The audit: the exchanges naming the person's hash (the national notices) and which exports exist;
-- and, as V12 lets juki_agency, appending its own records (insert and move the chain's head).
GRANT USAGE ON SCHEMA audit TO juki_disclosure;
GRANT SELECT (id, event_id, seq, at, line, direction, peer, msg_type, msg_id, sender, status, code, persons,
              operator_id, terminal_id) ON audit.record TO juki_disclosure;
GRANT INSERT ON audit.record TO juki_disclosure;
GRANT USAGE ON SEQUENCE audit.record_id_seq TO juki_disclosure;
GRANT SELECT, UPDATE ON audit.chain_head TO juki_disclosure;
GRANT SELECT (first_seq, last_seq, file_name) ON audit.export TO juki_disclosure;
