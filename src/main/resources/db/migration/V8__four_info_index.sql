-- 4-item searches (agency requests, R-SRCH) ask by kana name and birth date far more often than by
-- kana alone, and a kana name is shared by thousands (in a 1M-person store of generated names,
-- ~5,000 per name): with the kana index alone each such key visited every namesake's row. The
-- composite index answers kana + birth date directly and kana alone by its leading column.
CREATE INDEX resident_kana_birth_idx ON honnin.resident (kana_normalized, birth_date);
DROP INDEX honnin.resident_kana_idx;
CREATE INDEX person_kana_birth_idx ON fuhyo.person (kana_normalized, birth_date);
DROP INDEX fuhyo.person_kana_idx;
