using Switchyard.Tenancy;

namespace Switchyard.Tests.Tenancy;

public sealed class IdsTests
{
    [Fact]
    public void NewRequestId_IsAVersion7Uuid_InTheKeyIdsForm_UniqueAndTimeOrdered()
    {
        var ids = Enumerable.Range(0, 100_000).Select(_ => Ids.NewRequestId()).ToList();

        Assert.All(ids.Take(1000), id => Assert.Matches("^req_[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.True(Guid.TryParseExact(ids[0][4..], "N", out var guid));
        Assert.Equal(7, guid.Version);
        // The first 48 bits are the creation time in milliseconds, so ids sort by it.
        var ms = Convert.ToInt64(ids[0][4..16], 16);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms, 0, 60_000);
        Thread.Sleep(5);
        Assert.True(string.CompareOrdinal(ids[^1], Ids.NewRequestId()) < 0);
    }
}
