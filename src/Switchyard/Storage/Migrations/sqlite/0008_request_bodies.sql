-- Prompt and completion bodies, kept only for groups that opt in (store_bodies), redacted and size-capped before
-- they are written (with the ledger batch). Retention deletes them with the request detail (retention.request_days).
CREATE TABLE request_bodies (
    request_id           TEXT PRIMARY KEY,
    created_at           INTEGER NOT NULL,
    group_name           TEXT,
    prompt               TEXT,
    completion           TEXT,
    prompt_truncated     INTEGER NOT NULL DEFAULT 0,
    completion_truncated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX request_bodies_created_at ON request_bodies (created_at);

-- Which groups opted in (groups: [{ store_bodies: true }] or the admin API). A table of its own, keyed by group
-- name, because tenant_groups is created by a later migration version.
CREATE TABLE group_body_storage (
    group_name   TEXT PRIMARY KEY
);
