using Switchyard.Configuration;

namespace Switchyard.Tests.Import;

/// <summary>
/// A new-api database as new-api's GORM models create it (QuantumNous/new-api: model/channel.go at 0102ffab,
/// model/token.go at 0067bd93, model/user.go at 0089a12f, model/option.go, model/ability.go), and the one-api variant
/// (songquanpeng/one-api v0.6: tokens with <c>models</c> and <c>subnet</c>, channels with <c>config</c>), filled with
/// channels of several types, a multi-key channel, tokens with and without limits, users of each role and group ratios.
/// </summary>
internal static class NewApiFixture
{
    public const string AliceToken = "aliceAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1";
    public const string CarolToken = "carolCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC3";
    public const string RootToken = "rootRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR2";
    public const string DisabledToken = "disabledDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD4";

    // A bcrypt hash (cost 10) as new-api stores passwords.
    private const string Bcrypt = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";

    public static readonly string[] Tables = ["channels", "tokens", "users", "options", "abilities"];

    public static async Task<SourceFixture> CreateNewApiAsync(DatabaseKind kind, Uri mockBase)
    {
        var source = await SourceFixture.CreateAsync(kind);
        var t = Types(kind);
        await source.ExecuteAsync($"""
            CREATE TABLE channels (id {t.Id}, type bigint DEFAULT 0, key text NOT NULL, openai_organization text, test_model text,
              status bigint DEFAULT 1, name text, weight bigint DEFAULT 0, created_time bigint, test_time bigint, response_time bigint,
              base_url text DEFAULT '', other text, balance {t.Real}, balance_updated_time bigint, models text,
              "group" varchar(64) DEFAULT 'default', used_quota bigint DEFAULT 0, model_mapping text, status_code_mapping varchar(1024) DEFAULT '',
              priority bigint DEFAULT 0, auto_ban bigint DEFAULT 1, need_reconcile bigint DEFAULT 0, other_info text, tag text, setting text,
              param_override text, header_override text, remark varchar(255), channel_info {t.Json}, settings text)
            """);
        await source.ExecuteAsync($"""
            CREATE TABLE tokens (id {t.Id}, user_id bigint, key varchar(128) UNIQUE, status bigint DEFAULT 1, name text, created_time bigint,
              accessed_time bigint, expired_time bigint DEFAULT -1, remain_quota bigint DEFAULT 0, unlimited_quota {t.Bool},
              model_limits_enabled {t.Bool}, model_limits text, allow_ips text DEFAULT '', used_quota bigint DEFAULT 0, "group" text DEFAULT '',
              cross_group_retry {t.Bool}, billing_type bigint DEFAULT 0, deleted_at {t.Time})
            """);
        await source.ExecuteAsync($"""
            CREATE TABLE users (id {t.Id}, username text UNIQUE, password text NOT NULL, display_name text, role bigint DEFAULT 1,
              status bigint DEFAULT 1, email text, github_id text, discord_id text, oidc_id text, wechat_id text, telegram_id text,
              access_token char(32) UNIQUE, quota bigint DEFAULT 0, used_quota bigint DEFAULT 0, request_count bigint DEFAULT 0,
              "group" varchar(64) DEFAULT 'default', aff_code varchar(32) UNIQUE, aff_count bigint DEFAULT 0, aff_quota bigint DEFAULT 0,
              aff_history bigint DEFAULT 0, inviter_id bigint, invite_rebate_eligible {t.Bool} DEFAULT false, deleted_at {t.Time},
              linux_do_id text, setting text, remark varchar(255), stripe_customer varchar(64), created_at bigint, last_login_at bigint DEFAULT 0,
              auth_version bigint NOT NULL DEFAULT 1)
            """);
        await CreateSharedTablesAsync(source, t);

        var mock = mockBase.ToString().TrimEnd('/');
        // Users: root (100), admin (10), common (1), a disabled one and a deleted one. new-api numbers users from 1.
        await User(source, 1, "root", 100, 1, "default", 50_000_000, null);
        await User(source, 2, "carol", 10, 1, "default", 5_000_000, null);
        await User(source, 3, "alice", 1, 1, "vip", 2_500_000, null);
        await User(source, 4, "dave", 1, 2, "default", 1_000, null);
        await User(source, 5, "erin", 1, 1, "default", 1_000, DateTime.UtcNow);

        // Tokens: limited with a budget, unlimited, model- and address-limited, disabled, expired, deleted.
        await NewApiToken(source, 1, 3, AliceToken, "alice-laptop", 1, -1, 1_000_000, false, false, null, null, "vip", null);
        await NewApiToken(source, 2, 1, RootToken, "root-ops", 1, -1, 0, true, false, null, null, "", null);
        await NewApiToken(source, 3, 2, CarolToken, "carol-ci", 1, DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds(), 400_000, false, true,
            "gpt-4o-mini,claude-sonnet-4-5", "127.0.0.1\n10.0.0.0/8", "", null);
        await NewApiToken(source, 4, 3, DisabledToken, "alice-old", 2, -1, 1_000, false, false, null, null, "", null);
        await NewApiToken(source, 5, 3, "expiredEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE5", "alice-expired", 1,
            DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds(), 1_000, false, false, null, null, "", null);
        await NewApiToken(source, 6, 3, "deletedXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX6", "alice-deleted", 1, -1, 1_000, false, false, null, null, "", DateTime.UtcNow);

        // Channels: a multi-key OpenAI channel with a model mapping (its second key disabled), Anthropic, Gemini,
        // unsupported types (Midjourney, Azure), and a disabled channel.
        await NewApiChannel(source, 1, 1, "upstream-key-a\nupstream-key-b\nupstream-key-c", 1, "OpenAI main", 5, mock, "gpt-4o-mini,house-chat",
            "default,vip", """{"house-chat":"gpt-4o-mini"}""", 10, """{"is_multi_key":true,"multi_key_size":3,"multi_key_status_list":{"1":2},"multi_key_mode":"polling"}""");
        await NewApiChannel(source, 2, 14, "anthropic-upstream-key", 1, "Claude", 0, mock, "claude-sonnet-4-5", "default,vip", null, 0, null);
        await NewApiChannel(source, 3, 24, "gemini-upstream-key", 1, "Gemini", 0, mock, "gemini-2.5-flash", "default", null, 0, null);
        await NewApiChannel(source, 4, 2, "mj-key", 1, "Midjourney", 0, "https://mj.example.invalid", "midjourney", "default", null, 0, null);
        await NewApiChannel(source, 5, 3, "azure-key", 1, "Azure", 0, "https://azure.example.invalid", "gpt-4o", "default", null, 0, null);
        await NewApiChannel(source, 6, 1, "old-key", 2, "Old OpenAI", 0, mock, "gpt-4o-mini", "default", null, 0, null);
        await Abilities(source, t);

        await Options(source);
        return source;
    }

