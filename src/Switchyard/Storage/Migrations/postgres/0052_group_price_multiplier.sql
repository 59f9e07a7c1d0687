-- A group's price multiplier (every cost of its requests times this) for groups made through the admin API or an
-- import; a group the config file declares keeps the file's value.
ALTER TABLE tenant_groups ADD COLUMN price_multiplier TEXT NULL;
