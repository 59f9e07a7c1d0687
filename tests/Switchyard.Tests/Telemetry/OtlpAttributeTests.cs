using Switchyard.Telemetry.Otlp;

namespace Switchyard.Tests.Telemetry;

/// <summary>The keyed writers size each KeyValue up front; their bytes must be exactly those of the nested-message path.</summary>
public sealed class OtlpAttributeTests
{
    public static TheoryData<object> Values => new()
    {
        "gpt-4o-mini",
        "",
        "模型 — ünïcødé",
        new string('x', 200),
        new string('y', 20_000),
        0L,
        127L,
        128L,
        long.MaxValue,
        -1L,
        0.25,
        double.NaN,
        true,
        false,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void A_keyed_attribute_encodes_exactly_as_the_generic_one(object value)
    {
        foreach (var name in new[] { "gen_ai.request.model", "键", new string('k', 150) })
        {
            var expected = new ProtobufWriter();
            expected.UInt64(1, 7);
            OtlpAttribute.Write(expected, 9, name, value);

            var actual = new ProtobufWriter();
            actual.UInt64(1, 7);
            var key = new OtlpAttributeKey(name);
            switch (value)
            {
                case string text:
                    OtlpAttribute.Write(actual, 9, key, text);
                    break;
                case long integer:
                    OtlpAttribute.Write(actual, 9, key, integer);
                    break;
                case double real:
                    OtlpAttribute.Write(actual, 9, key, real);
                    break;
                case bool flag:
                    OtlpAttribute.Write(actual, 9, key, flag);
                    break;
            }

            Assert.Equal(expected.WrittenSpan.ToArray(), actual.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void An_unset_optional_attribute_writes_nothing()
    {
        var writer = new ProtobufWriter();
        OtlpAttribute.WriteIfSet(writer, 9, new OtlpAttributeKey("switchyard.group"), null);
        Assert.Equal(0, writer.Length);
    }
}
