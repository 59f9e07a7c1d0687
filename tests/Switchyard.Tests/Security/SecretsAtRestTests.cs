using System.Net;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Configuration;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Security;

/// <summary>After a run that stores every kind of secret, no database byte or text column holds one in clear.</summary>
public sealed class SecretsAtRestTests
{
    private const string UpstreamSecret = "sk-upstream-at-rest-0123456789abcdefXYZ";
    private const string HeaderSecret = "header-secret-value-0123456789";
    private const string NewPassword = "a brand new login password";

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task NoClientKeyUpstreamKeyOrPassword_InTheDatabase(DatabaseKind kind)
    {
        await using var gateway = await GatewayHarness.StartAsync(kind, TenancyFixture.Company);
        var http = gateway.Http;
        var mockUrl = new Uri(gateway.Mock.BaseAddress, "v1").ToString();

        var channel = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/channels",
            $$$"""{"name":"vault","type":"openai","base_url":"{{{mockUrl}}}","keys":["{{{UpstreamSecret}}}"],"model_map":{"vault-model":"gpt-4o"},"headers":{"x-extra":"{{{HeaderSecret}}}"}}""",
            expect: 201);
        Assert.Equal("sk-…" + UpstreamSecret[^4..], channel.GetProperty("keys")[0].GetProperty("key_hint").GetString());
        var created = await TenancyFixture.SendAsync(http, HttpMethod.Post, "/admin/keys", """{"name":"fresh","group":"team","user":"wang"}""", expect: 201);
        var clientSecret = created.GetProperty("key").GetString()!;
        await TenancyFixture.SendAsync(http, HttpMethod.Patch, "/admin/users/wang", $$"""{"password":"{{NewPassword}}"}""");
        using (var login = await http.PostAsync("/admin/session", new StringContent($$"""{"name":"wang","password":"{{NewPassword}}"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        // The stored channel serves, with its key and header opened in memory only.
        using (var chat = await http.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"vault-model","messages":[{"role":"user","content":"hi"}]}""", clientSecret)))
        {
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }
        var upstream = gateway.Mock.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("Bearer " + UpstreamSecret, upstream.Headers["Authorization"]);
        Assert.Equal(HeaderSecret, upstream.Headers["x-extra"]);
        await gateway.LedgerAsync(expectAtLeast: 1);

        // No admin answer shows them either.
        var channels = await TenancyFixture.SendAsync(http, HttpMethod.Get, "/admin/channels");
        Assert.DoesNotContain(UpstreamSecret, channels.GetRawText());
        Assert.DoesNotContain(HeaderSecret, channels.GetRawText());

        string[] secrets = [UpstreamSecret, HeaderSecret, clientSecret, GatewayHarness.ClientKey, TenancyFixture.BossKey, NewPassword, TenancyFixture.Password];
        var dialect = gateway.Host.Services.GetRequiredService<SqlDialect>();
        var text = await AllTextAsync(dialect, kind);
        Assert.Contains("vault", text); // the dump did read the tables
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, text);
        }
        // Key hashes are keyed: the plain SHA-256 of a key, which anyone could compute from a guess, is not stored.
        Assert.DoesNotContain(Switchyard.Tenancy.VirtualKeySecret.HashHex(clientSecret), text);
        Assert.DoesNotContain(Switchyard.Tenancy.VirtualKeySecret.HashHex(GatewayHarness.ClientKey), text);
        Assert.Contains(Switchyard.Tenancy.KeyHasher.KeyedPrefix, text);
        if (kind == DatabaseKind.Sqlite)
        {
            string file;
            await using (var connection = await dialect.OpenAsync(CancellationToken.None))
            {
                file = ((SqliteConnection)connection).DataSource;
            }
            foreach (var path in Directory.GetFiles(Path.GetDirectoryName(file)!))
            {
                var bytes = await File.ReadAllBytesAsync(path);
                foreach (var secret in secrets)
                {
                    Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(path)} holds a secret in clear");
                }
            }
        }
    }

    /// <summary>Every value of every table, as text.</summary>
    private static async Task<string> AllTextAsync(SqlDialect dialect, DatabaseKind kind)
    {
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        var tables = kind == DatabaseKind.Sqlite
            ? await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")
            : await connection.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
        var all = new StringBuilder();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    all.Append(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] b ? Encoding.UTF8.GetString(b) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('\u0001');
                }
            }
        }
        return all.ToString();
    }
}
