using System.Globalization;

namespace Switchyard.Configuration;

/// <summary>Parses the durations the config accepts: 500ms, 30s, 5m, 1h, 1d.</summary>
internal static class Duration
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var s = text.Trim();
        var unitStart = 0;
        while (unitStart < s.Length && (char.IsAsciiDigit(s[unitStart]) || s[unitStart] == '.'))
        {
            unitStart++;
        }
        if (unitStart == 0 || !decimal.TryParse(s.AsSpan(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        decimal? ms = s[unitStart..] switch
        {
            "ms" => amount,
            "s" => amount * 1000m,
            "m" => amount * 60_000m,
            "h" => amount * 3_600_000m,
            "d" => amount * 86_400_000m,
            _ => null,
        };
        if (ms is null || ms > (decimal)TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds((double)ms.Value);
        return true;
    }
}
