-- 都道府県知事保存附票本人確認情報ファイル: the fuhyo store (SPEC §2.2, 18 items), kept apart from
-- the honnin store in its own schema, written by its own database role. It holds no My Number.
CREATE SCHEMA IF NOT EXISTS fuhyo;

CREATE SEQUENCE fuhyo.update_seq;

CREATE TABLE fuhyo.person (
    juminhyo_code                  char(11)     PRIMARY KEY,   -- 住民票コード
    name_kanji                     text         NOT NULL,      -- 氏名 漢字
    name_gaiji_count               integer      NOT NULL,      -- 氏名 外字数
    name_kana                      text         NOT NULL,      -- 氏名 ふりがな
    birth_date                     varchar(10)  NOT NULL,      -- 生年月日
    sex                            char(1)      NOT NULL,      -- 性別
    address_municipality_code      char(6)      NOT NULL,      -- 住所 市町村コード (anywhere in Japan)
    address_text                   text         NOT NULL,      -- 住所 漢字 (国外 for people abroad)
    address_gaiji_count            integer      NOT NULL,      -- 住所 外字数
    last_address_text              text         NOT NULL,      -- 最終住所 漢字
    last_address_gaiji_count       integer      NOT NULL,      -- 最終住所 外字数
    change_date                    date         NOT NULL,      -- 異動年月日
    former_juminhyo_code           char(11),                   -- 旧住民票コード
    managing_municipality_code     char(6)      NOT NULL,      -- 附票管理市町村コード
    status                         char(1)      NOT NULL,      -- 附票本人確認情報状態区分 (1: 国外転出者)
    gaiji_flag                     char(1)      NOT NULL,      -- 外字フラグ
    gaiji_pattern                  varchar(64),                -- 外字パターン
    notice_kind                    varchar(16)  NOT NULL,      -- 通知区分
    reason                         varchar(32)  NOT NULL,      -- 異動事由 of the last notice
    kana_normalized                text         NOT NULL,      -- 清音化かな氏名 (search)
    operator_id                    varchar(64),
    terminal_id                    varchar(64),
    updated_at                     timestamptz  NOT NULL,
    notified_date                  date         NOT NULL,
    deleted                        boolean      NOT NULL,
    update_seq                     bigint       NOT NULL,
    origin_sender                  char(6)      NOT NULL,
    origin_id                      varchar(64)  NOT NULL
);
CREATE INDEX person_kana_idx ON fuhyo.person (kana_normalized);
-- the consistency check streams one managing municipality in code order
CREATE INDEX person_managing_idx ON fuhyo.person (managing_municipality_code, juminhyo_code);

CREATE TABLE fuhyo.person_history (
    LIKE fuhyo.person,
    superseded_at                  timestamptz  NOT NULL,
    superseded_by_seq              bigint       NOT NULL
);
CREATE INDEX person_history_code_idx ON fuhyo.person_history (juminhyo_code, update_seq);

CREATE TABLE fuhyo.accepted_request (
    sender       char(6)      NOT NULL,
    request_id   varchar(64)  NOT NULL,
    code         varchar(4)   NOT NULL,
    detail       text         NOT NULL,
    reply_body   text         NOT NULL,
    accepted_at  timestamptz  NOT NULL,
    PRIMARY KEY (sender, request_id)
);

CREATE TABLE fuhyo.national_outbox (
    id             bigserial    PRIMARY KEY,
    person_key     varchar(64)  NOT NULL,
    origin_sender  char(6)      NOT NULL,
    origin_id      varchar(64)  NOT NULL,
    notice         text         NOT NULL,   -- the FUHYO_NOTICE body
    created_at     timestamptz  NOT NULL DEFAULT now()
);
ALTER TABLE fuhyo.national_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                       autovacuum_vacuum_cost_delay = 0);

-- the honnin consistency check streams one municipality in code order
CREATE INDEX resident_municipality_code_idx ON honnin.resident (municipality_code, juminhyo_code);
DROP INDEX honnin.resident_municipality_idx;

-- One login role per store (DESIGN §4 Separation). The gateway's honnin flows connect as
-- juki_honnin, its fuhyo flows as juki_fuhyo; neither can read the other's schema. Passwords
-- are the operator's business on an external PostgreSQL (ALTER ROLE … PASSWORD); the embedded
-- one trusts local connections.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_honnin') THEN
        CREATE ROLE juki_honnin LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_fuhyo') THEN
        CREATE ROLE juki_fuhyo LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA honnin, fuhyo FROM PUBLIC;
GRANT USAGE ON SCHEMA honnin TO juki_honnin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA honnin TO juki_honnin;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA honnin TO juki_honnin;
GRANT USAGE ON SCHEMA fuhyo TO juki_fuhyo;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA fuhyo TO juki_fuhyo;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA fuhyo TO juki_fuhyo;
