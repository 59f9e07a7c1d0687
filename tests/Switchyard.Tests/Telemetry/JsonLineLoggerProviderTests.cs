using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchyard.Security;
using Switchyard.Telemetry.Logging;

namespace Switchyard.Tests.Telemetry;

public sealed partial class JsonLineLoggerProviderTests
{
    [LoggerMessage(Level = LogLevel.Information, Message = "line {Thread} {Index} literal-secret-in-a-log-line")]
    private static partial void LogNumbered(ILogger logger, int thread, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "line {Index}")]
    private static partial void LogLine(ILogger logger, int index);

    private static JsonLogFormatter Formatter() => new(new Redactor([], ["literal-secret-in-a-log-line"]), TimeProvider.System);

    [Fact]
    public void Lines_FromManyThreads_ArriveWholeAndRedacted_ByTheTimeTheProviderIsDisposed()
    {
        var output = new RecordingStream();
        var provider = new JsonLineLoggerProvider(Formatter(), output);
        var logger = provider.CreateLogger("Switchyard.Test");

        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 500; i++)
            {
                LogNumbered(logger, thread, i);
            }
        });
        provider.Dispose();

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2000, lines.Length);
        var seen = new HashSet<(int, int)>();
        foreach (var line in lines)
        {
            var json = JsonDocument.Parse(line).RootElement;
            Assert.Equal("info", json.GetProperty("level").GetString());
            Assert.Equal("Switchyard.Test", json.GetProperty("category").GetString());
            Assert.True(seen.Add((json.GetProperty("thread").GetInt32(), json.GetProperty("index").GetInt32())));
            Assert.EndsWith("[REDACTED]", json.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        // Many lines share a write: that is the point of the queue.
        Assert.True(output.Writes < lines.Length, $"{output.Writes} writes for {lines.Length} lines");
    }

    [Fact]
    public void Stdout_ThatStopsDraining_DropsAndCountsLines_WithoutBlockingTheCaller_ThenSaysSo()
    {
        var output = new RecordingStream { Blocked = new ManualResetEventSlim(false) };
        var provider = new JsonLineLoggerProvider(Formatter(), output);
        var logger = provider.CreateLogger("Switchyard.Test");

        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 40_000; i++)
        {
            LogLine(logger, i);
        }
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"logging took {started.Elapsed} while stdout was blocked");
        Assert.True(provider.Dropped > 0);

        output.Blocked.Set();
        provider.Dispose();
        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 16_000, 39_999);
        // Said once, as soon as stdout took lines again.
        var notes = lines.Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("level").GetString() == "warn").ToList();
        Assert.Matches("^[0-9]+ log lines were dropped", Assert.Single(notes).GetProperty("message").GetString());
    }

    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _bytes = new();

        public ManualResetEventSlim? Blocked { get; init; }

        public int Writes { get; private set; }

        public string Text
        {
            get
            {
                lock (_bytes)
                {
                    return Encoding.UTF8.GetString(_bytes.ToArray());
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Blocked?.Wait();
            lock (_bytes)
            {
                Writes++;
                _bytes.Write(buffer, offset, count);
            }
        }

        public override void Flush()
        {
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
