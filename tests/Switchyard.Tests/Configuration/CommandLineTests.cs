using Switchyard.Hosting;

namespace Switchyard.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_AllOptions_AreRead()
    {
        var command = CommandLine.Parse(["--config", "a.yaml", "--listen=http://127.0.0.1:5000", "--demo"], out var error);

        Assert.Null(error);
        Assert.Equal(new CommandLine("a.yaml", "http://127.0.0.1:5000", Demo: true, Help: false), command);
    }

    [Theory]
    [InlineData("reencrypt")]
    [InlineData("verify-audit")]
    [InlineData("healthcheck")]
    public void Parse_MaintenanceCommand_IsRead(string verb)
    {
        var command = CommandLine.Parse([verb, "--config", "a.yaml"], out var error);

        Assert.Null(error);
        Assert.Equal(verb, command.Command);
        Assert.Equal("a.yaml", command.ConfigPath);
        Assert.Null(CommandLine.Parse(["--config", "a.yaml"], out _).Command);
    }

    [Fact]
    public void Parse_Version_IsRead()
    {
        Assert.True(CommandLine.Parse(["--version"], out var error).Version);
        Assert.Null(error);
        Assert.False(CommandLine.Parse([], out _).Version);
    }

    [Theory]
    [InlineData("http://0.0.0.0:4000", "http://127.0.0.1:4000/healthz")]
    [InlineData("http://[::]:4100", "http://127.0.0.1:4100/healthz")]
    [InlineData("http://*:4200", "http://127.0.0.1:4200/healthz")]
    [InlineData("http://127.0.0.1:4000", "http://127.0.0.1:4000/healthz")]
    [InlineData("http://10.1.2.3:80", "http://10.1.2.3/healthz")]
    public void HealthUrl_WildcardHosts_AreReachedOnLoopback(string listen, string expected)
    {
        Assert.Equal(new Uri(expected), HealthCheckCommand.HealthUrl(listen));
    }

    [Fact]
    public void Parse_Import_ReadsSourceFromDatabaseAndDryRun()
    {
        var newApi = CommandLine.Parse(["import", "one-api", "--from", "one-api.db", "--dry-run", "--config", "a.yaml"], out var error);
        var liteLlm = CommandLine.Parse(["import", "litellm", "--from=litellm.yaml", "--database", "postgres://h/litellm"], out var liteLlmError);

        Assert.Null(error);
        Assert.Equal(("import", "new-api", "one-api.db", true, "a.yaml"), (newApi.Command, newApi.ImportSource, newApi.From, newApi.DryRun, newApi.ConfigPath));
        Assert.Null(liteLlmError);
        Assert.Equal(("litellm", "litellm.yaml", "postgres://h/litellm", false), (liteLlm.ImportSource, liteLlm.From, liteLlm.Database, liteLlm.DryRun));
    }

    [Theory]
    [InlineData("import", "import needs a source: import new-api --from DB, or import litellm --from LITELLM_CONFIG.yaml")]
    [InlineData("import mysql-thing", "import needs a source: import new-api --from DB, or import litellm --from LITELLM_CONFIG.yaml")]
    [InlineData("import new-api", "import new-api needs --from DB (a SQLite file or a postgres:// URL)")]
    [InlineData("import new-api --from a.db --database b", "unknown argument '--database'")]
    [InlineData("--dry-run", "unknown argument '--dry-run'")]
    public void Parse_ImportMisused_SaysWhatIsMissing(string args, string expected)
    {
        CommandLine.Parse(args.Split(' '), out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_UnknownArgument_IsAnError()
    {
        CommandLine.Parse(["--bogus"], out var error);

        Assert.Equal("unknown argument '--bogus'", error);
    }

    [Fact]
    public void ResolveConfigPath_FollowsFlagThenEnvironmentThenLocalFile()
    {
        var none = new CommandLine(null, null, false, false);

        Assert.Equal("x.yaml", (none with { ConfigPath = "x.yaml" }).ResolveConfigPath(_ => "env.yaml", _ => true));
        Assert.Equal("env.yaml", none.ResolveConfigPath(_ => "env.yaml", _ => true));
        Assert.Equal("switchyard.yaml", none.ResolveConfigPath(_ => null, _ => true));
        Assert.Null(none.ResolveConfigPath(_ => null, _ => false));
    }
}
