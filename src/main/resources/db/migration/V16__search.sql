-- Issue 13 (R-SRCH): the operators' search of the stores, and its count per operator (R-AUD-ANALYSIS).
--
-- The kanji name's search key is record.NameKeys.kanji: the name with every U+0020 and U+3000 removed
-- (the space between surname and given name is not part of the name). It is kept as an EXPRESSION
-- index, not as a column written by the update transactions: replace() is immutable and removes
-- exactly those two code points, as NameKeys.kanji does (both leave every other character, surrogate
-- pairs included, as it is; store.SearchKeys holds the expression, SearchIT proves the two equal on
-- the database). So no update path, bulk load or history table changes, and no backfill is needed:
-- the index is built from the rows as they are. It replaces V7's index on the name as written, whose
-- prefix missed "佐藤太" for "佐藤 太郎". Byte order (COLLATE "C"): [key, key || U+10FFFF) holds every
-- key that starts with the asked prefix.
CREATE INDEX resident_kanji_key_idx ON honnin.resident ((replace(replace(name_kanji, ' ', ''), U&'\3000', '') COLLATE "C"));
DROP INDEX honnin.resident_name_kanji_idx;
CREATE INDEX person_kanji_key_idx ON fuhyo.person ((replace(replace(name_kanji, ' ', ''), U&'\3000', '') COLLATE "C"));
DROP INDEX fuhyo.person_name_kanji_idx;

-- Birth date (exact or a range) with sex, and the address by prefix: each key kind of the search is
-- answered from an index (the kana name by V8's (kana_normalized, birth_date), 住民票コード by the
-- primary key, My Number by V1's index). Current and deleted persons alike: a search shows both.
CREATE INDEX resident_birth_sex_idx ON honnin.resident (birth_date, sex);
CREATE INDEX resident_address_idx ON honnin.resident ((address_text COLLATE "C"));
CREATE INDEX person_birth_sex_idx ON fuhyo.person (birth_date, sex);
CREATE INDEX person_address_idx ON fuhyo.person ((address_text COLLATE "C"));

-- The auditor's 検索件数 report reads the PERSON_SEARCH records of a period: a partial index holds
-- only those (a few per operator and day), not the millions of line records beside them.
CREATE INDEX record_person_search_idx ON audit.record (at) WHERE msg_type = 'PERSON_SEARCH';
