namespace Switchyard.Hosting;

/// <summary>The gateway's command line: <c>[--config FILE] [--listen URL] [--demo]</c>.</summary>
internal sealed record CommandLine(string? ConfigPath, string? Listen, bool Demo, bool Help)
{
    /// <summary><c>--version</c>: print the version and commit, then exit.</summary>
    public bool Version { get; init; }

    /// <summary>A command instead of serving: <c>reencrypt</c>, <c>verify-audit</c>, <c>healthcheck</c> or <c>import</c>.</summary>
    public string? Command { get; init; }

    /// <summary>What <c>import</c> reads: <c>new-api</c> (one-api too) or <c>litellm</c>.</summary>
    public string? ImportSource { get; init; }

    /// <summary><c>--from</c>: the source database (new-api) or the LiteLLM config file.</summary>
    public string? From { get; init; }

    /// <summary><c>--database</c>: LiteLLM's database, for its teams, users and keys.</summary>
    public string? Database { get; init; }

    public bool DryRun { get; init; }

    /// <summary><c>--public-url</c>: the gateway's public address, which the reset links an import prints start with.</summary>
    public string? PublicUrl { get; init; }

    /// <summary><c>--role relay|admin|all</c>: which APIs and jobs this instance runs.</summary>
    public InstanceRole Role { get; init; } = InstanceRole.All;

    public const string Usage = """
        Usage: switchyard [--config FILE] [--listen URL] [--role relay|admin|all] [--demo]
               switchyard healthcheck [--config FILE] [--listen URL]
                                                         GET /healthz of this machine's instance (exit 0 when 200)
               switchyard --version                      print the version and the commit it was built from
               switchyard reencrypt [--config FILE]      re-seal stored upstream keys under security.secret_key
               switchyard verify-audit [--config FILE]   check the audit log's hash chain (exit 0 intact, 1 broken)
               switchyard import new-api --from DB [--dry-run] [--public-url URL] [--config FILE]
                   move channels, tokens (their keys keep working), users, groups and prices in from new-api or one-api;
                   DB is a SQLite file or a postgres:// URL, opened read-only
               switchyard import litellm --from LITELLM_CONFIG.yaml [--database URL] [--dry-run] [--public-url URL] [--config FILE]
                   move LiteLLM's model_list, router settings and (with --database) teams, users and virtual keys in
                   --dry-run prints the plan and writes nothing; a second run creates nothing twice (docs/migrate.md)
                   --public-url (default server.public_url): where the printed password reset links point
          --config FILE   YAML config (default: $SWITCHYARD_CONFIG, else ./switchyard.yaml if present)
          --listen URL    overrides server.listen (default http://127.0.0.1:4000)
          --role ROLE     relay: client APIs only; admin: admin API, UI and scheduled jobs only; all (default): both
          --demo          run with no config: SQLite under ./data, the bundled mock upstream, one demo key
          (import litellm also takes the LiteLLM config as --config when --from is absent and that file holds a model_list)
        """;

    public static CommandLine Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string? config = null, listen = null, verb = null, importSource = null, from = null, database = null, publicUrl = null;
        bool demo = false, help = false, dryRun = false, version = false;
        var role = InstanceRole.All;
        if (args.Count > 0 && args[0] is "reencrypt" or "verify-audit" or "healthcheck")
        {
            verb = args[0];
            args = args.Skip(1).ToList();
        }
        else if (args.Count > 0 && args[0] == "import")
        {
            verb = "import";
            if (args.Count < 2 || args[1] is not ("new-api" or "one-api" or "litellm"))
            {
                error = "import needs a source: import new-api --from DB, or import litellm --from LITELLM_CONFIG.yaml";
                return new CommandLine(null, null, false, false) { Command = verb };
            }
            importSource = args[1] == "one-api" ? "new-api" : args[1];
            args = args.Skip(2).ToList();
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
                case "--from" when verb == "import":
                    from = Value();
                    if (from is null)
                    {
                        error = "--from needs the source (a database, or the LiteLLM config file)";
                    }
                    break;
                case "--database" when importSource == "litellm":
                    database = Value();
                    if (database is null)
                    {
                        error = "--database needs LiteLLM's database URL";
                    }
                    break;
                case "--dry-run" when verb == "import":
                    dryRun = true;
                    break;
                case "--public-url" when verb == "import":
                    publicUrl = Value();
                    if (publicUrl is null || !Configuration.PublicUrls.IsValid(publicUrl))
                    {
                        error = "--public-url needs the gateway's public address, an http:// or https:// URL such as https://gateway.example.com";
                    }
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--version":
                    version = true;
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
        if (error is null && verb == "import" && !help && from is null && importSource == "new-api")
        {
            error = "import new-api needs --from DB (a SQLite file or a postgres:// URL)";
        }
        return new CommandLine(config, listen, demo, help) { Command = verb, ImportSource = importSource, From = from, Database = database, DryRun = dryRun, PublicUrl = publicUrl, Version = version, Role = role };
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
