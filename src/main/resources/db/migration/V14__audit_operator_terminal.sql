-- Issue 12: an audit record names who acted and from where — the authenticated operator (an ID of
-- the operator register) or a CS envelope's operator (PROTOCOL §2.2), the terminal (代表端末・業務端末)
-- and the reason an operator gave. All three are nullable: most records have none of them.
--
-- They enter the hash chain under chain format 2 (docs/decisions.md, "The audit chain's format 2";
-- jp.tokyo.juki.audit.AuditChain): a record that carries any of them is hashed in format 2, one that
-- carries none in format 1, exactly as before. Every record written before this migration has none,
-- so its stored hash still verifies; nothing is rehashed. Adding nullable columns rewrites no row.
ALTER TABLE audit.record
    ADD COLUMN operator_id varchar(64),
    ADD COLUMN terminal_id varchar(64),
    ADD COLUMN reason      text;
