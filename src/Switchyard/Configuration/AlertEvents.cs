namespace Switchyard.Configuration;

/// <summary>The events a webhook may subscribe to.</summary>
internal static class AlertEvents
{
    public const string ChannelDown = "channel_down";
    public const string KeyDisabled = "key_disabled";
    public const string Budget80 = "budget_80";
    public const string Budget100 = "budget_100";
    public const string ReconciliationMismatch = "reconciliation_mismatch";
    public const string SecretFileMissing = "secret_file_missing";

    public static readonly IReadOnlyList<string> All = [ChannelDown, KeyDisabled, Budget80, Budget100, ReconciliationMismatch, SecretFileMissing];
}
