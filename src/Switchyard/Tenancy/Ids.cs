namespace Switchyard.Tenancy;

public static class Ids
{
    /// <summary>Time-ordered, so ids sort by creation and index well.</summary>
    public static string NewKeyId() => "key_" + Guid.CreateVersion7().ToString("N");

    public static string NewRequestId() => "req_" + Guid.CreateVersion7().ToString("N");
}
