using Switchyard.Configuration;
using Switchyard.Tenancy;

namespace Switchyard.Tests.Import;

/// <summary>
/// LiteLLM's proxy config with every setting the import reads, and its PostgreSQL tables as LiteLLM's Prisma schema
/// (BerriAI/litellm schema.prisma at 029f645f) creates them: budgets, teams, users and virtual keys, the keys stored as
/// the SHA-256 hex of their secret.
/// </summary>
internal static class LiteLlmFixture
{
    public const string TeamKey = "sk-litellm-team-key-0000000000000001";
    public const string UserKey = "sk-litellm-user-key-0000000000000002";
    public const string BlockedKey = "sk-litellm-blocked-key-00000000000003";
    public const string OpenAiVariable = "LITELLM_TEST_OPENAI_KEY";

    public static readonly string[] Tables = ["LiteLLM_BudgetTable", "LiteLLM_TeamTable", "LiteLLM_UserTable", "LiteLLM_VerificationToken"];

    public static string Config(Uri mockBase) => $$"""
        model_list:
          - model_name: gpt-4o
            litellm_params:
              model: openai/gpt-4o
              api_base: {{new Uri(mockBase, "v1")}}
              api_key: os.environ/{{OpenAiVariable}}
              rpm: 600
              tpm: 100000
            model_info:
              input_cost_per_token: 0.0000025
              output_cost_per_token: 0.00001
          - model_name: claude
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_base: {{mockBase.ToString().TrimEnd('/')}}
              api_key: anthropic-literal-key
              order: 1
              weight: 3
          - model_name: azure-gpt
            litellm_params:
              model: azure/my-deployment
              api_base: https://azure.example.invalid
              api_key: os.environ/AZURE_KEY
          - model_name: missing-env
            litellm_params:
              model: openai/gpt-4o-mini
              api_base: {{new Uri(mockBase, "v1")}}
              api_key: os.environ/LITELLM_TEST_UNSET_VARIABLE
        router_settings:
          routing_strategy: usage-based-routing-v2
          model_group_alias: {"gpt4": "gpt-4o", "sonnet": {"model": "claude", "hidden": true} }
          fallbacks: [{"gpt-4o": ["claude"]}]
          num_retries: 3
          timeout: 30
        litellm_settings:
          drop_params: true
          context_window_fallbacks: [{"gpt-4o": ["claude"]}]
        general_settings:
          master_key: os.environ/LITELLM_MASTER_KEY
          database_url: os.environ/DATABASE_URL
        """;

