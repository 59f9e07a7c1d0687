using System.Reflection;

namespace Switchyard.Hosting;

/// <summary>
/// The version and commit baked into the assembly at build time: the SDK appends the git commit (SourceRevisionId)
/// to the informational version as <c>1.2.3+sha</c>, so a release binary names what it was built from.
/// </summary>
internal static class BuildInfo
{
    public static string InformationalVersion { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static string Version => InformationalVersion.Split('+')[0];

    /// <summary>The commit's hash, or "unknown" for a build outside a git checkout.</summary>
    public static string Commit => InformationalVersion.Split('+') is [_, var commit, ..] && commit.Length > 0 ? commit : "unknown";

    public static string Describe() =>
        $"switchyard {Version} (commit {Commit}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})";
}
