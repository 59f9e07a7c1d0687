using Switchyard.Configuration;
using Switchyard.Hosting;

namespace Switchyard.Tests.Hosting;

/// <summary>--demo: channels can be created (a secret key is set) and stay readable across demo runs.</summary>
public sealed class DemoConfigTests
{
    [Fact]
    public async Task SecretKey_IsMadeOnce_KeptPrivate_AndValid()
    {
        var folder = Directory.CreateTempSubdirectory("switchyard-demo-");
        try
        {
            var path = Path.Combine(folder.FullName, "data", "demo-secret-key");
            var first = await DemoConfig.SecretKeyAsync(path);
            var again = await DemoConfig.SecretKeyAsync(path);
            Assert.Equal(first, again);
            Assert.True(first.Length >= 32);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            var config = ConfigValidator.Validate(DemoConfig.Create(new Uri("http://127.0.0.1:1/"), "sk-sy-demo-client-0000000000000000000000", "sk-sy-admin-000000000000000000000000000", first));
            Assert.Equal(first, config.Security.SecretKey);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
