using Switchyard.Contracts;

namespace Switchyard.Protocols;

/// <summary>
/// One non-streaming exchange a channel of another family can serve once the request and the answer are rewritten
/// (Gemini's embedContent on an OpenAI embeddings upstream): the upstream path and body, and how to turn the
/// upstream's answer into the client's with the usage to bill.
/// </summary>
public sealed record BridgedCall(string Path, ReadOnlyMemory<byte> Body, Func<ReadOnlyMemory<byte>, BridgedAnswer?> ReadAnswer);

/// <summary>The client's answer and the usage the upstream reported.</summary>
public sealed record BridgedAnswer(ReadOnlyMemory<byte> Body, TokenUsage Usage);
