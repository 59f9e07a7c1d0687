CREATE TABLE virtual_keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    key_hash      TEXT NOT NULL UNIQUE,
    key_hint      TEXT NOT NULL,
    user_name     TEXT NULL,
    group_name    TEXT NOT NULL,
    models        TEXT NULL,
    limits        TEXT NULL,
    expires_at    BIGINT NULL,
    revoked_at    BIGINT NULL,
    created_at    BIGINT NOT NULL,
    source        TEXT NOT NULL
);

CREATE TABLE usage_records (
    request_id         TEXT PRIMARY KEY,
    created_at         BIGINT NOT NULL,
    endpoint           TEXT NOT NULL,
    key_id             TEXT NULL,
    key_name           TEXT NULL,
    user_name          TEXT NULL,
    group_name         TEXT NULL,
    requested_model    TEXT NULL,
    served_model       TEXT NULL,
    channel            TEXT NULL,
    status             INTEGER NOT NULL,
    input_tokens       BIGINT NOT NULL,
    output_tokens      BIGINT NOT NULL,
    cached_tokens      BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    reasoning_tokens   BIGINT NOT NULL,
    cost_picousd       BIGINT NOT NULL,
    latency_ms         BIGINT NOT NULL,
    ttfb_ms            BIGINT NULL,
    stream             BOOLEAN NOT NULL,
    error_kind         TEXT NULL
);

CREATE INDEX usage_records_created_at ON usage_records (created_at);
