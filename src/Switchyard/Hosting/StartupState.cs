namespace Switchyard.Hosting;

/// <summary>
/// Whether the instance, already listening, is still finishing its warm-up (<c>server.warm_up</c>); <c>/readyz</c>
/// answers 503 until it is done.
/// </summary>
internal sealed class StartupState
{
    private volatile bool _warming;

    public bool Warming => _warming;

    public void BeginWarming() => _warming = true;

    public void EndWarming() => _warming = false;
}
