using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;

namespace Switchyard.Hosting;

/// <summary>Whether the instance is on its way out; <c>/readyz</c> answers 503 from the moment it is.</summary>
internal sealed class ShutdownState
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public void BeginDraining() => _draining = true;
}

/// <summary>
/// The stop sequence of a rolling restart. Runs first when the host stops, before any hosted service's StopAsync:
/// report not ready, keep serving for <c>server.shutdown_delay</c> so load balancers stop sending, then stop
/// Kestrel with <c>server.shutdown_grace</c> for requests and streams in flight. Only after that do the other
/// services stop, the ledger writer last among them flushing every record of the finished requests to the database
/// (or its journal), which is why the host's shutdown timeout is the sum of both plus room for that flush.
/// </summary>
internal sealed partial class GracefulShutdown(
    ShutdownState state, IServer server, IHostApplicationLifetime lifetime, ServerConfig settings, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    /// <summary>What the ledger's last flush may take after the grace period (one batch write, else the journal).</summary>
    public static readonly TimeSpan FlushAllowance = TimeSpan.FromSeconds(30);

    public static TimeSpan HostShutdownTimeout(ServerConfig settings) => settings.ShutdownDelay + settings.ShutdownGrace + FlushAllowance;

    private Task? _stopping;

    /// <summary>
    /// Runs once: the CLI stops the host after WaitForShutdownAsync and again when disposing it, and a second run would
    /// wait the delay again.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _stopping, first.Task, null) is { } running)
        {
            return running;
        }
        _ = DrainAsync(cancellationToken).ContinueWith(t => first.TrySetFromTask(t), TaskScheduler.Default);
        return first.Task;
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        // A signal (SIGTERM from an orchestrator, Ctrl-C) has already fired ApplicationStopping when the host starts
        // stopping; a stop called from code (tests, embedding) has not, and has no load balancer to wait for.
        var signalled = lifetime.ApplicationStopping.IsCancellationRequested;
        state.BeginDraining();
        if (signalled && settings.ShutdownDelay > TimeSpan.Zero)
        {
            LogDraining(logger, settings.ShutdownDelay.TotalSeconds);
            try
            {
                await Task.Delay(settings.ShutdownDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
        LogStopAccepting(logger, settings.ShutdownGrace.TotalSeconds);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(settings.ShutdownGrace);
        // Kestrel's stop is idempotent: the web host's own stop later waits on this one instead of starting another.
        await server.StopAsync(grace.Token);
        LogStopped(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: /readyz answers 503; serving for {DelaySeconds} s more so load balancers take this instance out")]
    private static partial void LogDraining(ILogger logger, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped accepting connections; requests in flight have {GraceSeconds} s to finish")]
    private static partial void LogStopAccepting(ILogger logger, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Every request has finished; flushing the ledger")]
    private static partial void LogStopped(ILogger logger);
}
