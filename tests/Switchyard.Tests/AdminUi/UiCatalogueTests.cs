using System.Text;
using System.Text.RegularExpressions;
using Switchyard.Admin.Ui;

namespace Switchyard.Tests.AdminUi;

/// <summary>
/// The console speaks English and Chinese from one message catalogue per language (js/i18n/en.js, zh.js): both hold
/// the same keys with the same placeholders, every key the code asks for exists, and no reader-facing text is left in
/// the code itself.
/// </summary>
public sealed partial class UiCatalogueTests
{
    private static readonly string[] Languages = ["en", "zh"];

    /// <summary>Literals that are no translatable text: the product's name, protocol words, each language's own name.</summary>
    private static readonly HashSet<string> NotText = new(StringComparer.Ordinal)
    {
        "Switchyard", "Bearer ", "Content-Type", "Authorization", "Accept", "English", "中文",
        // A KeyboardEvent.key value, not text.
        "Enter",
    };

    [Fact]
    public void Catalogues_HoldTheSameKeys_WithTheSamePlaceholders()
    {
        var catalogues = Languages.ToDictionary(l => l, l => Catalogue(new UiAssets(), l));
        var en = catalogues["en"];
        var zh = catalogues["zh"];
        Assert.True(en.Count > 100, $"en.js has only {en.Count} messages");
        Assert.Empty(en.Keys.Except(zh.Keys).Select(k => $"missing in zh.js: {k}"));
        Assert.Empty(zh.Keys.Except(en.Keys).Select(k => $"missing in en.js: {k}"));
        foreach (var (key, text) in en)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"en.js: '{key}' is empty");
            Assert.False(string.IsNullOrWhiteSpace(zh[key]), $"zh.js: '{key}' is empty");
            Assert.True(Placeholders(text).SetEquals(Placeholders(zh[key])), $"'{key}' has other placeholders in en.js ({text}) than in zh.js ({zh[key]})");
        }
    }

    [Fact]
    public void EveryKeyTheCodeAsksFor_IsInBothCatalogues()
    {
        var assets = new UiAssets();
        var catalogues = Languages.ToDictionary(l => l, l => Catalogue(assets, l));
        var asked = 0;
        foreach (var path in Scripts(assets))
        {
            var code = Encoding.UTF8.GetString(assets.Find(path)!.Content);
            foreach (Match call in KeyCallPattern().Matches(code))
            {
                var key = call.Groups["key"].Value;
                var wanted = call.Groups["fn"].Value == "tn" ? new[] { key + ".one", key + ".other" } : [key];
                foreach (var (language, catalogue) in catalogues)
                {
                    foreach (var one in wanted)
                    {
                        Assert.True(catalogue.ContainsKey(one), $"{path} asks for '{one}', which {language}.js lacks");
                    }
                }
                asked++;
            }
            // Keys built from data (t(`usage.by.${g}`)): the prefix must at least exist.
            foreach (Match call in KeyPrefixPattern().Matches(code))
            {
                var prefix = call.Groups["prefix"].Value;
                foreach (var (language, catalogue) in catalogues)
                {
                    Assert.True(catalogue.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)), $"{path} builds keys '{prefix}…', none of which {language}.js has");
                }
            }
        }
        Assert.True(asked > 100, $"only {asked} messages asked for");
    }

    /// <summary>
    /// A string literal outside the catalogues that reads as text (a capitalised word, two words, or any Chinese) is
    /// a message someone forgot to put in the catalogues: it would show in English to a Chinese reader.
    /// </summary>
    [Fact]
    public void NoReaderFacingText_IsLeftInTheCode()
    {
        var assets = new UiAssets();
        var found = new List<string>();
        // js/snippets.js holds the code samples a new key's panel offers: code reads the same in every language.
        foreach (var path in Scripts(assets).Where(p => !p.StartsWith("js/i18n/", StringComparison.Ordinal) && p != "js/snippets.js"))
        {
            var code = WithoutComments(Encoding.UTF8.GetString(assets.Find(path)!.Content));
            foreach (Match literal in LiteralPattern().Matches(code))
            {
                var before = code[Math.Max(0, literal.Index - 24)..literal.Index];
                if (ClassAttributePattern().IsMatch(before) || before.EndsWith("new Error(", StringComparison.Ordinal))
                {
                    continue;
                }
                var text = Interpolation().Replace(literal.Groups["body"].Value, " ");
                if (NotText.Contains(text) || !LooksLikeText(text))
                {
                    continue;
                }
                found.Add($"{path}: {literal.Value}");
            }
        }
        Assert.Empty(found);
    }

    [Fact]
    public void TheTextCheck_CatchesTheUsualShapes()
    {
        Assert.True(LooksLikeText("Save"));
        Assert.True(LooksLikeText("no limit"));
        Assert.True(LooksLikeText("已复制"));
        Assert.True(LooksLikeText(" rows of "));
        Assert.False(LooksLikeText("keys-table"));
        Assert.False(LooksLikeText("application/json"));
        Assert.False(LooksLikeText("text/csv, text/plain, */*"));
        Assert.False(LooksLikeText("usd_per_day"));
        Assert.False(LooksLikeText("2-digit"));
        Assert.Single(LiteralPattern().Matches("h('button', null, 'Save')"), m => LooksLikeText(m.Groups["body"].Value));
        Assert.DoesNotContain(LiteralPattern().Matches("h('button', null, t('action.save'))"), m => LooksLikeText(m.Groups["body"].Value));
    }

    private static bool LooksLikeText(string text) =>
        CapitalisedWord().IsMatch(text) || TwoWords().IsMatch(text) || text.Any(c => c is >= '\u3000' and <= '\u9fff' or >= '\uff00' and <= '\uffef');

    private static IEnumerable<string> Scripts(UiAssets assets) =>
        assets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private static Dictionary<string, string> Catalogue(UiAssets assets, string language)
    {
        var asset = assets.Find($"js/i18n/{language}.js");
        Assert.True(asset is not null, $"js/i18n/{language}.js is not embedded");
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match entry in EntryPattern().Matches(Encoding.UTF8.GetString(asset.Content)))
        {
            var key = entry.Groups["key"].Value;
            Assert.True(entries.TryAdd(key, Regex.Unescape(entry.Groups["text"].Value)), $"{language}.js has '{key}' twice");
        }
        return entries;
    }

    private static HashSet<string> Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static string WithoutComments(string code) =>
        LineComment().Replace(BlockComment().Replace(code, " "), "");

    [GeneratedRegex("""^\s*'(?<key>[a-zA-Z0-9_.]+)':\s*"(?<text>(?:[^"\\]|\\.)*)",\s*$""", RegexOptions.Multiline)]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\b(?<fn>tn?)\(\s*'(?<key>[a-zA-Z0-9_.]+)'")]
    private static partial Regex KeyCallPattern();

    [GeneratedRegex(@"\btn?\(\s*`(?<prefix>[a-zA-Z0-9_.]+)\$\{")]
    private static partial Regex KeyPrefixPattern();

    [GeneratedRegex("""'(?<body>(?:[^'\\\n]|\\.)*)'|"(?<body>(?:[^"\\\n]|\\.)*)"|`(?<body>(?:[^`\\]|\\.)*)`""")]
    private static partial Regex LiteralPattern();

    [GeneratedRegex(@"\$\{[^}]*\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"class:\s*\[?\s*$")]
    private static partial Regex ClassAttributePattern();

    [GeneratedRegex(@"(?<![\w-])[A-Z][a-z]+\b")]
    private static partial Regex CapitalisedWord();

    [GeneratedRegex(@"(?<![\w./-])[A-Za-z]{2,} [A-Za-z]{2,}(?![\w/-])")]
    private static partial Regex TwoWords();

    [GeneratedRegex(@"/\*[\s\S]*?\*/")]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"(?<![:'""`\\])//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();
}
