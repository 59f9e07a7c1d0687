using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Switchyard.Configuration;
using Switchyard.Quotas;
using Switchyard.Storage;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// Watches the dollar budgets the quotas enforce (<c>usd_per_day</c>, <c>usd_per_month</c>, <c>usd_total</c> of keys,
/// users and groups). The request path only hands over the scopes a settled request charged, or the scope whose
/// budget refused one (<see cref="OnSettled"/>, <see cref="OnRefused"/>: a dictionary probe and a channel write); the
/// counters are read here, off the path. <c>budget_80</c> fires when the spend reaches 80% of a limit,
/// <c>budget_100</c> when it reaches the limit or the budget refuses a request (admission refuses a request that
/// would overshoot, so the spend itself may stop short of 100%). Each fires once per budget period: the subject
/// names the period (<c>group rd usd_per_month 2026-12</c>), and a threshold already recorded in the database —
/// by another instance or before a restart — is not sent again.
/// </summary>
public sealed class BudgetAlerts(AlertDispatcher dispatcher, IQuotaStore quotas, AlertStore store, TimeProvider time, Routing.GatewayRuntime runtime,
    BudgetGauges gauges)
{
    private static readonly string[] Limits = ["usd_per_day", "usd_per_month", "usd_total"];
    private readonly Channel<(QuotaScope Scope, string? RefusedLimit)> _signals =
        Channel.CreateBounded<(QuotaScope, string?)>(new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<string, bool> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fired = new(StringComparer.Ordinal);

    /// <summary>Whether any webhook listens: without one the request path hands nothing over.</summary>
    public bool Enabled => runtime.Config.Alerts.Wants(AlertEvents.Budget80) || runtime.Config.Alerts.Wants(AlertEvents.Budget100);

    public void OnSettled(QuotaPlan plan)
    {
        if (!Enabled)
        {
            return;
        }
        foreach (var scope in plan.Scopes)
        {
            var limits = scope.Limits;
            // One pending look per scope is enough: it reads the counters as they are when it runs.
            if ((limits.UsdPerDay is not null || limits.UsdPerMonth is not null || limits.UsdTotal is not null) && _queued.TryAdd(scope.Id, true)
                && !_signals.Writer.TryWrite((scope, null)))
            {
                _queued.TryRemove(scope.Id, out _);
            }
        }
    }

    public void OnRefused(QuotaPlan plan, QuotaDenial denial)
    {
        if (!Enabled || !denial.Limit.StartsWith("usd_", StringComparison.Ordinal))
        {
            return;
        }
        foreach (var scope in plan.Scopes)
        {
            if (scope.Label == denial.Scope)
            {
                _signals.Writer.TryWrite((scope, denial.Limit));
                return;
            }
        }
    }

    /// <summary>Queues a look at every configured group's dollar budgets (the gauges' refresh, and a net for missed signals).</summary>
    public void Sweep()
    {
        foreach (var scope in BudgetGauges.GroupScopes(runtime.Config))
        {
            if (_queued.TryAdd(scope.Id, true) && !_signals.Writer.TryWrite((scope, null)))
            {
                _queued.TryRemove(scope.Id, out _);
            }
        }
    }

    /// <summary>The reader: one scope at a time.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await foreach (var (scope, refused) in _signals.Reader.ReadAllAsync(stoppingToken))
        {
            if (refused is null)
            {
                _queued.TryRemove(scope.Id, out _);
            }
            try
            {
                await CheckAsync(scope, refused, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store hiccup (Redis, the database) skips this look; the next settlement looks again.
            }
        }
    }

    /// <summary>Compares one scope's spend with each of its dollar limits.</summary>
    private async Task CheckAsync(QuotaScope scope, string? refusedLimit, CancellationToken cancellationToken)
    {
        var usage = await quotas.UsageAsync(scope, cancellationToken);
        gauges.Observe(scope, usage);
        if (!Enabled)
        {
            return;
        }
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, scope.TimeZone);
        foreach (var limit in Limits)
        {
            var (cap, spent, period) = limit switch
            {
                "usd_per_day" => (scope.Limits.UsdPerDay, usage.UsdToday, local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                "usd_per_month" => (scope.Limits.UsdPerMonth, usage.UsdThisMonth, local.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
                _ => (scope.Limits.UsdTotal, usage.UsdTotal, "total"),
            };
            if (cap is not { } budget || budget <= 0)
            {
                continue;
            }
            var exhausted = spent >= budget || refusedLimit == limit;
            if (exhausted)
            {
                await FireAsync(AlertEvents.Budget100, scope, limit, period, budget, spent, now, cancellationToken);
            }
            if (exhausted || spent >= budget * 0.8m)
            {
                await FireAsync(AlertEvents.Budget80, scope, limit, period, budget, spent, now, cancellationToken);
            }
        }
    }

    private async Task FireAsync(string @event, QuotaScope scope, string limit, string period, decimal budget, decimal spent, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var subject = $"{scope.Label} {limit} {period}";
        if (!_fired.Add(@event + " " + subject))
        {
            return;
        }
        if (await store.SeenAsync(@event, subject, cancellationToken))
        {
            return;
        }
        var percent = (int)Math.Floor(spent / budget * 100m);
        var message = @event == AlertEvents.Budget100
            ? $"The {limit} budget of {scope.Label} is used up ({Usd(spent)} of {Usd(budget)} USD): its requests are refused until the period ends."
            : $"The {limit} budget of {scope.Label} is {percent}% used ({Usd(spent)} of {Usd(budget)} USD).";
        dispatcher.Publish(new Alert(@event, subject, @event == AlertEvents.Budget100 ? "critical" : "warning", message, now,
        [
            new("scope", scope.Label), new("limit", limit), new("period", period), new("budget_usd", Usd(budget)), new("spent_usd", Usd(spent)),
            new("percent", percent.ToString(CultureInfo.InvariantCulture)),
        ]));
    }

    private static string Usd(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