    public static async Task<SourceFixture> CreateOneApiAsync(Uri mockBase)
    {
        var source = await SourceFixture.CreateAsync(DatabaseKind.Sqlite);
        var t = Types(DatabaseKind.Sqlite);
        await source.ExecuteAsync($"""
            CREATE TABLE channels (id {t.Id}, type bigint DEFAULT 0, key text, status bigint DEFAULT 1, name text, weight bigint DEFAULT 0,
              created_time bigint, test_time bigint, response_time bigint, base_url text DEFAULT '', other text, balance {t.Real},
              balance_updated_time bigint, models text, "group" varchar(32) DEFAULT 'default', used_quota bigint DEFAULT 0,
              model_mapping varchar(1024) DEFAULT '', priority bigint DEFAULT 0, config text, system_prompt text)
            """);
        await source.ExecuteAsync($"""
            CREATE TABLE tokens (id {t.Id}, user_id bigint, key char(48) UNIQUE, status bigint DEFAULT 1, name text, created_time bigint,
              accessed_time bigint, expired_time bigint DEFAULT -1, remain_quota bigint DEFAULT 0, unlimited_quota {t.Bool} DEFAULT false,
              used_quota bigint DEFAULT 0, models text DEFAULT '', subnet text DEFAULT '')
            """);
        await source.ExecuteAsync($"""
            CREATE TABLE users (id {t.Id}, username text UNIQUE, password text NOT NULL, display_name text, role bigint DEFAULT 1,
              status bigint DEFAULT 1, email text, github_id text, wechat_id text, lark_id text, oidc_id text, access_token char(32) UNIQUE,
              quota bigint DEFAULT 0, used_quota bigint DEFAULT 0, request_count bigint DEFAULT 0, "group" varchar(32) DEFAULT 'default',
              aff_code varchar(32) UNIQUE, inviter_id bigint)
            """);
        await CreateSharedTablesAsync(source, t);
        await source.ExecuteAsync("""INSERT INTO users (id, username, password, role, status, quota, "group") VALUES (1, 'root', @p, 100, 1, 1000000, 'default')""", ("@p", Bcrypt));
        await source.ExecuteAsync("""
            INSERT INTO tokens (id, user_id, key, status, name, expired_time, remain_quota, unlimited_quota, models, subnet)
            VALUES (1, 1, @key, 1, 'one-api-token', -1, 250000, 0, 'deepseek-chat', '127.0.0.1/32')
            """, ("@key", AliceToken));
        // one-api numbers DeepSeek 36 (new-api: 43); 37 is Cloudflare there.
        await source.ExecuteAsync("""
            INSERT INTO channels (id, type, key, status, name, base_url, models, "group", priority) VALUES
              (1, 36, 'deepseek-upstream-key', 1, 'DeepSeek', @base, 'deepseek-chat', 'default', 0),
              (2, 37, 'cf-key', 1, 'Cloudflare', 'https://cf.example.invalid', 'llama', 'default', 0)
            """, ("@base", mockBase.ToString().TrimEnd('/')));
        await source.ExecuteAsync("""INSERT INTO options (key, value) VALUES ('ModelRatio', '{"deepseek-chat":0.135}'), ('CompletionRatio', '{"deepseek-chat":4}')""");
        return source;
    }

