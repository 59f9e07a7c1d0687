using Switchyard.Billing;
using Switchyard.Configuration;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// The gateway set up as a user would for coding agents: one channel of each family (OpenAI chat, OpenAI with the
/// Responses API, Anthropic, Gemini) on the mock, each open to one group with its own key, every channel's
/// <c>base_url</c> the bare host; and three house models whose alias patterns catch whatever names the clients ask
/// for (Claude Code's <c>claude-opus-…</c> and <c>claude-haiku-…</c>, Gemini CLI's auto-mode <c>gemini-…-pro</c>,
/// <c>…-flash</c> and its <c>…-flash-lite</c> classifier, Codex's configured <c>gpt-…</c>).
/// </summary>
public sealed class AgentGateway : IAsyncLifetime
{
    public const string Large = "house-large";
    public const string Small = "house-small";
    public const string Lite = "house-lite";

    private static readonly string[] FamilyNames = ["chat", "responses", "anthropic", "gemini"];

    /// <summary>OpenAI chat only, OpenAI with the Responses API, Anthropic, Gemini: one channel (and group and key) each.</summary>
    public static TheoryData<string> Families
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var family in FamilyNames)
            {
                data.Add(family);
            }
            return data;
        }
    }

    private GatewayHarness _gateway = null!;

    internal GatewayHarness Harness => _gateway;
    public Uri BaseAddress => _gateway.BaseAddress;

    public static string Channel(string family) => "agent-" + family;

    public static string KeyFor(string family) => ("sk-sy-agent-" + family + "-key-").PadRight(40, '0');

    /// <summary>The upstream name a house model has on a family's channel (the Gemini channel maps them to Gemini 3 names, whose thought signatures the mock checks).</summary>
    public static string Served(string family, string house) => family != "gemini" ? house : house switch
    {
        Large => "gemini-3-pro-preview",
        Small => "gemini-3-flash-preview",
        _ => "gemini-3-flash-lite-preview",
    };

    public async Task InitializeAsync() => _gateway = await GatewayHarness.StartAsync(customize: config =>
    {
        var root = new Uri(config.Channels[0].BaseUrl).GetLeftPart(UriPartial.Authority);
        ChannelConfig Channel(string family, string type) => new()
        {
            Name = AgentGateway.Channel(family),
            Type = type,
            BaseUrl = root,
            Keys = ["agent-upstream-key"],
            Models = [Large, Small, Lite],
            Groups = [AgentGateway.Channel(family)],
        };
        return config with
        {
            Channels =
            [
                Channel("chat", "openai"),
                Channel("responses", "openai") with { Responses = true },
                Channel("anthropic", "anthropic"),
                Channel("gemini", "gemini") with
                {
                    Models = [],
                    ModelMap = new Dictionary<string, string> { [Large] = Served("gemini", Large), [Small] = Served("gemini", Small), [Lite] = Served("gemini", Lite) },
                },
            ],
            Models =
            [
                new ModelConfig { Name = Large, Aliases = ["claude-opus-*", "claude-sonnet-*", "gpt-*", "gemini-*-pro*"] },
                new ModelConfig { Name = Small, Aliases = ["claude-haiku-*", "gemini-*-flash*"] },
                new ModelConfig { Name = Lite, Aliases = ["gemini-*-flash-lite*"] },
            ],
            Groups = [.. config.Groups, .. FamilyNames.Select(f => new GroupConfig { Name = AgentGateway.Channel(f) })],
            Keys = [.. config.Keys, .. FamilyNames.Select(f => new KeyConfig { Name = AgentGateway.Channel(f), Secret = KeyFor(f), Group = AgentGateway.Channel(f) })],
        };
    });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>The ledger records of one family's channel, once everything so far is written.</summary>
    internal async Task<List<UsageRecord>> RecordsAsync(string family) =>
        [.. (await _gateway.LedgerAsync()).Where(r => r.Group == Channel(family))];
}
