-- R-LINK: the only bridge between the honnin and fuhyo stores. When 番号法 allows a provision or
-- transfer of fuhyo data for a person abroad (国外転出者) with the My Number, the number is
-- read from the honnin store by 住民票コード and held here — a temporary area apart from the
-- fuhyo store (評価書 Ⅲ-3: 附票本人確認情報DBとは別の一時保存領域) — only until the delivery is
-- confirmed or a configured maximum (juki.link.max-hold-days, at most 365) has passed.
CREATE SCHEMA IF NOT EXISTS link;

CREATE TABLE link.my_number_hold (
    delivery_id    varchar(64)  NOT NULL,   -- the agency flow's delivery (one file, many persons)
    juminhyo_code  char(11)     NOT NULL,   -- 住民票コード
    business       varchar(32)  NOT NULL,   -- the business (事務) 番号法 allows the number for
    requester      varchar(64)  NOT NULL,   -- the executive organ or department that asked
    my_number      char(12)     NOT NULL,   -- 個人番号, as read from honnin.resident
    held_at        timestamptz  NOT NULL,
    expires_at     timestamptz  NOT NULL,   -- held_at + the maximum in force when it was held
    PRIMARY KEY (delivery_id, juminhyo_code)
);
-- the purge looks for what is due
CREATE INDEX my_number_hold_expires_idx ON link.my_number_hold (expires_at);

-- ANALYZE would copy sample values (most common values, histogram bounds) into pg_statistic,
-- where they would outlive every erasure. No statistics on the personal columns at all.
ALTER TABLE link.my_number_hold ALTER COLUMN my_number SET STATISTICS 0,
                                ALTER COLUMN juminhyo_code SET STATISTICS 0;

-- Erasure runs VACUUM (FULL) itself right after each DELETE; autovacuum is the safety net for
-- a crash between the two: vacuum after any dead row, without cost-based pauses.
ALTER TABLE link.my_number_hold SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 0,
                                     autovacuum_vacuum_cost_delay = 0);

-- The bridge's own login role. It can hold and erase numbers, read exactly the columns the
-- decision needs from each store, and nothing else: no name, address or history of either
-- store. The store roles get nothing here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_link') THEN
        CREATE ROLE juki_link LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA link FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA link FROM PUBLIC, juki_honnin, juki_fuhyo;
GRANT USAGE ON SCHEMA link TO juki_link;
-- held rows are never changed, only inserted, read and erased: no UPDATE
GRANT SELECT, INSERT, DELETE ON link.my_number_hold TO juki_link;
-- PostgreSQL 17: lets the bridge VACUUM (FULL) its own table after an erasure without owning it
GRANT MAINTAIN ON link.my_number_hold TO juki_link;

GRANT USAGE ON SCHEMA honnin, fuhyo TO juki_link;
-- reason: a deleted honnin record still answers for a person abroad only when it was deleted
-- by 国外転出 (MOVE_OUT_ABROAD); see docs/decisions.md
GRANT SELECT (juminhyo_code, my_number, deleted, reason) ON honnin.resident TO juki_link;
GRANT SELECT (juminhyo_code, status, deleted) ON fuhyo.person TO juki_link;
