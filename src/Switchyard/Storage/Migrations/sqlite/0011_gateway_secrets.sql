-- Gateway-wide secrets (the virtual-key hashing pepper), each sealed under security.secret_key.
CREATE TABLE gateway_secrets (
    name        TEXT PRIMARY KEY,
    sealed      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
