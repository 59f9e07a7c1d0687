using System.Text;
using System.Text.Json;

namespace Switchyard.Audit;

/// <summary>What an audit entry says changed, from the JSON views before and after (views hold no secrets).</summary>
public static class AuditDiff
{
    /// <summary><c>{"field":{"from":…,"to":…}}</c> for each top-level field that differs; null when nothing did.</summary>
    public static string? Of(string beforeJson, string afterJson, params string[] ignore)
    {
        using var before = JsonDocument.Parse(beforeJson);
        using var after = JsonDocument.Parse(afterJson);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        var changed = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var names = before.RootElement.EnumerateObject().Select(p => p.Name)
                .Concat(after.RootElement.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal);
            foreach (var name in names)
            {
                if (ignore.Contains(name, StringComparer.Ordinal))
                {
                    continue;
                }
                var hadBefore = before.RootElement.TryGetProperty(name, out var from);
                var hasAfter = after.RootElement.TryGetProperty(name, out var to);
                if (hadBefore && hasAfter && JsonElement.DeepEquals(from, to))
                {
                    continue;
                }
                changed++;
                writer.WriteStartObject(name);
                writer.WritePropertyName("from");
                if (hadBefore)
                {
                    from.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
                writer.WritePropertyName("to");
                if (hasAfter)
                {
                    to.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return changed == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
