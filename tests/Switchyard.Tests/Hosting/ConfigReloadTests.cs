using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.MockUpstream;
using Switchyard.Routing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hosting;

public sealed class ConfigReloadTests
{
    private static string Yaml(Uri mock, string folder, string models) => $$"""
        server: { listen: "http://127.0.0.1:0" }
        storage: { database: "sqlite:{{folder}}/db.sqlite", journal: "{{folder}}/journal" }
        channels:
          - name: mock
            type: openai
            base_url: {{new Uri(mock, "v1")}}
            keys: [k1]
            models: [{{models}}]
        groups: [{ name: team }]
        keys: [{ name: app, secret: sk-sy-reload-test-key-0000000001, group: team }]
        """;

    private static async Task<List<string>> ModelsAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-sy-reload-test-key-0000000001");
        using var response = await http.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
    }

    private static async Task<List<string>> WaitForModelsAsync(HttpClient http, int count)
    {
        for (var i = 0; ; i++)
        {
            var models = await ModelsAsync(http);
            if (models.Count == count || i == 100)
            {
                return models;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task EditedConfigFile_AppliesWithoutRestart_AndInvalidEditIsIgnored()
    {
        await using var mock = await MockUpstreamServer.StartAsync(0);
        var folder = Directory.CreateTempSubdirectory("switchyard-reload-").FullName;
        var path = Path.Combine(folder, "switchyard.yaml");
        await File.WriteAllTextAsync(path, Yaml(mock.BaseAddress, folder, "gpt-4o"));
        await using var host = await SwitchyardHost.StartAsync(ConfigLoader.LoadFile(path), l => l.ClearProviders(), configPath: path);
        using var http = new HttpClient { BaseAddress = host.Address };
        Assert.Equal(["gpt-4o"], await ModelsAsync(http));

        await File.WriteAllTextAsync(path, Yaml(mock.BaseAddress, folder, "gpt-4o, gpt-4o-mini"));
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], await WaitForModelsAsync(http, 2));

        await File.WriteAllTextAsync(path, "channels: [ this is not valid");
        await Task.Delay(800);
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], await ModelsAsync(http));
    }

    [Fact]
    public void Reload_UnchangedChannelKeys_KeepTheirHealth()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var config = new GatewayConfig
        {
            Channels = [new ChannelConfig { Name = "a", Type = "openai", BaseUrl = "http://127.0.0.1:1/v1", Keys = ["k1", "k2"], Models = ["m"] }],
        };
        var runtime = new GatewayRuntime(config, time);
        var before = runtime.Catalog.Channels[0].Keys;

        runtime.Apply(config with { Channels = [config.Channels[0] with { Keys = ["k1", "k3"], Models = ["m", "n"] }] });

        var after = runtime.Catalog.Channels[0].Keys;
        Assert.Same(before[0].Health, after[0].Health);
        Assert.NotSame(before[1].Health, after[1].Health);
        Assert.Equal(["m", "n"], runtime.Catalog.Channels[0].Config.Models);
    }
}
