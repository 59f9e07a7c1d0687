ALTER TABLE usage_records ADD COLUMN attempts TEXT NULL;
