CREATE TABLE virtual_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    key_hash      TEXT NOT NULL UNIQUE,
    key_hint      TEXT NOT NULL,
    user_name     TEXT NULL,
    group_name    TEXT NOT NULL,
    models        TEXT NULL,
    limits        TEXT NULL,
    expires_at    INTEGER NULL,
    revoked_at    INTEGER NULL,
    created_at    INTEGER NOT NULL,
    source        TEXT NOT NULL
);

CREATE TABLE usage_records (
    request_id         TEXT PRIMARY KEY,
    created_at         INTEGER NOT NULL,
    endpoint           TEXT NOT NULL,
    key_id             TEXT NULL,
    key_name           TEXT NULL,
    user_name          TEXT NULL,
    group_name         TEXT NULL,
    requested_model    TEXT NULL,
    served_model       TEXT NULL,
    channel            TEXT NULL,
    status             INTEGER NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cached_tokens      INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens   INTEGER NOT NULL,
    cost_picousd       INTEGER NOT NULL,
    latency_ms         INTEGER NOT NULL,
    ttfb_ms            INTEGER NULL,
    stream             INTEGER NOT NULL,
    error_kind         TEXT NULL
);

CREATE INDEX usage_records_created_at ON usage_records (created_at);
