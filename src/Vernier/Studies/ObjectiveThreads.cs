namespace Vernier.Studies;

/// <summary>
/// Threads of their own for a synchronous objective's calls: up to one per trial that may run at once, started as needed.
/// </summary>
/// <remarks>
/// A synchronous objective holds its thread for the whole trial (training, a sleep, a blocking pruning check). On
/// thread-pool threads, more such trials than the pool's minimum (the core count) starve the pool, which adds threads
/// only about twice a second: 16 concurrent trials on 2 cores ran at 65% of their throughput for seconds, and the
/// storage's own completions queued behind them. These threads are created once per optimize run and are background
/// threads, so a run that is abandoned does not keep the process alive.
/// </remarks>
internal sealed class ObjectiveThreads : IDisposable
{
    private readonly Queue<Action> _work = new();
    private readonly int _maxThreads;
    private int _threads;
    private int _idle; // waiting threads no call has woken yet
    private bool _closed;

    /// <param name="maxThreads">How many calls may run at once: threads are started as calls need them, up to this many.</param>
    public ObjectiveThreads(int maxThreads) => _maxThreads = Math.Max(maxThreads, 1);

    /// <summary>Runs <paramref name="call"/> on one of the threads; a token cancelled before it starts cancels it unrun.</summary>
    public Task<T> RunAsync<T>(Func<T> call, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        // Continuations run on to their first wait on the calling thread, as after Task.Run: the trial's finish starts without a
        // hand-off. That cannot hold up a call: a worker whose continuation occupies a thread has no call of its own in flight.
        var result = new TaskCompletionSource<T>();

        // The caller's execution context (async-locals such as the current Activity) flows to the call, as Task.Run's would.
        ExecutionContext? context = ExecutionContext.Capture();
        Enqueue(context is null ? Call : () => ExecutionContext.Run(context, _ => Call(), null));
        return result.Task;

        void Call()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                result.TrySetResult(call());
            }
            catch (OperationCanceledException e) when (e.CancellationToken == cancellationToken && cancellationToken.IsCancellationRequested)
            {
                result.TrySetCanceled(cancellationToken);
            }
            catch (Exception e)
            {
                result.TrySetException(e);
            }
        }
    }

    /// <summary>Lets the threads end once the calls already handed over are done.</summary>
    public void Dispose()
    {
        lock (_work)
        {
            _closed = true;
            Monitor.PulseAll(_work);
        }
    }

    private void Enqueue(Action work)
    {
        lock (_work)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _work.Enqueue(work);
            if (_idle > 0)
            {
                _idle--; // that waiter is spoken for, so that the next call does not count on it too
                Monitor.Pulse(_work);
            }
            else if (_threads < _maxThreads)
            {
                new Thread(Drain) { IsBackground = true, Name = $"Vernier objective {_threads++}" }.Start();
            }
        }
    }

    private void Drain()
    {
        while (true)
        {
            Action work;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (_closed)
                    {
                        return;
                    }

                    _idle++;
                    Monitor.Wait(_work);
                }

                work = _work.Dequeue();
            }

            work();
        }
    }
}
