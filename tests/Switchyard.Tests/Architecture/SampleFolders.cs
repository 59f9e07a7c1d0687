// A miniature of the gateway's folders, for proving that the layering check refuses a wrong reference: the
// Storage sample reaches into the Relay sample, which the layer table forbids.
namespace Switchyard.Tests.Architecture.Sample.Contracts
{
    internal sealed record SampleUsage(long Tokens);
}

namespace Switchyard.Tests.Architecture.Sample.Relay
{
    internal sealed class SampleRelayContext
    {
        public long Tokens { get; set; }
    }
}

namespace Switchyard.Tests.Architecture.Sample.Storage
{
    using Switchyard.Tests.Architecture.Sample.Contracts;

    internal sealed class SampleLedgerStore
    {
        private readonly List<SampleUsage> _rows = [];

        public int Count => _rows.Count;

        public void Save(long tokens)
        {
            // The deliberate wrong arrow: Storage taking the relay's per-request state instead of a plain record.
            var context = new Relay.SampleRelayContext { Tokens = tokens };
            _rows.Add(new SampleUsage(context.Tokens));
        }
    }
}
