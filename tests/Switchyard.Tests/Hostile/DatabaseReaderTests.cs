using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Switchyard.Audit;
using Switchyard.Configuration;
using Switchyard.Hosting;
using Switchyard.Storage;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Hostile;

/// <summary>
/// Someone who can read and write the database but does not have <c>security.secret_key</c>: they may edit audit
/// rows and recompute every hash the published algorithm defines, and <c>verify-audit</c> must still see it.
/// </summary>
public sealed class DatabaseReaderTests
{
    private static async Task<string> AuditedDatabaseAsync(DatabaseKind kind)
    {
        var database = await TestDatabases.CreateAsync(kind);
        await using var gateway = await GatewayHarness.StartAsync(kind, c => TenancyFixture.Company(c) with { Storage = c.Storage with { Database = database } });
        for (var i = 0; i < 4; i++)
        {
            await TenancyFixture.SendAsync(gateway.Http, HttpMethod.Post, "/admin/groups", $$"""{"name":"g{{i}}"}""", expect: 201);
        }
        return database;
    }

    private static SqlDialect Dialect(string database)
    {
        DatabaseLocation.TryParse(database, out var location, out var error);
        return SqlDialect.For(location ?? throw new InvalidOperationException(error));
    }

    /// <summary>The chain hash as the source code publishes it: SHA-256 over the row's fields as a JSON array.</summary>
    private static string PublicHash(AuditEntry e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(e.Seq);
            writer.WriteNumberValue(e.At.ToUnixTimeMilliseconds());
            foreach (var field in new[] { e.Actor, e.ActorRole, e.Address, e.Action, e.TargetType, e.Target, e.Outcome, e.Changes, e.PrevHash })
            {
                writer.WriteStringValue(field);
            }
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>Bypasses the append-only triggers, edits one row and re-chains every row from <paramref name="from"/> on.</summary>
    private static async Task ForgeAsync(string database, DatabaseKind kind, long from, long edit)
    {
        var dialect = Dialect(database);
        var rows = new List<AuditEntry>();
        await foreach (var entry in new AuditStore(dialect).ReadAllAsync(CancellationToken.None))
        {
            rows.Add(entry);
        }
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(kind == DatabaseKind.Sqlite ? "DROP TRIGGER audit_log_no_update" : "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change");
        var prev = from == 1 ? AuditEntry.Genesis : rows.Single(r => r.Seq == from - 1).Hash;
        foreach (var row in rows.Where(r => r.Seq >= from))
        {
            var forged = row with { PrevHash = prev, Actor = row.Seq == edit ? "nobody" : row.Actor };
            forged = forged with { Hash = PublicHash(forged) };
            await connection.ExecuteAsync("UPDATE audit_log SET actor = @Actor, prev_hash = @PrevHash, hash = @Hash WHERE seq = @Seq", forged);
            prev = forged.Hash;
        }
    }

    private static async Task<int> VerifyAuditAsync(string database)
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("switchyard-verify-").FullName, "switchyard.yaml");
        await File.WriteAllTextAsync(config, $"""
            storage:
              database: "{database}"
            security:
              secret_key: "{TenancyFixture.SecretKey}"
            """);
        return await MaintenanceCommands.RunAsync("verify-audit", config);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task VerifyAudit_RowEditedAndLaterHashesRecomputedWithoutTheSecret_Fails(DatabaseKind kind)
    {
        var database = await AuditedDatabaseAsync(kind);
        Assert.Equal(0, await VerifyAuditAsync(database));

        await ForgeAsync(database, kind, from: 3, edit: 3);

        Assert.Equal(1, await VerifyAuditAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Both), MemberType = typeof(TestDatabases))]
    public async Task VerifyAudit_WholeChainRecomputedWithoutTheSecret_Fails(DatabaseKind kind)
    {
        var database = await AuditedDatabaseAsync(kind);

        await ForgeAsync(database, kind, from: 1, edit: 2);

        Assert.Equal(1, await VerifyAuditAsync(database));
    }
}
