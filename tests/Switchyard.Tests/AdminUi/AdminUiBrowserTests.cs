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
    /// the phone layout; a wrong key is refused; the language switch and the theme; channel and key tests; every page in English and Chinese
    /// at 1400x900 and 390x844 without errors, failing requests or sideways scrolling. One browser for all.
    /// </summary>
    [Fact]
    public async Task MasterKey_Scenarios()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await BrowserRunner.RunAsync(gateway, ["master-key", "headers", "pages", "usage", "mobile", "wrong-key", "language", "reconciliation", "channel-test", "tour-super"]);
    }

    /// <summary>
    /// Name and password: a wrong one refused, an HttpOnly session cookie, writes only with the CSRF header, a key
    /// created and revoked through the session, logout; a group admin sees neither channels nor other groups;
    /// a user sees only its own keys and usage, its limits and its group's, the models it may use at its group's prices
    /// and a new key's client set-ups; every page of a group admin and of a user in both languages and sizes.
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
        await BrowserRunner.RunAsync(gateway, ["password-login", "group-admin", "user-role", "self-service", "tour-roles"], new Dictionary<string, string>
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
