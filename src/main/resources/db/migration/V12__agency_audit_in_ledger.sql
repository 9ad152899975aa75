-- An agency file's audit record (AGENCY_REQUEST answered or refused) is committed in the same
-- transaction as its answer and provision records (RequestLedger.answered), so a crash can no
-- longer leave provision records without it. juki_agency may therefore append to the audit chain:
-- insert records and move the chain's head; it can neither read the records' content nor change or
-- delete them (and whatever it did to the head, audit verify would show).
GRANT USAGE ON SCHEMA audit TO juki_agency;
GRANT SELECT (event_id), INSERT ON audit.record TO juki_agency;
GRANT USAGE ON SEQUENCE audit.record_id_seq TO juki_agency;
GRANT SELECT, UPDATE ON audit.chain_head TO juki_agency;
