-- The request log becomes partitioned by month (created_at, unix ms), so retention drops whole months instead of
-- deleting rows. A partitioned table's unique keys must include the partition key: (request_id, created_at) is
-- still one row per request, since a request's record always carries the same created_at (replays included).
-- The gateway creates the monthly partitions ahead of time; the default partition catches anything else.
ALTER TABLE usage_records RENAME TO usage_records_unpartitioned;
DROP INDEX usage_records_created_at;
CREATE TABLE usage_records (LIKE usage_records_unpartitioned INCLUDING DEFAULTS, PRIMARY KEY (request_id, created_at))
    PARTITION BY RANGE (created_at);
CREATE TABLE usage_records_default PARTITION OF usage_records DEFAULT;
INSERT INTO usage_records SELECT * FROM usage_records_unpartitioned;
DROP TABLE usage_records_unpartitioned;
CREATE INDEX usage_records_created_at ON usage_records (created_at);
