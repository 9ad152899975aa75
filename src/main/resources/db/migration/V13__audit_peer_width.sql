-- An operator tool records its operator as "operator:<id>" in peer; ids are up to 64 characters,
-- so peer needs 73 (varchar widening changes no stored row and no hash).
ALTER TABLE audit.record ALTER COLUMN peer TYPE varchar(80);
