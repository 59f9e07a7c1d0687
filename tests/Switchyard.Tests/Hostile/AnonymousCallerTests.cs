using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// A caller with no credentials at all, only the login form: it may not fill the audit table, lock anyone out from
/// elsewhere, tell existing or locked names from unknown ones, or get more password checks by racing.
/// Each attacker and victim connects from its own loopback address (127.0.0.0/8 all reach the gateway on Linux).
/// </summary>
public sealed class AnonymousCallerTests
{
    private static HttpClient From(GatewayHarness gateway, string address) =>
        new(new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private sealed record Answer(HttpStatusCode Status, string Body, bool RetryAfter);

    private static async Task<Answer> LoginAsync(HttpClient client, string name, string password)
    {
        using var response = await client.PostAsync("/admin/session", new StringContent(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = name, ["password"] = password }), System.Text.Encoding.UTF8, "application/json"));
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Contains("retry-after"));
    }

    private static async Task<(long Rows, long Bytes)> AuditSizeAsync(GatewayHarness gateway)
    {
        await using var connection = await gateway.Host.Services.GetRequiredService<SqlDialect>().OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT COUNT(*), COALESCE(SUM(LENGTH(actor) + COALESCE(LENGTH(actor_role), 0) + COALESCE(LENGTH(address), 0) + LENGTH(action)
                + LENGTH(target_type) + COALESCE(LENGTH(target), 0) + LENGTH(outcome) + COALESCE(LENGTH(changes), 0) + LENGTH(prev_hash) + LENGTH(hash)), 0)
            FROM audit_log
            """);
    }

    private static async Task<List<JsonElement>> LoginAuditAsync(GatewayHarness gateway, string? target = null)
    {
        var path = "/admin/audit?action=login&limit=1000" + (target is null ? "" : "&target=" + Uri.EscapeDataString(target));
        var audit = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, path);
        return audit.GetProperty("data").EnumerateArray().ToList();
    }

    [Fact]
    public async Task Login_TwoHundredFailuresWithHugeNames_AuditTableGrowsByABoundedAmount()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var attacker = From(gateway, "127.0.0.2");
        var before = await AuditSizeAsync(gateway);

        for (var batch = 0; batch < 200; batch += 10)
        {
            var answers = await Task.WhenAll(Enumerable.Range(batch, 10)
                .Select(i => LoginAsync(attacker, new string((char)('a' + i % 26), 60_000) + i, "not the password")));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        }

        var after = await AuditSizeAsync(gateway);
        Assert.InRange(after.Rows - before.Rows, 1, 5);
        Assert.InRange(after.Bytes - before.Bytes, 1, 16 * 1024);
    }

    [Fact]
    public async Task Login_ExistingLockedUnknownAndThrottledNames_GetTheSameAnswer()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var first = From(gateway, "127.0.0.3");
        using var second = From(gateway, "127.0.0.4");

        // The same seven tries against the super admin's name and against a name nobody has: the answers match one
        // for one, including the one after the lock (a Retry-After tells only what this address did itself).
        var existing = new List<Answer>();
        var unknown = new List<Answer>();
        for (var i = 0; i < 7; i++)
        {
            existing.Add(await LoginAsync(first, "boss", "wrong password " + i));
            unknown.Add(await LoginAsync(second, "nobody-by-this-name", "wrong password " + i));
        }
        Assert.Equal(existing, unknown);
        Assert.All(existing, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        Assert.Equal(existing[0] with { RetryAfter = true }, existing[^1]);
        // The right password from the locked address gets the locked answer, not a session.
        Assert.Equal(existing[^1], await LoginAsync(first, "boss", TenancyFixture.Password));

        // An address that tries many names is throttled across names, with the same answer again.
        using var sprayer = From(gateway, "127.0.0.5");
        var sprayed = new List<Answer>();
        for (var i = 0; i < 30; i++)
        {
            sprayed.Add(await LoginAsync(sprayer, "spray-" + i, "wrong password"));
        }
        Assert.Equal(existing[0], sprayed[0]);
        Assert.Equal(existing[^1], sprayed[^1]);
        Assert.Equal(existing[^1], await LoginAsync(sprayer, "lead", TenancyFixture.Password));
    }

    [Fact]
    public async Task Login_FortyParallelWrongPasswordsForOneName_AtMostFivePasswordChecks()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var attacker = From(gateway, "127.0.0.6");

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => LoginAsync(attacker, "lead", "wrong password " + i)));

        // Every password check that fails leaves one "failure" entry, so the entries count the checks.
        var checks = (await LoginAuditAsync(gateway, "lead")).Count(e => e.GetProperty("outcome").GetString() == "failure");
        Assert.InRange(checks, 1, 5);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
    }

    [Fact]
    public async Task Login_AttackerHammersSuperAdminFromOneAddress_SuperAdminStillLogsInFromAnother()
    {
        await using var gateway = await GatewayHarness.StartAsync(customize: TenancyFixture.Company);
        using var attacker = From(gateway, "127.0.0.7");
        using var admin = From(gateway, "127.0.0.8");

        for (var i = 0; i < 30; i++)
        {
            await LoginAsync(attacker, "boss", "guess " + i);
        }

        var login = await LoginAsync(admin, "boss", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal("boss", JsonDocument.Parse(login.Body).RootElement.GetProperty("user").GetString());
        var fromAttacker = await LoginAsync(attacker, "boss", TenancyFixture.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, fromAttacker.Status);
        Assert.True(fromAttacker.RetryAfter);
        var user = await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Get, "/admin/users/boss");
        Assert.Equal(JsonValueKind.Null, user.GetProperty("locked_until").ValueKind);
    }
}
