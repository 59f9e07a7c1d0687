-- A request refused before any upstream attempt: kept in the request log, left out of usage sums and rollups. Rows
-- written before this column existed read as not refused, so they count as they always did.
ALTER TABLE usage_records ADD COLUMN refused BOOLEAN NOT NULL DEFAULT FALSE;
-- The request log's detail: the error's text (clipped, redacted), the model a fallback replaced, and how many upstream
-- attempts were made (the attempts column keeps at most eight of them).
ALTER TABLE usage_records ADD COLUMN error_message TEXT NULL;
ALTER TABLE usage_records ADD COLUMN fallback_from TEXT NULL;
ALTER TABLE usage_records ADD COLUMN attempt_count INTEGER NOT NULL DEFAULT 0;
