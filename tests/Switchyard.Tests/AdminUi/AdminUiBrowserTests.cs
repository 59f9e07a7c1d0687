using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.AdminUi;

/// <summary>The admin web UI end to end: real Chromium, the real gateway, the real admin API.</summary>
public sealed class AdminUiBrowserTests
{
    /// <summary>
    /// Signing in with the master key; a key created, its secret seen once then gone, listed masked, revoked;
    /// the CSP header, data shown as text; every page renders; a request in the usage report and its CSV;
    /// a wrong key is refused. One browser for all.
    /// </summary>
    [Fact]
    public async Task MasterKey_Scenarios()
    {
        await using var gateway = await GatewayHarness.StartAsync();
        await BrowserRunner.RunAsync(gateway, ["master-key", "headers", "pages", "usage", "mobile", "wrong-key"]);
    }
}
