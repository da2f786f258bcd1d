using System.Collections.Concurrent;

namespace Vernier.Runner.Tests.Support;

/// <summary>
/// Runs async code on one dedicated thread whose <see cref="SynchronizationContext"/> queues every
/// continuation back to that thread, as a UI thread does. Code that blocks on a task whose
/// continuation needs the context deadlocks here.
/// </summary>
internal static class SingleThreadedContext
{
    /// <summary>Runs <paramref name="body"/> on the thread; the returned task ends when it does (or never, on a deadlock).</summary>
    public static Task RunAsync(Func<Task> body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            using var context = new PumpContext();
            SynchronizationContext.SetSynchronizationContext(context);
            Task task;
            try
            {
                task = body();
            }
            catch (Exception e)
            {
                done.SetException(e);
                return;
            }

            task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            context.Pump();
            if (task.IsFaulted)
            {
                done.SetException(task.Exception!.InnerExceptions);
            }
            else if (task.IsCanceled)
            {
                done.SetCanceled();
            }
            else
            {
                done.SetResult();
            }
        })
        {
            IsBackground = true, // a deadlocked thread must not keep the test host alive
            Name = "single-threaded context",
        };
        thread.Start();
        return done.Task;
    }

    private sealed class PumpContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public void Complete() => _queue.CompleteAdding();

        public void Pump()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }

        public void Dispose() => _queue.Dispose();
    }
}
