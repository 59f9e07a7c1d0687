using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Switchyard.Audit;
using Switchyard.Resilience;
using Switchyard.Routing;
using Switchyard.Security;

namespace Switchyard.Admin;

/// <summary>
/// <c>POST /admin/channels/{name}/test</c> and <c>/admin/channels/{name}/keys/{index}/test</c> (super admins, as
/// channel edits): probe keys now with the health checker's probe, answer status, latency and the upstream's error
/// text with key material masked, and keep the result where the health checker keeps its own.
/// </summary>
internal sealed partial class ChannelTests(GatewayRuntime runtime, HealthChecker checker, Redactor redactor, AuditLog audit)
{
    /// <summary>Keys of one channel probed at once: enough for a test to finish in one probe's time, not a flood.</summary>
    private const int Parallel = 8;

    public async Task<IResult> TestChannelAsync(HttpContext http, string name)
    {
        if (Find(name) is not { } channel)
        {
            return NotFound($"No channel named '{name}'.", "channel_not_found");
        }
        var results = new ChannelKeyTestView[channel.Keys.Count];
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, channel.Keys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = http.RequestAborted },
            async (i, ct) => results[i] = await TestAsync(channel, channel.Keys[i], ct));
        return await AnswerAsync(http, channel, name, results);
    }

    public async Task<IResult> TestKeyAsync(HttpContext http, string name, string index)
    {
        if (Find(name) is not { } channel)
        {
            return NotFound($"No channel named '{name}'.", "channel_not_found");
        }
        if (!int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) || i >= channel.Keys.Count)
        {
            return NotFound($"Channel '{name}' has no key {index} (it has {channel.Keys.Count}, counted from 0).", "channel_key_not_found");
        }
        var key = channel.Keys[i];
        return await AnswerAsync(http, channel, key.Health.Id, [await TestAsync(channel, key, http.RequestAborted)]);
    }

    private Channel? Find(string name) => runtime.Catalog.Channels.FirstOrDefault(c => c.Name == name);

    private static IResult NotFound(string message, string code) => AdminErrors.Result(404, message, "name", code);

    private async Task<ChannelKeyTestView> TestAsync(Channel channel, ChannelKey key, CancellationToken cancellationToken)
    {
        var result = await checker.TestAsync(channel, key, text => Redact(text, key.Secret), cancellationToken);
        return new ChannelKeyTestView(key.Health.Id, key.Secret is null ? null : SecretCipher.Hint(key.Secret), result.Ok, result.Status,
            result.LatencyMs, result.Error, result.At);
    }

    private async Task<IResult> AnswerAsync(HttpContext http, Channel channel, string target, IReadOnlyList<ChannelKeyTestView> results)
    {
        var view = new ChannelTestView(channel.Name, results);
        // The outcome per key (no error text: the channel list shows that until the next check).
        var audited = results.Select(r => new ChannelKeyTestView(r.KeyId, r.KeyHint, r.Ok, r.Status, r.LatencyMs, null, r.At)).ToList();
        await audit.RecordAsync(http, "channel.test", "channel", target,
            JsonSerializer.Serialize(new ChannelTestView(channel.Name, audited), AdminJsonContext.Default.ChannelTestView));
        return Results.Json(view, AdminJsonContext.Default.ChannelTestView);
    }

    /// <summary>
    /// An upstream's refusal often quotes the key it refused, whole or masked ("sk-proj-****abcd", "mock-inv***key"):
    /// the key itself, anything shaped like a credential, any word with a run of asterisks and any word starting like
    /// the key are masked.
    /// </summary>
    private string Redact(string text, string? secret)
    {
        if (secret is { Length: >= 4 })
        {
            text = text.Replace(secret, Redactor.Mask, StringComparison.Ordinal);
        }
        text = redactor.Redact(text);
        text = MaskedEcho().Replace(text, Redactor.Mask);
        if (secret is { Length: >= 12 })
        {
            var start = secret[..6];
            text = string.Join(' ', text.Split(' ').Select(word => word.Contains(start, StringComparison.Ordinal) ? Redactor.Mask : word));
        }
        return text;
    }

    [GeneratedRegex(@"\S*\*{3,}\S*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MaskedEcho();
}

/// <summary>One key's test: what the health checker saved for it.</summary>
internal sealed record ChannelKeyTestView(string KeyId, string? KeyHint, bool Ok, int? Status, long LatencyMs, string? Error, DateTimeOffset At);

internal sealed record ChannelTestView(string Channel, IReadOnlyList<ChannelKeyTestView> Results);
