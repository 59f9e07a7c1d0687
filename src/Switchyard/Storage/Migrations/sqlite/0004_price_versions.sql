-- Every price a request was ever charged at, by version; ledger records name the version and are never repriced.
CREATE TABLE price_versions (
    version       TEXT PRIMARY KEY,
    model         TEXT NOT NULL,
    input         TEXT NOT NULL,
    output        TEXT NOT NULL,
    cached_input  TEXT NULL,
    cache_write   TEXT NULL,
    reasoning     TEXT NULL,
    per_request   TEXT NULL,
    multiplier    TEXT NOT NULL,
    source        TEXT NOT NULL,
    first_used_at INTEGER NOT NULL
);

ALTER TABLE usage_records ADD COLUMN price_version TEXT NULL;
ALTER TABLE usage_records ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN estimated_input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN estimated_output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_records ADD COLUMN estimated_cost_picousd INTEGER NOT NULL DEFAULT 0;
