-- R-AUD-VERIFY: the audit record becomes a hash chain (docs/decisions.md §16). Each record carries
-- its place in the chain (seq, dense from 1), the hash of its predecessor and its own hash:
--     hash = SHA-256(prev_hash || canonical encoding of the record's columns)
-- (jp.tokyo.juki.audit.AuditChain). Every writer appends under the row lock of audit.chain_head, so
-- there is one chain for the whole table, whichever node or operator tool writes. Records made
-- before this migration are chained by V11 in the order they were written.
ALTER TABLE audit.record
    ADD COLUMN seq       bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash      bytea;
CREATE UNIQUE INDEX record_seq_idx ON audit.record (seq);

-- The end of the chain: the last record's seq and hash (seq 0 and 32 zero bytes for an empty chain,
-- or the last record of what an export took away after a trim).
CREATE TABLE audit.chain_head (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seq      bigint  NOT NULL,
    hash     bytea   NOT NULL
);
INSERT INTO audit.chain_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Signed checkpoints: at a fixed interval and at shutdown the gateway signs (CMS SignedData,
-- its own certificate) the statement "seq N has hash H at time T". A chain rewritten after a
-- checkpoint no longer ends in the signed hash; records removed from the end are missed.
CREATE TABLE audit.checkpoint (
    seq       bigint       PRIMARY KEY,
    hash      bytea        NOT NULL,
    at        timestamptz  NOT NULL,
    signature bytea        NOT NULL     -- CMS SignedData of AuditCheckpoint.statement(), content encapsulated
);

-- Exports (./gateway audit export): each archive covers the records after the previous one up to a
-- checkpoint and carries the SHA-256 of the previous archive, so the archives form a chain of their
-- own. A trim removes from the table only what an export holds.
CREATE TABLE audit.export (
    last_seq   bigint       PRIMARY KEY,
    first_seq  bigint       NOT NULL,
    file_name  text         NOT NULL,
    sha256     bytea        NOT NULL,
    at         timestamptz  NOT NULL DEFAULT now(),
    trimmed_at timestamptz
);

-- The persons index takes new entries into its pending list and merges them in bulk (fastupdate),
-- which halves the cost of an append (bench audit). The merge stalls only the audit writer, which
-- no request waits for; a limit of 1 MB keeps each merge short.
ALTER INDEX audit.record_persons_idx SET (fastupdate = on, gin_pending_list_limit = 1024);
