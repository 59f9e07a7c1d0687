using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Switchyard.Configuration;
using Switchyard.Quotas;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// <c>switchyard_budget_usd{group,period}</c> (the configured dollar limit) and <c>switchyard_budget_spent_usd{group,period}</c>
/// (the spend in the current day, month or in total, as last read off the request path) for every group with a
/// dollar budget: one series per configured group and period, so the labels stay bounded. Prometheus works out the
/// burn rate from these (deploy/prometheus/alerts.yml).
/// </summary>
public sealed class BudgetGauges
{
    private readonly Routing.GatewayRuntime _runtime;
    private readonly ConcurrentDictionary<(string Group, string Period), double> _spent = new();

    public BudgetGauges(Metrics.GatewayMetrics metrics, Routing.GatewayRuntime runtime)
    {
        _runtime = runtime;
        metrics.Meter.CreateObservableGauge("switchyard.budget.usd", Limits, null, "Dollar budget of each group by period (day, month, total).");
        metrics.Meter.CreateObservableGauge("switchyard.budget.spent.usd", Spent, null,
            "Spend of each group with a dollar budget in the current period (day, month, total), reservations in flight included.");
    }

    /// <summary>The quota scope of every configured group with a dollar limit.</summary>
    public static IEnumerable<QuotaScope> GroupScopes(GatewayConfig config)
    {
        foreach (var group in config.Groups)
        {
            if (group.Limits is { } limits && (limits.UsdPerDay is not null || limits.UsdPerMonth is not null || limits.UsdTotal is not null))
            {
                var zone = TimeZoneInfo.TryFindSystemTimeZoneById(group.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
                yield return new QuotaScope($"group:{group.Name}", $"group {group.Name}", limits, zone);
            }
        }
    }

    public void Observe(QuotaScope scope, QuotaUsage usage)
    {
        // Only a group's own scope: keys and users are unbounded in number, per-model scopes are not the group's budget.
        if (!scope.Id.StartsWith("group:", StringComparison.Ordinal) || scope.Id.IndexOf(':', 6) >= 0)
        {
            return;
        }
        var group = scope.Id[6..];
        _spent[(group, "day")] = (double)usage.UsdToday;
        _spent[(group, "month")] = (double)usage.UsdThisMonth;
        _spent[(group, "total")] = (double)usage.UsdTotal;
    }

    private IEnumerable<Measurement<double>> Limits()
    {
        foreach (var group in _runtime.Config.Groups)
        {
            if (group.Limits is not { } limits)
            {
                continue;
            }
            foreach (var (period, value) in Periods(limits))
            {
                yield return new Measurement<double>((double)value, Tag("group", group.Name), Tag("period", period));
            }
        }
    }

    private IEnumerable<Measurement<double>> Spent()
    {
        foreach (var group in _runtime.Config.Groups)
        {
            if (group.Limits is not { } limits)
            {
                continue;
            }
            foreach (var (period, _) in Periods(limits))
            {
                if (_spent.TryGetValue((group.Name, period), out var spent))
                {
                    yield return new Measurement<double>(spent, Tag("group", group.Name), Tag("period", period));
                }
            }
        }
    }

    private static IEnumerable<(string Period, decimal Value)> Periods(LimitsConfig limits)
    {
        if (limits.UsdPerDay is { } day)
        {
            yield return ("day", day);
        }
        if (limits.UsdPerMonth is { } month)
        {
            yield return ("month", month);
        }
        if (limits.UsdTotal is { } total)
        {
            yield return ("total", total);
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
