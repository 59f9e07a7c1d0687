-- PostgreSQL partitions the request log by month in this version; SQLite keeps one table and deletes expired rows
-- in bounded batches (see LedgerRetentionStore), so only the index retention scans by is asserted here.
CREATE INDEX IF NOT EXISTS usage_records_created_at ON usage_records (created_at);
