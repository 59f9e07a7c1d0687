using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Switchyard.Relay;

namespace Switchyard.Admin;

/// <summary>Reads an admin request's JSON body (bounded) into a request record, or the 4xx that explains why not.</summary>
internal static class AdminBody
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type) where T : class
    {
        var (body, bodyError) = await RequestBodyReader.ReadAsync(http.Request, MaxBytes, http.RequestAborted);
        if (bodyError is not null)
        {
            return (null, AdminErrors.Result(413, bodyError.Message));
        }
        try
        {
            var value = JsonSerializer.Deserialize(body.Span, type);
            return value is null ? (null, AdminErrors.Result(400, "The request body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            // The serializer's message names the field and position, never the value.
            return (null, AdminErrors.Result(400, $"Invalid JSON body: {e.Message}"));
        }
    }

    /// <summary><c>limit</c> (1–1000, default 100) and an opaque <c>cursor</c> (an offset or a sequence number).</summary>
    public static (int Limit, long? Cursor, IResult? Error) Paging(HttpContext http)
    {
        var query = http.Request.Query;
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
        {
            return (0, null, AdminErrors.Result(400, "'limit' must be a number from 1 to 1000.", "limit"));
        }
        long? cursor = null;
        if (query["cursor"].ToString() is { Length: > 0 } cursorText)
        {
            if (!long.TryParse(cursorText, out var parsed) || parsed < 0)
            {
                return (0, null, AdminErrors.Result(400, "'cursor' must be the next_cursor of a previous page.", "cursor"));
            }
            cursor = parsed;
        }
        return (limit, cursor, null);
    }

    /// <summary>One page of an in-memory list by offset cursor.</summary>
    public static Page<T> PageOf<T>(IReadOnlyList<T> all, int limit, long? cursor)
    {
        var offset = (int)Math.Min(cursor ?? 0, all.Count);
        var data = all.Skip(offset).Take(limit).ToList();
        return new Page<T>(data, offset + data.Count < all.Count ? (offset + data.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
