using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Switchyard.Wire;

/// <summary>Opens the JSON of one stream frame: a malformed frame is skipped by its parser, never thrown out of it.</summary>
public static class JsonFrame
{
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(data.ToArray());
            return true;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }
}
