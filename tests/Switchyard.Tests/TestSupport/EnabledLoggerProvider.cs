using Microsoft.Extensions.Logging;

namespace Switchyard.Tests.TestSupport;

/// <summary>A logger enabled at every level that writes nowhere: what makes the framework's logging-gated work run.</summary>
public sealed class EnabledLoggerProvider : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
    }

    public void Dispose()
    {
    }
}
