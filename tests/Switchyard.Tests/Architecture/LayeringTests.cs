using System.Reflection;
using System.Text;

namespace Switchyard.Tests.Architecture;

public sealed class LayeringTests
{
    private const string Root = "Switchyard";
    private static readonly Assembly Gateway = typeof(Switchyard.Hosting.Cli).Assembly;
    private static readonly Lazy<IReadOnlyList<TypeReference>> References = new(() => TypeReferenceScanner.Scan(Gateway, Root));

    [Fact]
    public void EveryReference_BetweenFolders_IsAllowedByTheTable()
    {
        var violations = Violations(References.Value);

        Assert.True(violations.Count == 0, "References the layer table does not allow (tests/Switchyard.Tests/Architecture/LayerTable.cs):\n"
            + string.Join('\n', violations));
    }

    [Fact]
    public void InternalTypes_AreUsedOnlyInTheirFolder_SoPublicMeansAFoldersApi()
    {
        var leaks = References.Value
            .Select(r => (r, Type: Gateway.GetType(r.ToType)))
            .Where(x => x.Type is { IsNested: false, IsPublic: false })
            .Select(x => $"{x.r.ToType} is internal to {x.r.ToFolder} but {x.r.FromType} uses it")
            .Distinct()
            .Order()
            .ToList();

        Assert.True(leaks.Count == 0, "Make these public (they are part of their folder's API) or stop using them from outside:\n" + string.Join('\n', leaks));
    }

    [Fact]
    public void EveryFolder_HasARule()
    {
        var folders = Gateway.GetTypes().Select(t => TypeReferenceScanner.FolderOf(t, Root)).OfType<string>().Distinct().Order().ToList();

        var missing = folders.Where(f => LayerTable.For(f) is null).ToList();

        Assert.True(missing.Count == 0, $"Folders without a rule in LayerTable: {string.Join(", ", missing)}");
        Assert.Equal(folders, LayerTable.Rules.Select(r => r.Folder).Order());
    }

    [Fact]
    public void EveryAllowance_IsUsed_SoTheTableSaysWhatIs()
    {
        var used = References.Value.Select(r => (r.FromFolder, r.ToFolder)).ToHashSet();

        var unused = LayerTable.Rules.Where(r => !r.ImportsAnything)
            .SelectMany(r => r.MayImport.Select(to => (r.Folder, to)))
            .Where(arrow => !used.Contains(arrow))
            .Select(arrow => $"{arrow.Folder} -> {arrow.to}")
            .ToList();

        Assert.True(unused.Count == 0, $"Allowed but unused (remove them from LayerTable): {string.Join(", ", unused)}");
    }

    [Fact]
    public void TheTable_ListsNoForbiddenArrow()
    {
        var listed = LayerTable.Rules.Where(r => !r.ImportsAnything).SelectMany(r => r.MayImport.Select(to => (r.Folder, to)));

        var forbidden = listed.Where(a => !LayerTable.Allows(a.Folder, a.to)).Select(a => $"{a.Folder} -> {a.to}").ToList();

        Assert.Empty(forbidden);
    }

    [Fact]
    public void Checker_RefusesADeliberatelyWrongReference_AndNamesIt()
    {
        // The sample folders below mirror the gateway's names: Storage reaching into Relay is one of the forbidden arrows.
        var references = TypeReferenceScanner.Scan(typeof(Sample.Storage.SampleLedgerStore).Assembly, SampleRoot);

        var violations = Violations(references);

        var violation = Assert.Single(violations);
        Assert.Contains("Storage -> Relay", violation, StringComparison.Ordinal);
        Assert.Contains(typeof(Sample.Storage.SampleLedgerStore).FullName!, violation, StringComparison.Ordinal);
        Assert.Contains(typeof(Sample.Relay.SampleRelayContext).FullName!, violation, StringComparison.Ordinal);
        Assert.Contains("Save", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Scanner_SeesReferencesInMethodBodies_NotOnlySignatures()
    {
        var references = TypeReferenceScanner.Scan(typeof(Sample.Storage.SampleLedgerStore).Assembly, SampleRoot);

        // SampleLedgerStore names the Relay type only inside a method body (a local and a constructor call).
        Assert.Contains(references, r => r.FromType.EndsWith("SampleLedgerStore", StringComparison.Ordinal) && r.ToFolder == "Relay");
        // Contracts references made through a generic argument are seen too.
        Assert.Contains(references, r => r.FromType.EndsWith("SampleLedgerStore", StringComparison.Ordinal) && r.ToFolder == "Contracts");
    }

    [Fact]
    public void FoldersImportingEachOther_AtMostTwelvePairs_AndHostingInNone()
    {
        var arrows = References.Value.Select(r => (r.FromFolder, r.ToFolder)).ToHashSet();

        var pairs = arrows.Where(a => string.CompareOrdinal(a.FromFolder, a.ToFolder) < 0 && arrows.Contains((a.ToFolder, a.FromFolder)))
            .Select(a => $"{a.FromFolder} <-> {a.ToFolder}").Order().ToList();

        Assert.True(pairs.Count <= 12, $"{pairs.Count} pairs of folders import each other: {string.Join(", ", pairs)}");
        Assert.DoesNotContain(pairs, p => p.Contains("Hosting", StringComparison.Ordinal));
        // The pairs that remain are named in docs/development.md; a new one is a decision, not an accident.
        var documented = LayerDocSection();
        var undocumented = pairs.Where(p => !documented.Contains(p.Replace("<->", "↔", StringComparison.Ordinal), StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, $"Pairs not explained in docs/development.md: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void DevelopmentDoc_CarriesTheTable()
    {
        var expected = LayerTable.RenderMarkdown();

        Assert.True(LayerDocSection().Contains(expected, StringComparison.Ordinal),
            "docs/development.md's table between <!-- layers:begin --> and <!-- layers:end --> differs from LayerTable; it should read:\n" + expected);
    }

    private const string SampleRoot = "Switchyard.Tests.Architecture.Sample";

    private static List<string> Violations(IEnumerable<TypeReference> references) => references
        .Where(r => !LayerTable.Allows(r.FromFolder, r.ToFolder))
        .GroupBy(r => (r.FromFolder, r.ToFolder, r.FromType, r.ToType))
        .Select(g => $"{g.Key.FromFolder} -> {g.Key.ToFolder}: {g.Key.FromType} uses {g.Key.ToType} (in {string.Join(", ", g.Select(r => r.Site).Distinct())})")
        .Order()
        .ToList();

    private static string LayerDocSection()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var text = File.ReadAllText(Path.Combine(dir.FullName, "docs", "development.md"), Encoding.UTF8);
        var begin = text.IndexOf("<!-- layers:begin -->", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- layers:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/development.md lacks its <!-- layers:begin --> … <!-- layers:end --> section");
        return text[begin..end].Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
