-- What a super admin (or the config file) last set as a group's models and limits: the ceiling under which the
-- group's admin may tighten them. Existing groups start with their current settings as the ceiling.
ALTER TABLE tenant_groups ADD COLUMN ceiling_models TEXT NULL;
ALTER TABLE tenant_groups ADD COLUMN ceiling_limits TEXT NULL;
UPDATE tenant_groups SET ceiling_models = models, ceiling_limits = limits;
