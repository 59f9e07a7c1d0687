CREATE TABLE health_leases (
    channel_key TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE channel_health (
    channel_key TEXT PRIMARY KEY,
    checked_at  BIGINT NOT NULL,
    ok          BOOLEAN NOT NULL,
    status      INTEGER NULL,
    latency_ms  BIGINT NOT NULL,
    error       TEXT NULL
);
