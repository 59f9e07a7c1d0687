using System.Globalization;

namespace Switchyard.Billing;

/// <summary>The ledger's day: the UTC calendar day, written <c>yyyy-MM-dd</c> (so text order is time order).</summary>
public static class LedgerDays
{
    public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
