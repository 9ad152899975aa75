-- 都道府県知事保存本人確認情報ファイル: the honnin store (SPEC §2.1, 28 items).
-- One current row per person (deleted persons kept with the delete flag), previous versions
-- in resident_history, the accepted requests for idempotency and the transactional outbox
-- of national notices.
CREATE SCHEMA IF NOT EXISTS honnin;

CREATE SEQUENCE honnin.update_seq;

CREATE TABLE honnin.resident (
    juminhyo_code                  char(11)     PRIMARY KEY,   -- 住民票コード
    name_kanji                     text         NOT NULL,      -- 漢字氏名
    name_gaiji_count               integer      NOT NULL,      -- 外字数(氏名)
    name_kana                      text         NOT NULL,      -- ふりがな氏名
    birth_date                     varchar(10)  NOT NULL,      -- 生年月日 (as in the family register; may be no calendar date)
    sex                            char(1)      NOT NULL,      -- 性別
    address_text                   text         NOT NULL,      -- 住所
    address_gaiji_count            integer      NOT NULL,      -- 外字数(住所)
    my_number                      char(12)     NOT NULL,      -- 個人番号
    reason                         varchar(32)  NOT NULL,      -- 異動事由
    change_date                    date         NOT NULL,      -- 異動年月日
    retention_flag                 char(1)      NOT NULL,      -- 保存期間フラグ
    kana_normalized                text         NOT NULL,      -- 清音化かな氏名
    municipality_code              char(6)      NOT NULL,      -- 市町村コード
    aza_code                       varchar(12)  NOT NULL,      -- 大字・字コード
    operator_id                    varchar(64),                -- 操作者ID
    terminal_id                    varchar(64),                -- 操作端末ID
    updated_at                     timestamptz  NOT NULL,      -- タイムスタンプ
    notified_date                  date         NOT NULL,      -- 通知を受けた年月日
    gaiji_flag                     char(1)      NOT NULL,      -- 外字フラグ
    deleted                        boolean      NOT NULL,      -- 削除フラグ
    update_seq                     bigint       NOT NULL,      -- 更新順番号
    name_gaiji_change_seq          integer      NOT NULL,      -- 氏名外字変更連番
    address_gaiji_change_seq       integer      NOT NULL,      -- 住所外字変更連番
    former_surname_kanji           text,                       -- 旧氏 漢字
    former_surname_gaiji_count     integer,                    -- 旧氏 外字数
    former_surname_kana            text,                       -- 旧氏 ふりがな
    former_surname_gaiji_change_seq integer,                   -- 旧氏 外字変更連番
    origin_sender                  char(6)      NOT NULL,      -- which CS request made this version
    origin_id                      varchar(64)  NOT NULL
);
CREATE INDEX resident_kana_idx ON honnin.resident (kana_normalized);
CREATE INDEX resident_my_number_idx ON honnin.resident (my_number);
CREATE INDEX resident_municipality_idx ON honnin.resident (municipality_code);

-- every superseded version, as it stood, with when and by which update it was superseded
CREATE TABLE honnin.resident_history (
    LIKE honnin.resident,
    superseded_at                  timestamptz  NOT NULL,
    superseded_by_seq              bigint       NOT NULL
);
CREATE INDEX resident_history_code_idx ON honnin.resident_history (juminhyo_code, update_seq);

-- (sender, id) of every accepted request with its reply: a repeat answers DUPLICATE
CREATE TABLE honnin.accepted_request (
    sender       char(6)      NOT NULL,
    request_id   varchar(64)  NOT NULL,
    code         varchar(4)   NOT NULL,
    detail       text         NOT NULL,
    reply_body   text         NOT NULL,
    accepted_at  timestamptz  NOT NULL,
    PRIMARY KEY (sender, request_id)
);

-- transactional outbox: the national notice of a change commits with the change
CREATE TABLE honnin.national_outbox (
    id             bigserial    PRIMARY KEY,
    person_key     varchar(64)  NOT NULL,   -- keyed hash of the 住民票コード: groups notices per person
    origin_sender  char(6)      NOT NULL,
    origin_id      varchar(64)  NOT NULL,
    notice         text         NOT NULL,   -- the HONNIN_NOTICE body
    created_at     timestamptz  NOT NULL DEFAULT now()
);
