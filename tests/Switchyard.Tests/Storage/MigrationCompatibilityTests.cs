using System.Text.RegularExpressions;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Storage;

/// <summary>
/// During a rolling upgrade the previous version runs on the schema the new one migrated, so a migration may only
/// add: no dropped or renamed table or column, no changed column type, no new NOT NULL column without a default.
/// docs/deployment.md ("Upgrades") promises it; this holds every migration to it.
/// </summary>
public sealed partial class MigrationCompatibilityTests
{
    /// <summary>Before rolling upgrades were promised: 0007 moved the requests table to a partitioned one in one step.</summary>
    private static readonly HashSet<string> Grandfathered = ["0007_partitioned_requests.sql"];

    [GeneratedRegex(@"\b(DROP\s+(TABLE|COLUMN)|RENAME\s+(TO|COLUMN)|ALTER\s+COLUMN\s+\w+\s+(SET\s+DATA\s+)?TYPE|ALTER\s+COLUMN\s+\w+\s+SET\s+NOT\s+NULL)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex Breaking();

    [GeneratedRegex(@"ADD\s+COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?\w+\s+[^,;]*\bNOT\s+NULL\b(?![^,;]*\bDEFAULT\b)", RegexOptions.IgnoreCase)]
    private static partial Regex NotNullWithoutDefault();

    public static TheoryData<string, string> Migrations()
    {
        var data = new TheoryData<string, string>();
        var folder = Path.Combine(PrometheusTools.RepositoryRoot(), "src", "Switchyard", "Storage", "Migrations");
        foreach (var file in Directory.GetFiles(folder, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(Path.GetDirectoryName(file))!, Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Migrations))]
    public void Migration_OnlyAddsWhatThePreviousVersionCanIgnore(string dialect, string file)
    {
        if (Grandfathered.Contains(file))
        {
            return;
        }
        var path = Path.Combine(PrometheusTools.RepositoryRoot(), "src", "Switchyard", "Storage", "Migrations", dialect, file);
        var sql = string.Join('\n', File.ReadAllLines(path).Select(line => line.Split("--")[0]));

        Assert.False(Breaking().IsMatch(sql), $"{dialect}/{file}: '{Breaking().Match(sql).Value}' breaks the previous version during a rolling upgrade");
        Assert.False(NotNullWithoutDefault().IsMatch(sql), $"{dialect}/{file}: a NOT NULL column without a DEFAULT breaks the previous version's inserts");
    }

    [Fact]
    public void Breaking_RecognisesWhatItGuardsAgainst()
    {
        Assert.Matches(Breaking(), "ALTER TABLE keys DROP COLUMN name;");
        Assert.Matches(Breaking(), "ALTER TABLE keys RENAME COLUMN name TO title;");
        Assert.Matches(Breaking(), "ALTER TABLE keys ALTER COLUMN name TYPE BIGINT;");
        Assert.Matches(NotNullWithoutDefault(), "ALTER TABLE keys ADD COLUMN tier TEXT NOT NULL;");
        Assert.DoesNotMatch(NotNullWithoutDefault(), "ALTER TABLE keys ADD COLUMN tier TEXT NOT NULL DEFAULT 'a';");
        Assert.DoesNotMatch(Breaking(), "CREATE INDEX keys_group ON keys (group_name);");
    }
}
