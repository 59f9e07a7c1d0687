using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.AdminUi;

/// <summary>The admin web UI end to end: real Chromium, the real gateway, the real admin API.</summary>
public sealed class AdminUiBrowserTests
{
    private const string AdminPassword = "root-password-for-tests";
    private const string LeadPassword = "lead-password-for-tests";
    private const string UserPassword = "wang-password-for-tests";

    /// <summary>
    /// Signing in with the master key; a key created, its secret seen once then gone, listed masked, revoked;
    /// the CSP header, data shown as text; every page renders; a request in the usage report and its CSV;
    /// the phone layout; a wrong key is refused; the language switch and the theme; channel and key tests; every page in
    /// English and Chinese at 1400x900 and 390x844 without errors, failing requests or sideways scrolling; routing rules
    /// and splits edited on the routes page, with each arm's figures. One browser for all.
    /// </summary>
    [Fact]
    public async Task MasterKey_Scenarios()
    {
        // A config rule no request carries the header for: the routes page shows it read-only, first.
        await using var gateway = await GatewayHarness.StartAsync(customize: config => config with
        {
            Routes = [new RouteRuleConfig { Name = "ui-canary", Model = "gpt-4o", When = new RouteConditions { Headers = new Dictionary<string, string> { ["x-ui-canary"] = "1" } }, Target = new RouteTarget { Model = "gpt-4o-mini" } }],
        });
        await BrowserRunner.RunAsync(gateway, ["master-key", "headers", "pages", "usage", "mobile", "wrong-key", "language", "reconciliation", "channel-test", "tour-super", "routes"]);
    }

    /// <summary>
    /// The request log's detail in both languages at both sizes: a fallback's attempt chain (a channel whose key the
    /// mock refuses, then the fallback model) with key hints and the stored prompt, an upstream 503 chosen by a mock
    /// directive, and a refusal with its error text and no attempts, which the overview counts as an error and never as
    /// a top model.
    /// </summary>
    [Fact]
    public async Task RequestLogDetail_Scenario()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: config => config with
        {
            Channels =
            [
                .. config.Channels,
                new ChannelConfig { Name = "rotated", Type = "openai", BaseUrl = config.Channels[0].BaseUrl, Keys = ["mock-invalid-key"], Models = ["legacy-model"] },
            ],
            Models = [.. config.Models, new ModelConfig { Name = "legacy-model", Fallbacks = ["gpt-4o-mini"] }],
            Groups = [.. config.Groups.Select(g => g.Name == "team" ? g with { StoreBodies = true } : g)],
        });
        await BrowserRunner.RunAsync(gateway, ["request-detail"]);
    }

    /// <summary>
    /// Name and password: a wrong one refused, an HttpOnly session cookie, writes only with the CSRF header, a key
    /// created and revoked through the session, logout; a group admin sees neither channels nor other groups;
    /// a user sees only its own keys and usage, its limits and its group's, the models it may use at its group's prices
    /// and a new key's client set-ups; every page of a group admin and of a user in both languages and sizes; the
    /// playground as the user in each client protocol, its answers' served model, tokens and cost, ledgered as the user's.
    /// </summary>
    [Fact]
    public async Task PasswordLogin_GroupAdmin_AndUser_Scenarios()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: config => config with
        {
            Users =
            [
                .. config.Users.Select(u => u.Name == "wang" ? u with { Password = UserPassword, Limits = new LimitsConfig { Rpm = 50 } } : u),
                new UserConfig { Name = "root", Group = "team", Role = Roles.SuperAdmin, Password = AdminPassword },
                new UserConfig { Name = "lead", Group = "team", Role = Roles.GroupAdmin, Password = LeadPassword },
            ],
            Groups = [.. config.Groups.Select(g => g.Name == "team" ? g with { Limits = new LimitsConfig { Rpm = 1000 }, PriceMultiplier = 1.5m } : g)],
        });
        await BrowserRunner.RunAsync(gateway, ["password-login", "group-admin", "user-role", "self-service", "tour-roles", "playground"], new Dictionary<string, string>
        {
            ["SWITCHYARD_ADMIN_USER"] = "root",
            ["SWITCHYARD_ADMIN_PASSWORD"] = AdminPassword,
            ["SWITCHYARD_GROUP_ADMIN"] = "lead",
            ["SWITCHYARD_GROUP_ADMIN_PASSWORD"] = LeadPassword,
            ["SWITCHYARD_PLAIN_USER"] = "wang",
            ["SWITCHYARD_PLAIN_USER_PASSWORD"] = UserPassword,
            ["SWITCHYARD_OTHER_KEY"] = GatewayHarness.NarrowKey,
        });
    }
}
