-- The routing rule that matched a request and, for a split, its arm (GET /admin/usage?group_by=arm).
ALTER TABLE usage_records ADD COLUMN route TEXT NULL;
ALTER TABLE usage_records ADD COLUMN arm TEXT NULL;
