-- One-time password reset links (POST /admin/users/{name}/reset-link, imports): only the token's SHA-256 is kept.
-- A row is spent by setting used_at; issuing a new link for a user deletes that user's earlier rows.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NULL
);
CREATE INDEX password_resets_user ON password_resets (user_name);
