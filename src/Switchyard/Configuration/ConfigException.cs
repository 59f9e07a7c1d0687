namespace Switchyard.Configuration;

/// <summary>The config is unusable; each problem names the field path it concerns.</summary>
public sealed class ConfigException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
