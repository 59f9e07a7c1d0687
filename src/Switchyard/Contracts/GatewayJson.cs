using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.Contracts;

/// <summary>The JSON writer settings every body the gateway writes shares, whichever protocol it speaks.</summary>
public static class GatewayJson
{
    /// <summary>Messages stay readable (apostrophes, CJK) rather than \u-escaped; the body is always served as JSON.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
