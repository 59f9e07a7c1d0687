-- Comparisons of the ledger with upstream usage exports, per channel and UTC day; models holds the per-model rows (JSON).
CREATE TABLE reconciliation_reports (
    id            TEXT PRIMARY KEY,
    channel       TEXT NOT NULL,
    day           TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    source        TEXT NOT NULL,
    verdict       TEXT NOT NULL,
    tolerance     TEXT NOT NULL,
    tolerance_usd TEXT NOT NULL,
    models        TEXT NOT NULL
);

CREATE INDEX reconciliation_reports_channel_day ON reconciliation_reports (channel, day);
CREATE INDEX reconciliation_reports_created_at ON reconciliation_reports (created_at);
