using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.AdminUi;

/// <summary>Password reset links and the group price multiplier in the console: real Chromium, the real gateway.</summary>
public sealed class PasswordResetBrowserTests
{
    private const string LeadPassword = "lead-password-for-tests";

    /// <summary>
    /// A group admin (English) and the master key (Chinese) make a reset link for a user on the users page, shown once
    /// with a copy button; the link opens without signing in, sets a password the user signs in with, and is refused
    /// the second time. A super admin sees and edits a group's price multiplier; a group admin sees none.
    /// </summary>
    [Fact]
    public async Task ResetLink_AndPriceMultiplier_Scenarios()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: config => config with
        {
            Users =
            [
                .. config.Users,
                new UserConfig { Name = "root", Group = "team", Role = Roles.SuperAdmin, Password = "root-password-for-tests" },
                new UserConfig { Name = "lead", Group = "team", Role = Roles.GroupAdmin, Password = LeadPassword },
            ],
        });
        await BrowserRunner.RunAsync(gateway, ["password-reset", "group-multiplier"], new Dictionary<string, string>
        {
            ["SWITCHYARD_GROUP_ADMIN"] = "lead",
            ["SWITCHYARD_GROUP_ADMIN_PASSWORD"] = LeadPassword,
            ["SWITCHYARD_PLAIN_USER"] = "wang",
        });
    }
}
