-- State several gateway nodes share (issue 14, docs/operations/cluster.md). Written and read by the
-- gateway's owner login only (platform.SharedSecrets, platform.ClusterNodes, security.CrlState): no store
-- role is granted anything here. No row holds a secret or a person.
CREATE SCHEMA IF NOT EXISTS cluster;

-- the fingerprint of each secret every node must hold the same copy of: the audit HMAC key (HMAC of a
-- constant under the key, never the key), the SFTP host key (SHA-256 of its public key), the CA bundle
-- (SHA-256 of the certificates of ca.pem). The first node to start records it; a node whose own differs
-- refuses to start.
CREATE TABLE cluster.secret (
    name         varchar(32)  PRIMARY KEY,
    fingerprint  bytea        NOT NULL,
    first_node   varchar(128) NOT NULL,
    first_at     timestamptz  NOT NULL DEFAULT now()
);

-- every node that started on this database, upserted every few seconds while it runs, stopped_at set by an
-- orderly stop (status --all: alive = not stopped and seen within three beats)
CREATE TABLE cluster.node (
    node_id     varchar(128) PRIMARY KEY,
    host        varchar(255) NOT NULL,
    version     varchar(64)  NOT NULL,
    cs_port     integer      NOT NULL,
    api_port    integer      NOT NULL,
    mgmt_port   integer      NOT NULL,
    started_at  timestamptz  NOT NULL,
    seen_at     timestamptz  NOT NULL,
    stopped_at  timestamptz
);

-- the highest CRL any node has put in force, per CA (keyed as crl-state.properties keys it: a hash of the
-- CA's subject and key): no node goes back to an older one
CREATE TABLE cluster.crl_seen (
    ca_key       varchar(40)  PRIMARY KEY,
    crl_number   numeric,
    this_update  timestamptz  NOT NULL
);
