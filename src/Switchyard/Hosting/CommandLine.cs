namespace Switchyard.Hosting;

/// <summary>The gateway's command line: <c>[--config FILE] [--listen URL] [--demo]</c>.</summary>
internal sealed record CommandLine(string? ConfigPath, string? Listen, bool Demo, bool Help)
{
    /// <summary>A maintenance command instead of serving: <c>reencrypt</c> or <c>verify-audit</c>.</summary>
    public string? Command { get; init; }

    /// <summary><c>--role relay|admin|all</c>: which APIs and jobs this instance runs.</summary>
    public InstanceRole Role { get; init; } = InstanceRole.All;

    public const string Usage = """
        Usage: switchyard [--config FILE] [--listen URL] [--role relay|admin|all] [--demo]
               switchyard reencrypt [--config FILE]      re-seal stored upstream keys under security.secret_key
               switchyard verify-audit [--config FILE]   check the audit log's hash chain (exit 0 intact, 1 broken)
          --config FILE   YAML config (default: $SWITCHYARD_CONFIG, else ./switchyard.yaml if present)
          --listen URL    overrides server.listen (default http://127.0.0.1:4000)
          --role ROLE     relay: client APIs only; admin: admin API, UI and scheduled jobs only; all (default): both
          --demo          run with no config: SQLite under ./data, the bundled mock upstream, one demo key
        """;

    public static CommandLine Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? config = null, listen = null, verb = null;
        bool demo = false, help = false;
        var role = InstanceRole.All;
        if (args.Count > 0 && args[0] is "reencrypt" or "verify-audit")
        {
            verb = args[0];
            args = args.Skip(1).ToList();
        }
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=');
            var name = eq > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..eq] : arg;
            string? Value()
            {
                if (eq > 0 && name != arg)
                {
                    return arg[(eq + 1)..];
                }
                if (i + 1 < args.Count)
                {
                    return args[++i];
                }
                return null;
            }
            switch (name)
            {
                case "--config":
                    config = Value();
                    if (config is null)
                    {
                        error = "--config needs a file path";
                    }
                    break;
                case "--listen":
                    listen = Value();
                    if (listen is null)
                    {
                        error = "--listen needs a URL";
                    }
                    break;
                case "--role":
                    var word = Value();
                    if (word is not null && InstanceRoles.Parse(word) is { } parsed)
                    {
                        role = parsed;
                    }
                    else
                    {
                        error = $"--role must be relay, admin or all, got '{word}'";
                    }
                    break;
                case "--demo":
                    demo = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    break;
            }
            if (error is not null)
            {
                break;
            }
        }
        return new CommandLine(config, listen, demo, help) { Command = verb, Role = role };
    }

    /// <summary>The config file to read: --config, else SWITCHYARD_CONFIG, else ./switchyard.yaml if present.</summary>
    public string? ResolveConfigPath(Func<string, string?> environment, Func<string, bool> exists)
    {
        if (ConfigPath is not null)
        {
            return ConfigPath;
        }
        if (environment("SWITCHYARD_CONFIG") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }
        return exists("switchyard.yaml") ? "switchyard.yaml" : null;
    }
}
