-- R-LINK, narrowed: juki_link no longer reads honnin.resident.my_number for every resident.
-- The only way to a My Number is link.hold_my_number, which reads and holds it in one
-- statement and only for a person who is in the fuhyo store as 国外転出者 (status 1, not
-- deleted) and in the honnin store as current or deleted by the move abroad. Why an obtain was
-- refused comes from link.person_state, which returns flags and the reason, never a number.
-- Both run with the owner's rights (SECURITY DEFINER) with a fixed search_path, so the role
-- that calls them needs no privilege on either store.

CREATE FUNCTION link.hold_my_number(p_delivery text, p_business text, p_requester text, p_held timestamptz,
                                    p_expires timestamptz, p_code text)
    RETURNS TABLE (my_number char(12))
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO link.my_number_hold (delivery_id, juminhyo_code, business, requester, my_number, held_at, expires_at)
    SELECT p_delivery, h.juminhyo_code, p_business, p_requester, h.my_number, p_held, p_expires
      FROM honnin.resident h
      JOIN fuhyo.person f ON f.juminhyo_code = h.juminhyo_code
     WHERE h.juminhyo_code = p_code::char(11) AND f.status = '1' AND NOT f.deleted
       AND (NOT h.deleted OR h.reason = 'MOVE_OUT_ABROAD')
    ON CONFLICT DO NOTHING
    RETURNING my_number;
$$;

CREATE FUNCTION link.person_state(p_code text)
    RETURNS TABLE (fuhyo_status char(1), fuhyo_deleted boolean, honnin_deleted boolean, honnin_reason varchar(32))
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT f.status, f.deleted, h.deleted, h.reason
      FROM (SELECT p_code::char(11) AS code) k
      LEFT JOIN fuhyo.person f ON f.juminhyo_code = k.code
      LEFT JOIN honnin.resident h ON h.juminhyo_code = k.code;
$$;

REVOKE ALL ON FUNCTION link.hold_my_number(text, text, text, timestamptz, timestamptz, text),
                       link.person_state(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION link.hold_my_number(text, text, text, timestamptz, timestamptz, text),
                          link.person_state(text) TO juki_link;

REVOKE SELECT (juminhyo_code, my_number, deleted, reason) ON honnin.resident FROM juki_link;
REVOKE SELECT (juminhyo_code, status, deleted) ON fuhyo.person FROM juki_link;
REVOKE USAGE ON SCHEMA honnin, fuhyo FROM juki_link;

-- tables a later migration adds to a store's schema are its role's too (V4 granted only the
-- tables that existed then)
ALTER DEFAULT PRIVILEGES IN SCHEMA honnin GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO juki_honnin;
ALTER DEFAULT PRIVILEGES IN SCHEMA honnin GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO juki_honnin;
ALTER DEFAULT PRIVILEGES IN SCHEMA fuhyo GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO juki_fuhyo;
ALTER DEFAULT PRIVILEGES IN SCHEMA fuhyo GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO juki_fuhyo;
