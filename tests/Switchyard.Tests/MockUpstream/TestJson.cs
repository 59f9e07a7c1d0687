using System.Text.Json.Serialization;

namespace Switchyard.Tests.MockUpstream;

[JsonSerializable(typeof(string))]
internal sealed partial class TestJson : JsonSerializerContext;
