using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Billing;
using Switchyard.Resilience;
using Switchyard.Routing;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// State read when metrics are collected rather than on the request path: circuit state and last health probe per
/// channel key (by index, never the secret), the ledger queue and journal, quota fail-open admissions, and the
/// process itself.
/// </summary>
public sealed class RuntimeGauges
{
    private static readonly string[] States = ["closed", "half_open", "open", "disabled"];
    private readonly GatewayRuntime _runtime;
    private readonly LedgerWriter _ledger;
    private readonly LedgerJournal _journal;
    private readonly Quotas.IQuotaStore _quotas;
    private readonly double _startTime = new DateTimeOffset(Process.GetCurrentProcess().StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;

    public RuntimeGauges(GatewayMetrics metrics, GatewayRuntime runtime, LedgerWriter ledger, LedgerJournal journal, Quotas.IQuotaStore quotas)
    {
        _runtime = runtime;
        _ledger = ledger;
        _journal = journal;
        _quotas = quotas;
        var meter = metrics.Meter;
        meter.CreateObservableGauge("switchyard.circuit.state", CircuitStates, "{state}",
            "1 for the current state of each channel key's circuit (closed, half_open, open, disabled), 0 for the others.");
        meter.CreateObservableGauge("switchyard.health_check.up", HealthResults, "{result}",
            "Last health probe of each channel key: 1 healthy, 0 failed (absent until a probe ran).");
        meter.CreateObservableGauge("switchyard.ledger.queue.depth", () => _ledger.Pending, "{record}", "Usage records waiting to be written to the database.");
        meter.CreateObservableGauge("switchyard.ledger.journal.size", JournalBytes, "By", "Bytes of usage records spilled to the local journal, waiting for the database.");
        meter.CreateObservableCounter("switchyard.quota.fail_open", () => (_quotas as Quotas.RedisQuotaStore)?.Fallbacks ?? 0, "{request}",
            "Admissions decided by this instance's memory limits because Redis was unreachable (storage.redis_failure: fail_open).");
        meter.CreateObservableCounter("process.cpu.seconds", () => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, null, "User and system CPU time of the process.");
        meter.CreateObservableGauge("process.resident_memory", () => Environment.WorkingSet, "By", "Resident memory of the process.");
        meter.CreateObservableGauge("process.start_time", () => _startTime, "s", "Start time of the process since the Unix epoch.");
        meter.CreateObservableGauge("dotnet.gc.heap", () => GC.GetTotalMemory(false), "By", "Bytes allocated on the managed heap and still reachable or not yet collected.");
        meter.CreateObservableCounter("dotnet.gc.collections", GcCollections, "{collection}", "Garbage collections by generation.");
        meter.CreateObservableGauge("dotnet.thread_pool.threads", () => ThreadPool.ThreadCount, "{thread}", "Thread-pool threads.");
    }

    private IEnumerable<Measurement<int>> CircuitStates()
    {
        foreach (var channel in _runtime.Catalog.Channels)
        {
            foreach (var key in channel.Keys)
            {
                var health = key.Health;
                var current = health.DisabledReason is not null ? 3 : health.State switch
                {
                    CircuitState.Open => 2,
                    CircuitState.HalfOpen => 1,
                    _ => 0,
                };
                var index = health.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
                for (var s = 0; s < States.Length; s++)
                {
                    yield return new Measurement<int>(s == current ? 1 : 0,
                        new KeyValuePair<string, object?>("channel", channel.Name), new KeyValuePair<string, object?>("key", index),
                        new KeyValuePair<string, object?>("state", States[s]));
                }
            }
        }
    }

    private IEnumerable<Measurement<int>> HealthResults()
    {
        foreach (var channel in _runtime.Catalog.Channels)
        {
            foreach (var key in channel.Keys)
            {
                if (key.Health.LastProbe is { } probe)
                {
                    yield return new Measurement<int>(probe.Ok ? 1 : 0,
                        new KeyValuePair<string, object?>("channel", channel.Name),
                        new KeyValuePair<string, object?>("key", key.Health.KeyIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
    }

    private long JournalBytes()
    {
        long total = 0;
        foreach (var file in _journal.PendingFiles())
        {
            try
            {
                total += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // Replayed and deleted between listing and reading: no longer pending.
            }
        }
        return total;
    }

    private static IEnumerable<Measurement<long>> GcCollections()
    {
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            yield return new Measurement<long>(GC.CollectionCount(generation),
                new KeyValuePair<string, object?>("generation", "gen" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
