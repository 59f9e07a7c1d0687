using Microsoft.Extensions.Hosting;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// Every <c>alerts.check_interval</c>: a look at each channel key's health and a refresh of the group budgets; in
/// between, the budget reader works through the scopes the request path handed over.
/// </summary>
public sealed class AlertMonitor(Routing.GatewayRuntime runtime, ChannelAlerts channels, BudgetAlerts budgets, SecretFileAlerts secretFiles,
    TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(budgets.RunAsync(stoppingToken), PollAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(runtime.Config.Alerts.CheckInterval, time);
        do
        {
            channels.Check(runtime.Catalog.Channels);
            secretFiles.Check();
            budgets.Sweep();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
