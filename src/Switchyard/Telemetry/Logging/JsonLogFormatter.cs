using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Switchyard.Security;

namespace Switchyard.Telemetry.Logging;

/// <summary>
/// One JSON object per line: time, level, category, event id, the rendered message, each structured field of the
/// message template and the exception. Every string (message, field values, exception text) passes through the
/// <see cref="Redactor"/> first, whatever code logged it.
/// </summary>
public sealed class JsonLogFormatter(Redactor redactor, TimeProvider time) : ConsoleFormatter(Name)
{
    public new const string Name = "switchyard-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }
        textWriter.Write(Format(logEntry.LogLevel, logEntry.Category, logEntry.EventId, message, logEntry.State as IReadOnlyList<KeyValuePair<string, object?>>, logEntry.Exception));
    }

    public string Format(LogLevel level, string category, EventId eventId, string? message, IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("category", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("event_id", eventId.Id);
            }
            if (message is not null)
            {
                json.WriteString("message", redactor.Redact(message));
            }
            if (fields is not null)
            {
                foreach (var (key, value) in fields)
                {
                    if (key == "{OriginalFormat}" || key.Length == 0)
                    {
                        continue;
                    }
                    WriteField(json, FieldName(key), value);
                }
            }
            if (exception is not null)
            {
                json.WriteString("exception", redactor.Redact(exception.ToString()));
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + Environment.NewLine;
    }

    private void WriteField(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case int or long or short or byte or uint or ulong:
                json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double d:
                json.WriteNumber(name, d);
                break;
            case decimal m:
                json.WriteNumber(name, m);
                break;
            default:
                json.WriteString(name, redactor.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                break;
        }
    }

    /// <summary>Template names in PascalCase become snake_case fields (<c>RequestId</c> → <c>request_id</c>).</summary>
    public static string FieldName(string key)
    {
        var name = new StringBuilder(key.Length + 4);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsAsciiLetterUpper(c))
            {
                if (i > 0 && key[i - 1] != '_')
                {
                    name.Append('_');
                }
                name.Append(char.ToLowerInvariant(c));
            }
            else
            {
                name.Append(c);
            }
        }
        return name.ToString();
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "critical",
        _ => "none",
    };
}
