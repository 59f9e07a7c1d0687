using Switchyard.Configuration;

namespace Switchyard.Telemetry.Alerts;

/// <summary>
/// <c>secret_file_missing</c> once for each key file that became missing, empty or unreadable (again after it was
/// good in between): the gateway is not ready until it is fixed. The alert names the file, never its content.
/// </summary>
public sealed class SecretFileAlerts(SecretFiles files, AlertDispatcher dispatcher, TimeProvider time)
{
    private HashSet<string> _raised = new(StringComparer.Ordinal);

    public void Check()
    {
        var now = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, problem) in files.Problems)
        {
            now.Add(path);
            if (!_raised.Contains(path))
            {
                dispatcher.Publish(new Alert(AlertEvents.SecretFileMissing, path, "critical",
                    $"Secret file {path} is {problem}: the gateway reports not ready; channels keep the keys read before, if any.", time.GetUtcNow(),
                    [new("file", path), new("problem", problem)]));
            }
        }
        _raised = now;
    }
}
