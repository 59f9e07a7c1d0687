using Switchyard.Configuration;
using Switchyard.Quotas;

namespace Switchyard.Admin;

/// <summary>Each limit of a group or user beside what its current window has used (the same counters admission uses).</summary>
public sealed class ScopeQuotas(IQuotaStore quotas)
{
    public Task<IReadOnlyList<QuotaView>?> ForGroupAsync(GroupConfig group, CancellationToken cancellationToken) =>
        ForAsync($"group:{group.Name}", $"group {group.Name}", group.Limits, group.TimeZone, cancellationToken);

    public Task<IReadOnlyList<QuotaView>?> ForUserAsync(UserConfig user, GroupConfig? group, CancellationToken cancellationToken) =>
        ForAsync($"user:{user.Name}", $"user {user.Name}", user.Limits, group?.TimeZone ?? "UTC", cancellationToken);

    private async Task<IReadOnlyList<QuotaView>?> ForAsync(string id, string label, LimitsConfig? limits, string timeZone, CancellationToken cancellationToken)
    {
        if (limits is null)
        {
            return [];
        }
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        try
        {
            return QuotaViews.Of(limits, await quotas.UsageAsync(new QuotaScope(id, label, limits, zone), cancellationToken));
        }
        catch (Resp.RedisException)
        {
            // The view still answers while the shared limits store is down; its usage is just unknown.
            return null;
        }
    }
}
