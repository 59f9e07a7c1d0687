using System.Globalization;
using Switchyard.Configuration;
using Switchyard.Quotas;

namespace Switchyard.Admin;

/// <summary>Each configured limit beside what its current window has used.</summary>
internal static class QuotaViews
{
    public static IReadOnlyList<QuotaView> Of(LimitsConfig limits, QuotaUsage usage)
    {
        var views = new List<QuotaView>();
        void Add(string name, string window, decimal? value, decimal used)
        {
            if (value is { } limit)
            {
                views.Add(new QuotaView(name, window, Text(limit), Text(used), Text(Math.Max(0, limit - used))));
            }
        }
        Add("rpm", "per minute", limits.Rpm, usage.RequestsLastMinute);
        Add("tpm", "per minute", limits.Tpm, usage.TokensLastMinute);
        Add("tokens_per_day", "per day", limits.TokensPerDay, usage.TokensToday);
        Add("tokens_per_month", "per month", limits.TokensPerMonth, usage.TokensThisMonth);
        Add("usd_per_day", "per day", limits.UsdPerDay, usage.UsdToday);
        Add("usd_per_month", "per month", limits.UsdPerMonth, usage.UsdThisMonth);
        Add("usd_total", "in total", limits.UsdTotal, usage.UsdTotal);
        Add("max_parallel", "requests at once", limits.MaxParallel, usage.InFlight);
        return views;
    }

    private static string Text(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
