using Switchyard.Configuration;

namespace Switchyard.Import;

/// <summary>One thing a source declares, with what maps only approximately (each note says why).</summary>
public sealed record Imported<T>(T Value, IReadOnlyList<string> Notes);

/// <summary>A user to create; its password never comes along (see <see cref="Importer"/>).</summary>
/// <param name="PasswordNote">Why the source's password cannot be used (its hash format); null when it had none.</param>
public sealed record ImportedUser(UserConfig Config, string? PasswordNote);

/// <summary>
/// A client key as the source issued it. Exactly one of <see cref="Secret"/> (the source stored the key itself, as
/// new-api and one-api do) and <see cref="Sha256Hex"/> (the source stored only its SHA-256, as LiteLLM does) is set.
/// </summary>
public sealed record ImportedKey
{
    public required string Name { get; init; }
    public string? Secret { get; init; }
    public string? Sha256Hex { get; init; }

    /// <summary>Shown in key lists in place of the secret.</summary>
    public required string Hint { get; init; }
    public string? User { get; init; }
    public required string Group { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public LimitsConfig? Limits { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public IReadOnlyList<string> AllowedIps { get; init; } = [];
}

/// <summary>Something the source holds that cannot be imported, and why.</summary>
public sealed record SkippedItem(string Kind, string Name, string Reason);

/// <summary>Everything read from a source, mapped to Switchyard's terms; read-only, nothing written yet.</summary>
public sealed record ImportSet(string Source)
{
    public List<Imported<GroupConfig>> Groups { get; } = [];
    public List<Imported<ImportedUser>> Users { get; } = [];
    public List<Imported<ChannelConfig>> Channels { get; } = [];
    public List<Imported<ModelConfig>> Models { get; } = [];
    public List<Imported<ImportedKey>> Keys { get; } = [];
    public List<SkippedItem> Skipped { get; } = [];

    /// <summary>What the whole import should know: the quota unit used, settings to copy into the config file by hand.</summary>
    public List<string> Remarks { get; } = [];

    public void Skip(string kind, string name, string reason) => Skipped.Add(new SkippedItem(kind, name, reason));

    /// <summary>Adds the group unless the set already has one of that name.</summary>
    public void EnsureGroup(string name, decimal multiplier = 1m, IReadOnlyList<string>? notes = null)
    {
        if (!Groups.Any(g => g.Value.Name == name))
        {
            Groups.Add(new Imported<GroupConfig>(new GroupConfig { Name = name, PriceMultiplier = multiplier }, notes ?? []));
        }
    }
}
