-- Consistency sessions (整合, SPEC R-CONS) in the database, so that any gateway node can take any
-- request of a session (issue 14; docs/operations/consistency.md). Until now a session lived in the
-- memory and temporary tables of the node that took its CONSISTENCY_BEGIN.
--
-- One row per session. Every request of a session is one transaction that starts by locking the
-- row (SELECT … FOR UPDATE): that orders a session's requests across nodes. The row carries the
-- counters, the state, the session's SipHash key (the digests are keyed per session, see
-- consistency.ItemDigest; the key is worth nothing without the store) and what a resent request
-- needs to be answered again. No value of a person is kept here: 住民票コード and keyed digests only.
CREATE SCHEMA IF NOT EXISTS consistency;

CREATE TABLE consistency.session (
    id              bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sender          char(6)      NOT NULL,
    name            varchar(64)  NOT NULL,
    store           varchar(8)   NOT NULL,   -- HONNIN or FUHYO
    expected        bigint       NOT NULL,
    received        bigint       NOT NULL DEFAULT 0,
    next_chunk      integer      NOT NULL DEFAULT 0,
    state           varchar(8)   NOT NULL,   -- STAGING, RESULT (parts being read), DONE (every part sent)
    key0            bigint       NOT NULL,
    key1            bigint       NOT NULL,
    unlogged        boolean      NOT NULL,   -- its staging table is UNLOGGED (juki.consistency.staging)
    begin_request   text         NOT NULL,   -- a resent BEGIN (same id) is answered ACK again
    -- the result's layout (consistency.ResultLayout), set with state RESULT
    matched         bigint,
    counts          bigint[],
    bytes           bigint[],
    budget          bigint,
    parts           integer,
    parts_sent      integer[]    NOT NULL DEFAULT '{}',
    end_request     text,                    -- the last END answered, and its part: replayed when resent
    end_part        integer,
    begun_at        timestamptz  NOT NULL DEFAULT now(),
    last_active     timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (sender, name)
);
CREATE INDEX session_last_active_idx ON consistency.session (last_active);

-- the chunks taken, so that a resent chunk (same request id) is answered its ACK again
CREATE TABLE consistency.chunk (
    session_id      bigint       NOT NULL REFERENCES consistency.session ON DELETE CASCADE,
    chunk           integer      NOT NULL,
    request_id      text         NOT NULL,
    received        bigint       NOT NULL,
    PRIMARY KEY (session_id, chunk)
);

-- Each session stages into a table of its own, consistency.staged_<id>, and writes its result into
-- consistency.result_<id>: dropping a table at the end or at expiry costs nothing (no dead rows, no
-- VACUUM), and a session's comparison sorts only its own rows. Plain tables rather than partitions
-- of one parent: dropping a partition locks the parent against every other session's reads. The
-- store roles may not create tables, so these two functions (the owner's rights) make and drop them
-- for a session that exists.
CREATE FUNCTION consistency.open_tables(session bigint, unlogged boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM consistency.session s WHERE s.id = session AND s.state = 'STAGING') THEN
        RAISE EXCEPTION 'no consistency session % staging', session;
    END IF;
    EXECUTE format('CREATE %s TABLE consistency.staged_%s (code bigint NOT NULL, pos bigint NOT NULL, '
                   'digests bytea NOT NULL) WITH (autovacuum_enabled = false)',
                   CASE WHEN unlogged THEN 'UNLOGGED' ELSE '' END, session);
    EXECUTE format('CREATE TABLE consistency.result_%s (kind smallint NOT NULL, off bigint NOT NULL, '
                   'code bigint NOT NULL, items integer NOT NULL) WITH (autovacuum_enabled = false)', session);
    EXECUTE format('GRANT SELECT, INSERT ON consistency.staged_%s, consistency.result_%s TO juki_honnin, juki_fuhyo',
                   session, session);
END
$$;

-- the staging table once the result is there (or the session is gone); the result table only with the session
CREATE FUNCTION consistency.drop_tables(session bigint, result boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM consistency.session s WHERE s.id = session AND (result OR s.state = 'STAGING')) THEN
        RAISE EXCEPTION 'consistency session % still needs its tables', session;
    END IF;
    EXECUTE format('DROP TABLE IF EXISTS consistency.staged_%s', session);
    IF result THEN
        EXECUTE format('DROP TABLE IF EXISTS consistency.result_%s', session);
    END IF;
END
$$;

-- the result index, made once the result is written (faster than keeping it up while writing)
CREATE FUNCTION consistency.index_result(session bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS result_%s_idx ON consistency.result_%s (kind, off)', session, session);
    EXECUTE format('ANALYZE consistency.result_%s', session);
END
$$;

REVOKE ALL ON SCHEMA consistency FROM PUBLIC;
REVOKE ALL ON FUNCTION consistency.open_tables(bigint, boolean), consistency.drop_tables(bigint, boolean),
    consistency.index_result(bigint) FROM PUBLIC;
-- Both store roles run sessions (a CONSISTENCY_RECORDS names no store, so the session's row is
-- found before its store is known): the session tables are shared by them.
GRANT USAGE ON SCHEMA consistency TO juki_honnin, juki_fuhyo;
GRANT SELECT, INSERT, UPDATE, DELETE ON consistency.session, consistency.chunk TO juki_honnin, juki_fuhyo;
GRANT EXECUTE ON FUNCTION consistency.open_tables(bigint, boolean), consistency.drop_tables(bigint, boolean),
    consistency.index_result(bigint) TO juki_honnin, juki_fuhyo;
