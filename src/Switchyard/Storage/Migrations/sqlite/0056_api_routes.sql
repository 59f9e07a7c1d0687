-- Routing rules and splits created through the admin API; they follow the config file's rules, in position order.
CREATE TABLE api_routes (
    name        TEXT PRIMARY KEY,
    position    BIGINT NOT NULL,
    rule        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
