CREATE TABLE tenant_groups (
    name        TEXT PRIMARY KEY,
    models      TEXT NULL,
    limits      TEXT NULL,
    timezone    TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE tenant_users (
    name             TEXT PRIMARY KEY,
    group_name       TEXT NOT NULL,
    role             TEXT NOT NULL,
    limits           TEXT NULL,
    password_hash    TEXT NULL,
    failed_logins    BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT NULL,
    source           TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE api_channels (
    name        TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    base_url    TEXT NOT NULL,
    secrets     TEXT NOT NULL,
    models      TEXT NULL,
    model_map   TEXT NULL,
    groups      TEXT NULL,
    priority    BIGINT NOT NULL,
    weight      BIGINT NOT NULL,
    headers     TEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE api_models (
    name        TEXT PRIMARY KEY,
    aliases     TEXT NULL,
    price       TEXT NULL,
    fallbacks   TEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One row; every admin change bumps it, and each instance polls it to reload within a second.
CREATE TABLE state_version (
    id       INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO state_version (id, version) VALUES (1, 0);

ALTER TABLE virtual_keys ADD COLUMN allowed_ips TEXT NULL;

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    actor_role   TEXT NULL,
    address      TEXT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target       TEXT NULL,
    outcome      TEXT NOT NULL,
    changes      TEXT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);

-- Append-only: the database itself refuses edits, so only someone bypassing it can tamper (and the chain shows it).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE admin_sessions (
    token_hash  TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
