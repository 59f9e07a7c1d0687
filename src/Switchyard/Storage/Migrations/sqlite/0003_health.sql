CREATE TABLE health_leases (
    channel_key TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE channel_health (
    channel_key TEXT PRIMARY KEY,
    checked_at  INTEGER NOT NULL,
    ok          INTEGER NOT NULL,
    status      INTEGER NULL,
    latency_ms  INTEGER NOT NULL,
    error       TEXT NULL
);
