namespace Vernier.Runner.Objectives;

/// <summary>When a trial's output last moved, so that "the pipes stayed open" is told apart from "a callback is slow".</summary>
internal sealed class OutputActivity(TimeProvider timeProvider)
{
    private long _lastTimestamp = timeProvider.GetTimestamp();
    private int _callbacksRunning;

    /// <summary>Output arrived or a line was handled.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastTimestamp, timeProvider.GetTimestamp());

    public void EnterCallback() => Interlocked.Increment(ref _callbacksRunning);

    public void ExitCallback()
    {
        Interlocked.Decrement(ref _callbacksRunning);
        Touch();
    }

    /// <summary>True while a callback runs.</summary>
    public bool InCallback => Volatile.Read(ref _callbacksRunning) > 0;

    /// <summary>True when no callback runs and nothing arrived for at least <paramref name="period"/>.</summary>
    public bool IsIdleFor(TimeSpan period) =>
        !InCallback && timeProvider.GetElapsedTime(Interlocked.Read(ref _lastTimestamp)) >= period;
}
