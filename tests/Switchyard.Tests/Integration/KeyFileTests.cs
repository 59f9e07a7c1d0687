using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Integration;

/// <summary>
/// Upstream keys a secrets agent writes to files (<c>keys_file</c>, <c>${file:PATH}</c>): read at start, swapped while
/// requests run, never stored, and a missing or empty file makes the gateway not ready and raises an alert.
/// </summary>
public sealed class KeyFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("switchyard-keys-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => System.IO.Path.Combine(_folder.FullName, name);

    /// <summary>Replaces the file in one rename, as Vault Agent and the kubelet do.</summary>
    private void WriteAtomically(string path, string text)
    {
        var temporary = PathOf(".tmp-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    private static GatewayConfig WithKeyFile(GatewayConfig c, string keysFile, IReadOnlyList<string>? keys = null) => c with
    {
        Channels = [.. c.Channels.Select(ch => ch.Name == "mock" ? ch with { Keys = keys ?? [], KeysFile = keysFile } : ch)],
    };

    private static Task<HttpResponseMessage> ChatAsync(GatewayHarness gateway) =>
        gateway.Http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""));

    private static string[] KeysSeen(GatewayHarness gateway) =>
        [.. gateway.Mock.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r => r.Headers["Authorization"])];

    [Fact]
    public async Task KeysFile_RewrittenDuringLoad_NoFailedRequestAndNewKeyWithinASecond()
    {
        var file = PathOf("openai.keys");
        WriteAtomically(file, "# written by the agent\nfile-key-old-1\n\nfile-key-old-2\n");
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithKeyFile(c, file));

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var sent = 0;
        async Task LoadAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await ChatAsync(gateway);
                Interlocked.Increment(ref sent);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(LoadAsync)).ToArray();
        while (Volatile.Read(ref sent) < 20)
        {
            await Task.Delay(10);
        }
        Assert.Equal(0, failures);
        Assert.Contains("Bearer file-key-old-1", KeysSeen(gateway));
        Assert.Contains("Bearer file-key-old-2", KeysSeen(gateway));

        WriteAtomically(file, "file-key-new\n");
        var rewritten = Stopwatch.StartNew();
        while (!KeysSeen(gateway).Contains("Bearer file-key-new") && rewritten.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10);
        }
        var swappedAfter = rewritten.Elapsed;
        // Requests that picked the old key just before the swap may still be in flight: wait them out, then watch.
        await Task.Delay(200);
        gateway.Mock.ClearRequests();
        await Task.Delay(300);
        stop.Cancel();
        await Task.WhenAll(load);

        Assert.True(swappedAfter < TimeSpan.FromSeconds(1), $"the new key was first used {swappedAfter.TotalMilliseconds} ms after the rewrite");
        Assert.Equal(0, failures);
        Assert.True(sent > 20, $"only {sent} requests were sent");
        var after = KeysSeen(gateway);
        Assert.NotEmpty(after);
        Assert.All(after, k => Assert.Equal("Bearer file-key-new", k));
    }

    [Fact]
    public async Task KeysFile_Emptied_NotReadyAlertedAndStillServesTheLastKeys()
    {
        var file = PathOf("openai.keys");
        WriteAtomically(file, "file-key-kept\n");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithKeyFile(c, file) with
        {
            Alerts = new AlertsConfig
            {
                Webhooks = [new WebhookConfig { Name = "ops", Url = receiver.Url("/hook"), Format = "generic", Events = ["secret_file_missing"] }],
                CheckInterval = TimeSpan.FromMilliseconds(50),
                RetryBackoff = TimeSpan.FromMilliseconds(50),
            },
        });
        using (var ready = await gateway.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        WriteAtomically(file, "\n");

        var reason = await WaitForNotReadyAsync(gateway);
        Assert.Contains(file, reason, StringComparison.Ordinal);
        Assert.Contains("empty", reason, StringComparison.Ordinal);
        var alert = JsonDocument.Parse(Assert.Single(await receiver.WaitForAsync("/hook", 1)).Body).RootElement;
        Assert.Equal("secret_file_missing", alert.GetProperty("event").GetString());
        Assert.Equal(file, alert.GetProperty("details").GetProperty("file").GetString());
        // Never a request without a key: the last keys read stay in use until the file is good again.
        using (var response = await ChatAsync(gateway))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.All(KeysSeen(gateway), k => Assert.Equal("Bearer file-key-kept", k));

        WriteAtomically(file, "file-key-back\n");
        await WaitForAsync(async () =>
        {
            using var ready = await gateway.Http.GetAsync("/readyz");
            return ready.StatusCode == HttpStatusCode.OK;
        });
    }

    [Fact]
    public async Task KeysFile_MissingAtStart_NotReadyAndTheChannelIsSkipped()
    {
        var file = PathOf("not-yet-written.keys");
        await using var gateway = await GatewayHarness.StartAsync(customize: c => WithKeyFile(c, file));

        var reason = await WaitForNotReadyAsync(gateway);
        Assert.Contains("missing", reason, StringComparison.Ordinal);
        using (var response = await ChatAsync(gateway))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        Assert.Empty(KeysSeen(gateway));

        WriteAtomically(file, "file-key-late\n");
        await WaitForAsync(async () =>
        {
            using var response = await ChatAsync(gateway);
            return response.StatusCode == HttpStatusCode.OK;
        });
        Assert.Equal("Bearer file-key-late", KeysSeen(gateway)[^1]);
    }

    [Fact]
    public async Task FileReference_InKeysAndHeaders_ResolvedAndKeptOutOfTheDatabaseAndAdminApi()
    {
        var keyFile = PathOf("key");
        var headerFile = PathOf("org");
        WriteAtomically(keyFile, "file-key-referenced\n");
        WriteAtomically(headerFile, "org-from-file");
        var database = Path.Combine(_folder.FullName, "gateway.db");
        await using var gateway = await GatewayHarness.StartAsync(customize: c => c with
        {
            Storage = c.Storage with { Database = "sqlite:" + database },
            Channels = [.. c.Channels.Select(ch => ch.Name == "mock"
                ? ch with { Keys = ["${file:" + keyFile + "}"], Headers = new Dictionary<string, string> { ["OpenAI-Organization"] = "${file:" + headerFile + "}" } }
                : ch)],
        });

        using (var response = await ChatAsync(gateway))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var seen = gateway.Mock.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Equal("Bearer file-key-referenced", seen.Headers["Authorization"]);
        Assert.Equal("org-from-file", seen.Headers["OpenAI-Organization"]);

        var channels = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/channels");
        Assert.DoesNotContain("file-key-referenced", channels.GetRawText(), StringComparison.Ordinal);
        await gateway.LedgerAsync(1);
        foreach (var path in Directory.GetFiles(_folder.FullName, "gateway.db*"))
        {
            var bytes = await ReadSharedAsync(path);
            Assert.DoesNotContain("file-key-referenced", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_FileReferenceInAnySecretField_ReadsTheFile()
    {
        var masterFile = PathOf("master");
        WriteAtomically(masterFile, "sk-master-from-file\n");

        var config = ConfigLoader.Parse($"""
            security:
              master_key: ${"{"}file:{masterFile}{"}"}
            channels:
              - name: up
                type: openai
                base_url: https://api.openai.com/v1
                keys_file: {PathOf("up.keys")}
                keys: ["${"{"}file:{PathOf("one")}{"}"}"]
                models: [gpt-4o]
            """);

        Assert.Equal("sk-master-from-file", config.Security.MasterKey);
        Assert.Equal(PathOf("up.keys"), config.Channels[0].KeysFile);
        // Channel keys are read (and re-read) by the running gateway, not at parse time.
        Assert.Equal(["${file:" + PathOf("one") + "}"], config.Channels[0].Keys);
    }

    [Fact]
    public void Parse_FileReferenceToMissingFileOutsideChannels_IsAProblem()
    {
        var missing = PathOf("absent");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($"security:\n  master_key: ${{file:{missing}}}\n"));

        Assert.Contains(error.Problems, p => p.StartsWith("security.master_key:", StringComparison.Ordinal) && p.Contains(missing, StringComparison.Ordinal));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<string> WaitForNotReadyAsync(GatewayHarness gateway)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            using var ready = await gateway.Http.GetAsync("/readyz");
            if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString()!;
            }
            Assert.True(DateTime.UtcNow < deadline, "the gateway stayed ready");
            await Task.Delay(25);
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 5 s");
            await Task.Delay(25);
        }
    }
}
