-- One row per alert delivery to one webhook: its final status (delivered, failed, suppressed by the rate limit),
-- how many attempts it took and the last error (redacted). The webhook is named, never its URL.
CREATE TABLE alert_deliveries (
    id          TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    event       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    webhook     TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL,
    http_status INTEGER,
    last_error  TEXT,
    message     TEXT NOT NULL
);

CREATE INDEX alert_deliveries_created_at ON alert_deliveries (created_at);
CREATE INDEX alert_deliveries_event_subject ON alert_deliveries (event, subject);