    public static async Task<SourceFixture> CreateDatabaseAsync()
    {
        var source = await SourceFixture.CreateAsync(DatabaseKind.Postgres);
        await source.ExecuteAsync("""
            CREATE TABLE "LiteLLM_BudgetTable" (budget_id TEXT PRIMARY KEY, max_budget DOUBLE PRECISION, soft_budget DOUBLE PRECISION,
              max_parallel_requests INTEGER, tpm_limit BIGINT, rpm_limit BIGINT, model_max_budget JSONB, budget_duration TEXT,
              budget_reset_at TIMESTAMP(3), allowed_models TEXT[] DEFAULT ARRAY[]::TEXT[], created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
              created_by TEXT NOT NULL, updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, updated_by TEXT NOT NULL);
            CREATE TABLE "LiteLLM_TeamTable" (team_id TEXT PRIMARY KEY, team_alias TEXT, organization_id TEXT, object_permission_id TEXT,
              admins TEXT[], members TEXT[], members_with_roles JSONB NOT NULL DEFAULT '{}', metadata JSONB NOT NULL DEFAULT '{}',
              max_budget DOUBLE PRECISION, soft_budget DOUBLE PRECISION, spend DOUBLE PRECISION NOT NULL DEFAULT 0.0, models TEXT[],
              max_parallel_requests INTEGER, tpm_limit BIGINT, rpm_limit BIGINT, budget_duration TEXT, budget_reset_at TIMESTAMP(3),
              blocked BOOLEAN NOT NULL DEFAULT false, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
              updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, model_spend JSONB NOT NULL DEFAULT '{}',
              model_max_budget JSONB NOT NULL DEFAULT '{}', router_settings JSONB DEFAULT '{}', team_member_permissions TEXT[] DEFAULT ARRAY[]::TEXT[],
              model_id INTEGER);
            CREATE TABLE "LiteLLM_UserTable" (user_id TEXT PRIMARY KEY, user_alias TEXT, team_id TEXT, sso_user_id TEXT UNIQUE,
              organization_id TEXT, object_permission_id TEXT, password TEXT, teams TEXT[] DEFAULT ARRAY[]::TEXT[], user_role TEXT,
              max_budget DOUBLE PRECISION, spend DOUBLE PRECISION NOT NULL DEFAULT 0.0, user_email TEXT, models TEXT[],
              metadata JSONB NOT NULL DEFAULT '{}', max_parallel_requests INTEGER, tpm_limit BIGINT, rpm_limit BIGINT, budget_duration TEXT,
              budget_reset_at TIMESTAMP(3), allowed_cache_controls TEXT[] DEFAULT ARRAY[]::TEXT[], model_spend JSONB NOT NULL DEFAULT '{}',
              model_max_budget JSONB NOT NULL DEFAULT '{}', created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP);
            CREATE TABLE "LiteLLM_VerificationToken" (token TEXT PRIMARY KEY, key_name TEXT, key_alias TEXT,
              soft_budget_cooldown BOOLEAN NOT NULL DEFAULT false, spend DOUBLE PRECISION NOT NULL DEFAULT 0.0, expires TIMESTAMP(3),
              models TEXT[], aliases JSONB NOT NULL DEFAULT '{}', config JSONB NOT NULL DEFAULT '{}', user_id TEXT, team_id TEXT,
              permissions JSONB NOT NULL DEFAULT '{}', max_parallel_requests INTEGER, metadata JSONB NOT NULL DEFAULT '{}', blocked BOOLEAN,
              tpm_limit BIGINT, rpm_limit BIGINT, max_budget DOUBLE PRECISION, budget_duration TEXT, budget_reset_at TIMESTAMP(3),
              allowed_cache_controls TEXT[] DEFAULT ARRAY[]::TEXT[], model_spend JSONB NOT NULL DEFAULT '{}',
              model_max_budget JSONB NOT NULL DEFAULT '{}', budget_id TEXT, organization_id TEXT, created_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP,
              created_by TEXT, updated_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP, updated_by TEXT)
            """);
        await source.ExecuteAsync("""
            INSERT INTO "LiteLLM_BudgetTable" (budget_id, max_budget, rpm_limit, budget_duration, created_by, updated_by)
              VALUES ('budget-daily', 5, 30, '1d', 'admin', 'admin');
            INSERT INTO "LiteLLM_TeamTable" (team_id, team_alias, admins, members, members_with_roles, max_budget, budget_duration, models, tpm_limit, rpm_limit)
              VALUES ('team-ml-0001', 'ML Team', ARRAY['lead@example.com'], ARRAY['lead@example.com','dev@example.com'],
                '[{"role":"admin","user_id":"lead@example.com"},{"role":"user","user_id":"dev@example.com"}]', 100, '30d',
                ARRAY['gpt-4o','claude'], 200000, 100),
                     ('team-old-0002', 'Old Team', ARRAY[]::TEXT[], ARRAY[]::TEXT[], '[]', NULL, NULL, ARRAY[]::TEXT[], NULL, NULL);
            UPDATE "LiteLLM_TeamTable" SET blocked = true WHERE team_id = 'team-old-0002';
            INSERT INTO "LiteLLM_UserTable" (user_id, team_id, teams, user_role, max_budget, spend, password, models) VALUES
              ('admin@example.com', NULL, ARRAY[]::TEXT[], 'proxy_admin', NULL, 0, 'hashed-ui-password', ARRAY[]::TEXT[]),
              ('lead@example.com', 'team-ml-0001', ARRAY['team-ml-0001'], 'internal_user', NULL, 0, NULL, ARRAY[]::TEXT[]),
              ('dev@example.com', 'team-ml-0001', ARRAY['team-ml-0001'], 'internal_user', 20, 4.5, NULL, ARRAY[]::TEXT[]),
              ('viewer@example.com', NULL, ARRAY[]::TEXT[], 'proxy_admin_viewer', NULL, 0, NULL, ARRAY[]::TEXT[])
            """);
        await Key(source, TeamKey, "sk-...0001", "ml-service", "team-ml-0001", null, null, 50, 12.5, null, false);
        await Key(source, UserKey, "sk-...0002", "dev-laptop", "team-ml-0001", "dev@example.com", null, null, 0, "budget-daily", null);
        await Key(source, BlockedKey, "sk-...0003", "revoked-one", "team-ml-0001", null, null, null, 0, null, true);
        await Key(source, "sk-litellm-expired-key-000000000000004", "sk-...0004", "expired", null, null, DateTime.UtcNow.AddDays(-1), null, 0, null, false);
        return source;
    }

    private static Task Key(SourceFixture source, string secret, string keyName, string alias, string? team, string? user, DateTime? expires,
        double? maxBudget, double spend, string? budget, bool? blocked) =>
        source.ExecuteAsync("""
            INSERT INTO "LiteLLM_VerificationToken" (token, key_name, key_alias, spend, expires, models, user_id, team_id, max_budget, budget_id, blocked)
            VALUES (@token, @name, @alias, @spend, @expires, ARRAY[]::TEXT[], @user, @team, @max, @budget, @blocked)
            """, ("@token", VirtualKeySecret.HashHex(secret)), ("@name", keyName), ("@alias", alias), ("@spend", spend),
            ("@expires", expires is { } e ? DateTime.SpecifyKind(e, DateTimeKind.Unspecified) : null), ("@user", user), ("@team", team),
            ("@max", maxBudget), ("@budget", budget), ("@blocked", blocked));
}
