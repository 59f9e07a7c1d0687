namespace Switchyard.MockUpstream;

/// <summary>A request as the mock received it. Header names compare case-insensitively; repeated headers are joined with ", ".</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
