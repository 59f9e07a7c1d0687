using System.Text;
using System.Text.Json;
using Xunit.Sdk;

namespace Switchyard.Tests.TestSupport;

/// <summary>
/// Semantic JSON equality for golden files: property order and whitespace do not matter, array order and
/// every value do. Numbers compare by their decimal value, so 1.50 equals 1.5 but 1 does not equal "1".
/// </summary>
public static class JsonAssert
{
    public static void Equal(string expected, string actual)
    {
        using var expectedDocument = Parse(expected, "expected");
        using var actualDocument = Parse(actual, "actual");
        Equal(expectedDocument.RootElement, actualDocument.RootElement);
    }

    public static void Equal(JsonElement expected, JsonElement actual)
    {
        if (FirstDifference(expected, actual, "$") is { } difference)
        {
            throw new XunitException($"JSON differs at {difference}{Environment.NewLine}Expected: {expected.GetRawText()}{Environment.NewLine}Actual:   {actual.GetRawText()}");
        }
    }

    /// <summary>The path and values of the first difference, or null when the two are equal.</summary>
    public static string? FirstDifference(JsonElement expected, JsonElement actual, string path)
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: expected {expected.ValueKind} {Short(expected)}, got {actual.ValueKind} {Short(actual)}";
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).ToList();
                if (expectedNames.Count != expectedNames.Distinct(StringComparer.Ordinal).Count()
                    || actualNames.Count != actualNames.Distinct(StringComparer.Ordinal).Count())
                {
                    return $"{path}: duplicate property names";
                }
                foreach (var missing in expectedNames.Except(actualNames, StringComparer.Ordinal))
                {
                    return $"{path}.{missing}: missing";
                }
                foreach (var extra in actualNames.Except(expectedNames, StringComparer.Ordinal))
                {
                    return $"{path}.{extra}: unexpected {Short(actual.GetProperty(extra))}";
                }
                foreach (var property in expected.EnumerateObject())
                {
                    if (FirstDifference(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.Array:
                if (expected.GetArrayLength() != actual.GetArrayLength())
                {
                    return $"{path}: expected {expected.GetArrayLength()} items, got {actual.GetArrayLength()}";
                }
                var index = 0;
                foreach (var (left, right) in expected.EnumerateArray().Zip(actual.EnumerateArray()))
                {
                    if (FirstDifference(left, right, $"{path}[{index++}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case JsonValueKind.String:
                return expected.GetString() == actual.GetString() ? null : $"{path}: expected {Short(expected)}, got {Short(actual)}";
            case JsonValueKind.Number:
                var same = expected.TryGetDecimal(out var expectedNumber) && actual.TryGetDecimal(out var actualNumber)
                    ? expectedNumber == actualNumber
                    : expected.GetRawText() == actual.GetRawText();
                return same ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
            default:
                return null;
        }
    }

    private static JsonDocument Parse(string json, string which)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new XunitException($"The {which} text is not JSON ({e.Message}): {json}");
        }
    }

    private static string Short(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 120 ? text : new StringBuilder(text, 0, 117, 120).Append("...").ToString();
    }
}
