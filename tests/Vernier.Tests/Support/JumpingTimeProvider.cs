namespace Vernier.Tests;

/// <summary>
/// A clock that stands still, except that a one-shot timer (Task.Delay) jumps it forward by the timer's
/// due time and fires at once; periodic timers never fire. The due times are recorded.
/// </summary>
internal sealed class JumpingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<TimeSpan> _delays = [];
    private DateTimeOffset _now = start;

    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _delays];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new JumpTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Fire(TimeSpan due, TimerCallback callback, object? state)
    {
        lock (_gate)
        {
            _now += due;
            _delays.Add(due);
        }

        ThreadPool.QueueUserWorkItem(_ => callback(state));
    }

    private sealed class JumpTimer(JumpingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (!_disposed && dueTime != Timeout.InfiniteTimeSpan && (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero))
            {
                owner.Fire(dueTime, callback, state);
            }

            return true;
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
