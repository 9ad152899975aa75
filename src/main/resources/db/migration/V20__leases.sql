-- Issue 14, one node at a time (docs/operations/leases.md).

-- The leases: each is a session advisory lock pg_try_advisory_lock(x'4A554B49'::int, id) held on one connection of
-- the holding node, logged in as juki_lease (a role that can do nothing else). The number of a lease is its row
-- here: one per name, never reused, so two leases never share a lock (no hash collisions).
CREATE SCHEMA IF NOT EXISTS lease;
CREATE TABLE lease.lock_name (
    id   int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'juki_lease') THEN
        CREATE ROLE juki_lease LOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA lease FROM PUBLIC;
GRANT USAGE ON SCHEMA lease TO juki_lease;
GRANT SELECT, INSERT ON lease.lock_name TO juki_lease;

-- The retry state of an agency's request file that failed (it was in the memory of the node that read it): the
-- attempt is counted BEFORE the file is processed (started), so a file that kills its node is still refused after
-- the configured attempts in total, across nodes and restarts; the outcome of an attempt that ended is counted after.
-- The row goes when the file is answered or leaves inbox/.
CREATE TABLE agency.request_failure (
    agency            varchar(32)  NOT NULL,
    file_name         text         NOT NULL,
    started           int          NOT NULL DEFAULT 0,  -- attempts begun
    failures          int          NOT NULL DEFAULT 0,  -- attempts that ended in a failure (of any kind below)
    out_of_memory     int          NOT NULL DEFAULT 0,
    errors            int          NOT NULL DEFAULT 0,
    unreadable        int          NOT NULL DEFAULT 0,
    unreadable_digest char(64),
    next_at           timestamptz  NOT NULL,
    PRIMARY KEY (agency, file_name)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON agency.request_failure TO juki_agency;
