-- A broad prefix key (a common surname, a town) matches thousands: the search shows the cap and
-- counts the rest up to juki.search.count-limit. V16's expression indexes could not answer that count
-- by themselves — PostgreSQL uses an index-only scan only when the index holds the columns the query
-- reads, and an expression index holds the expression, not name_kanji / address_text — so each
-- counted match cost a heap page: at 14,000,000 persons the kanji-prefix search's p99 was 79 ms
-- (bench search). Including the base column lets the count read the index alone (the heap only for
-- pages not yet all-visible).
CREATE INDEX resident_kanji_key_cover_idx ON honnin.resident ((replace(replace(name_kanji, ' ', ''), U&'\3000', '') COLLATE "C"))
    INCLUDE (name_kanji);
DROP INDEX honnin.resident_kanji_key_idx;
CREATE INDEX person_kanji_key_cover_idx ON fuhyo.person ((replace(replace(name_kanji, ' ', ''), U&'\3000', '') COLLATE "C"))
    INCLUDE (name_kanji);
DROP INDEX fuhyo.person_kanji_key_idx;
CREATE INDEX resident_address_cover_idx ON honnin.resident ((address_text COLLATE "C")) INCLUDE (address_text);
DROP INDEX honnin.resident_address_idx;
CREATE INDEX person_address_cover_idx ON fuhyo.person ((address_text COLLATE "C")) INCLUDE (address_text);
DROP INDEX fuhyo.person_address_idx;
