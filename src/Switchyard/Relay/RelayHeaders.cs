using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Relay;

internal static class RelayHeaders
{
    public static void WriteOverhead(HttpResponse response, RelayContext context) =>
        response.Headers["x-switchyard-overhead-ms"] = context.OverheadMs.ToString("0.###", CultureInfo.InvariantCulture);
}
