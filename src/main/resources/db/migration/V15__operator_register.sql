-- The operator register (照合情報等管理簿, issue 12): who may operate the gateway, with which roles,
-- from which terminals; their passwords (Argon2id, PHC text), their lockout state and their sessions.
-- Its own schema, written by its own login role juki_operator (DESIGN §4 Separation). Every change is
-- an audit record appended to the hash chain in the same transaction (jp.tokyo.juki.operator).
-- All state is here, none in a node's memory: several gateway nodes share the register, the lockout
-- and the sessions.
CREATE SCHEMA IF NOT EXISTS operator;

CREATE TABLE operator.operator (
    id                   varchar(32)  PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{2,31}$'),
    display_name         varchar(64)  NOT NULL CHECK (length(display_name) > 0),
    status               varchar(8)   NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED')),
    issued_at            timestamptz  NOT NULL,
    issued_by            varchar(80)  NOT NULL,   -- an administrator's id, or host:<user> (bootstrap)
    revoked_at           timestamptz,
    revoked_by           varchar(32),
    revoke_reason        varchar(200),
    last_reviewed_at     timestamptz,
    reviewed_by          varchar(32),
    last_login_at        timestamptz,
    password_hash        text,                    -- $argon2id$v=19$m=…,t=…,p=…$salt$hash; erased at revocation
    password_changed_at  timestamptz  NOT NULL,
    failed_count         integer      NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
    locked_until         timestamptz,
    CHECK ((status = 'REVOKED') = (revoked_at IS NOT NULL)),
    CHECK (status = 'REVOKED' OR password_hash IS NOT NULL)
);

CREATE TABLE operator.operator_role (
    operator_id  varchar(32)  NOT NULL REFERENCES operator.operator (id),
    role         varchar(16)  NOT NULL CHECK (role IN ('SEARCHER', 'MANAGER', 'AUDITOR', 'ADMINISTRATOR', 'MAINTAINER')),
    granted_at   timestamptz  NOT NULL,
    granted_by   varchar(80)  NOT NULL,
    PRIMARY KEY (operator_id, role)
);

-- the terminals (代表端末・業務端末) an operator may log in from
CREATE TABLE operator.operator_terminal (
    operator_id  varchar(32)  NOT NULL REFERENCES operator.operator (id),
    terminal_id  varchar(64)  NOT NULL CHECK (terminal_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    PRIMARY KEY (operator_id, terminal_id)
);

-- One row per login. Only the SHA-256 of the session token is kept: reading this table gives no session away.
CREATE TABLE operator.session (
    token_hash        bytea        PRIMARY KEY CHECK (length(token_hash) = 32),
    operator_id       varchar(32)  NOT NULL REFERENCES operator.operator (id),
    cert_fingerprint  char(64)     NOT NULL CHECK (cert_fingerprint ~ '^[0-9a-f]{64}$'),  -- SHA-256 of the certificate (DER)
    terminal_id       varchar(64)  NOT NULL,
    csrf_token        varchar(64)  NOT NULL,
    created_at        timestamptz  NOT NULL,
    last_seen_at      timestamptz  NOT NULL,
    ended_at          timestamptz,
    end_reason        varchar(16)
);
CREATE INDEX session_open_operator_idx ON operator.session (operator_id) WHERE ended_at IS NULL;
CREATE INDEX session_open_seen_idx ON operator.session (last_seen_at) WHERE ended_at IS NULL;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_operator') THEN
        CREATE ROLE juki_operator LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA operator FROM PUBLIC;
GRANT USAGE ON SCHEMA operator TO juki_operator;
GRANT SELECT, INSERT, UPDATE ON operator.operator, operator.session TO juki_operator;
GRANT SELECT, INSERT, DELETE ON operator.operator_role, operator.operator_terminal TO juki_operator;
-- Each change of the register, login and session end is audited in its own transaction (as V12 lets
-- juki_agency): insert records and move the chain's head; no reading of the records' content, no
-- change or removal of a record.
GRANT USAGE ON SCHEMA audit TO juki_operator;
GRANT SELECT (event_id), INSERT ON audit.record TO juki_operator;
GRANT USAGE ON SEQUENCE audit.record_id_seq TO juki_operator;
GRANT SELECT, UPDATE ON audit.chain_head TO juki_operator;
