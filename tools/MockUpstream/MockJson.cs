using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.MockUpstream;

internal static class MockJson
{
    // OpenAI sends non-ASCII text as raw UTF-8, not \u escapes; the relaxed encoder comes closest.
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