    private static async Task CreateSharedTablesAsync(SourceFixture source, (string Id, string Bool, string Time, string Json, string Real) t)
    {
        await source.ExecuteAsync("CREATE TABLE options (key text PRIMARY KEY, value text)");
        await source.ExecuteAsync($"""
            CREATE TABLE abilities ("group" varchar(64) NOT NULL, model varchar(255) NOT NULL, channel_id bigint NOT NULL, enabled {t.Bool},
              priority bigint DEFAULT 0, weight bigint DEFAULT 0, tag text, PRIMARY KEY ("group", model, channel_id))
            """);
    }

    private static (string Id, string Bool, string Time, string Json, string Real) Types(DatabaseKind kind) => kind == DatabaseKind.Sqlite
        ? ("integer PRIMARY KEY AUTOINCREMENT", "numeric", "datetime", "JSON", "real")
        : ("bigserial PRIMARY KEY", "boolean", "timestamptz", "json", "double precision");

    private static Task User(SourceFixture source, long id, string name, long role, long status, string group, long quota, DateTime? deleted) =>
        source.ExecuteAsync("""
            INSERT INTO users (id, username, password, display_name, role, status, "group", quota, aff_code, deleted_at, created_at)
            VALUES (@id, @name, @password, @name, @role, @status, @group, @quota, @aff, @deleted, 1700000000)
            """, ("@id", id), ("@name", name), ("@password", Bcrypt), ("@role", role), ("@status", status), ("@group", group), ("@quota", quota),
            ("@aff", "aff" + id), ("@deleted", deleted));

    private static Task NewApiToken(SourceFixture source, long id, long user, string key, string name, long status, long expires, long remain, bool unlimited,
        bool modelLimits, string? models, string? ips, string group, DateTime? deleted) =>
        source.ExecuteAsync("""
            INSERT INTO tokens (id, user_id, key, status, name, created_time, expired_time, remain_quota, unlimited_quota, model_limits_enabled,
              model_limits, allow_ips, "group", cross_group_retry, deleted_at)
            VALUES (@id, @user, @key, @status, @name, 1700000000, @expires, @remain, @unlimited, @limits, @models, @ips, @group, @retry, @deleted)
            """, ("@id", id), ("@user", user), ("@key", key), ("@status", status), ("@name", name), ("@expires", expires), ("@remain", remain),
            ("@unlimited", unlimited), ("@limits", modelLimits), ("@models", models ?? ""), ("@ips", ips ?? ""), ("@group", group), ("@retry", false),
            ("@deleted", deleted));

    private static Task NewApiChannel(SourceFixture source, long id, long type, string key, long status, string name, long weight, string baseUrl,
        string models, string groups, string? mapping, long priority, string? info) =>
        source.ExecuteAsync($"""
            INSERT INTO channels (id, type, key, status, name, weight, created_time, base_url, models, "group", model_mapping, priority, channel_info)
            VALUES (@id, @type, @key, @status, @name, @weight, 1700000000, @base, @models, @groups, @mapping, @priority, {(source.Kind == DatabaseKind.Postgres ? "CAST(@info AS json)" : "@info")})
            """, ("@id", id), ("@type", type), ("@key", key), ("@status", status), ("@name", name), ("@weight", weight), ("@base", baseUrl),
            ("@models", models), ("@groups", groups), ("@mapping", mapping), ("@priority", priority), ("@info", info ?? """{"is_multi_key":false}"""));

    private static Task Abilities(SourceFixture source, (string Id, string Bool, string Time, string Json, string Real) t) =>
        source.ExecuteAsync("""
            INSERT INTO abilities ("group", model, channel_id, enabled, priority, weight) VALUES
              ('default', 'gpt-4o-mini', 1, @on, 10, 5), ('vip', 'gpt-4o-mini', 1, @on, 10, 5), ('default', 'house-chat', 1, @on, 10, 5),
              ('vip', 'house-chat', 1, @on, 10, 5), ('default', 'claude-sonnet-4-5', 2, @on, 0, 0), ('default', 'gemini-2.5-flash', 3, @on, 0, 0)
            """, ("@on", true));

    private static Task Options(SourceFixture source) =>
        source.ExecuteAsync("""
            INSERT INTO options (key, value) VALUES
              ('QuotaPerUnit', '500000'),
              ('ModelRatio', '{"gpt-4o-mini":0.075,"house-chat":1.25,"claude-sonnet-4-5":1.5}'),
              ('CompletionRatio', '{"gpt-4o-mini":4,"house-chat":4}'),
              ('CacheRatio', '{"gpt-4o-mini":0.5}'),
              ('ModelPrice', '{"gemini-2.5-flash":0.01}'),
              ('GroupRatio', '{"default":1,"vip":0.5,"svip":0.8}')
            """);
}
