using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.Security;

namespace Switchyard.Telemetry.Logging;

/// <summary>
/// One JSON object per line: time, level, category, event id, the rendered message, each structured field of the
/// message template and the exception. Every string (message, field values, exception text) passes through the
/// <see cref="Redactor"/> first, whatever code logged it.
/// </summary>
public sealed class JsonLogFormatter(Redactor redactor, TimeProvider time)
{
    /// <summary>Template names seen so far and their field names: a template has a handful, so this stays small.</summary>
    private static readonly ConcurrentDictionary<string, JsonEncodedText> FieldNames = new(StringComparer.Ordinal);

    private static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText Level = JsonEncodedText.Encode("level");
    private static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText ExceptionName = JsonEncodedText.Encode("exception");

    [ThreadStatic]
    private static Utf8JsonWriter? _writer;

    [ThreadStatic]
    private static bool _writing;

    /// <summary>Writes one line, newline included, as UTF-8.</summary>
    public void Write(IBufferWriter<byte> output, LogLevel level, string category, EventId eventId, string? message,
        IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        // A line logged while this thread formats another (from a converter, say) gets a writer of its own.
        var nested = _writing;
        var json = nested ? new Utf8JsonWriter(output) : (_writer ??= new Utf8JsonWriter(output));
        json.Reset(output);
        _writing = true;
        try
        {
            json.WriteStartObject();
            json.WriteString(Time, time.GetUtcNow());
            json.WriteString(Level, LevelName(level));
            json.WriteString(CategoryName, category);
            if (eventId.Id != 0)
            {
                json.WriteNumber(EventIdName, eventId.Id);
            }
            if (message is not null)
            {
                json.WriteString(MessageName, redactor.Redact(message));
            }
            if (fields is not null)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    var (key, value) = fields[i];
                    if (key == "{OriginalFormat}" || key.Length == 0)
                    {
                        continue;
                    }
                    WriteField(json, FieldNames.GetOrAdd(key, static k => JsonEncodedText.Encode(FieldName(k))), value);
                }
            }
            if (exception is not null)
            {
                json.WriteString(ExceptionName, redactor.Redact(exception.ToString()));
            }
            json.WriteEndObject();
            json.Flush();
        }
        finally
        {
            // The writer is kept for the thread's next line, but must not keep this line's buffer alive.
            json.Reset(Stream.Null);
            _writing = nested;
        }
        output.Write("\n"u8);
    }

    /// <summary>The line as text (with the platform's newline), for callers that want a string.</summary>
    public string Format(LogLevel level, string category, EventId eventId, string? message, IReadOnlyList<KeyValuePair<string, object?>>? fields, Exception? exception)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(buffer, level, category, eventId, message, fields, exception);
        return Encoding.UTF8.GetString(buffer.WrittenSpan[..^1]) + Environment.NewLine;
    }

    private void WriteField(Utf8JsonWriter json, JsonEncodedText name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case int i:
                json.WriteNumber(name, i);
                break;
            case long l:
                json.WriteNumber(name, l);
                break;
            case short or byte or uint or ulong:
                json.WriteNumber(name, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double d:
                json.WriteNumber(name, d);
                break;
            case decimal m:
                json.WriteNumber(name, m);
                break;
            case string s:
                json.WriteString(name, redactor.Redact(s));
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
