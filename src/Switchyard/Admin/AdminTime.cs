using System.Globalization;

namespace Switchyard.Admin;

/// <summary>
/// Reads the time parameters of admin queries (<c>from</c>, <c>to</c>, <c>day</c>). Only instants between
/// <see cref="Earliest"/> and <see cref="Latest"/> are accepted: the ends of the calendar overflow the day arithmetic of
/// reports (a date means its whole day, so 9999-12-31 ends after the last representable instant), and nothing the gateway
/// records lies outside that range.
/// </summary>
internal static class AdminTime
{
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string RangeText = "between 1970-01-01 and 9000-01-01";

    /// <summary>
    /// An empty text is no bound. A timestamp is that instant; a date alone (when <paramref name="dates"/>) means the whole
    /// UTC day, so <c>to=2026-11-30</c> includes the 30th.
    /// </summary>
    public static bool TryParse(string text, bool dates, bool endOfDay, out DateTimeOffset? value)
    {
        value = null;
        if (text.Length == 0)
        {
            return true;
        }
        DateTimeOffset parsed;
        if (dates && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (!TryDay(date))
            {
                return false;
            }
            parsed = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            parsed = endOfDay ? parsed.AddDays(1) : parsed;
        }
        else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out parsed))
        {
            return false;
        }
        if (parsed < Earliest || parsed > Latest)
        {
            return false;
        }
        value = parsed;
        return true;
    }

    /// <summary>A UTC day inside the accepted range (its end, the next midnight, included).</summary>
    public static bool TryDay(DateOnly day) => day >= DateOnly.FromDateTime(Earliest.UtcDateTime) && day < DateOnly.FromDateTime(Latest.UtcDateTime);
}
