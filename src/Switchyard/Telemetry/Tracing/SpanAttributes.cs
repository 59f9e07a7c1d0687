using System.Diagnostics;
using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// The name and attributes of a gateway span, read from the request's own typed state at the moment the span ends and
/// written straight into its OTLP encoding. As activity tags they would cost every request some thirty list nodes and
/// boxed numbers, allocated only to be read once by the exporter. The handoff is thread-local: an activity's
/// <c>ActivityStopped</c> callbacks run inside its <see cref="Activity.Stop"/>, on the thread that ends it, so
/// <see cref="End"/> publishes the attributes for exactly that call and <see cref="Of"/> finds them there.
/// </summary>
internal abstract class SpanAttributes
{
    [ThreadStatic]
    private static SpanAttributes? t_ending;

    private Activity? _activity;

    /// <summary>The attributes of <paramref name="activity"/> if it is ending now on this thread with some.</summary>
    public static SpanAttributes? Of(Activity activity) => t_ending is { } ending && ReferenceEquals(ending._activity, activity) ? ending : null;

    /// <summary>The span's name, field <paramref name="field"/> of <c>Span</c>.</summary>
    public abstract void WriteName(ProtobufWriter writer, int field);

    /// <summary>Each attribute as a <c>KeyValue</c> in <c>Span.attributes</c> (<see cref="OtlpSpanEncoder.AttributesField"/>).</summary>
    public abstract void WriteAttributes(ProtobufWriter writer);

    /// <summary>Stops <paramref name="activity"/> with these attributes published to its listeners.</summary>
    protected void End(Activity activity)
    {
        _activity = activity;
        t_ending = this;
        try
        {
            activity.Dispose();
        }
        finally
        {
            t_ending = null;
            _activity = null;
            Clear();
        }
    }

    /// <summary>Drops the references to the request's state: instances are reused by their thread.</summary>
    protected abstract void Clear();
}
