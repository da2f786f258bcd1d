using System.Diagnostics;
using Vernier.Studies;

namespace Vernier.Runner.Workers;

/// <summary>
/// This process as a worker, and whether other workers on this machine are still alive: lets a
/// re-run recover the trials of a run that was killed at once, instead of waiting for their
/// heartbeats to go stale.
/// </summary>
public sealed class LocalWorker : IWorkerLiveness
{
    // Start times are read with clock granularity; a recycled pid starts much later than this.
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    /// <summary>The identity of the current process.</summary>
    public static WorkerIdentity Current { get; } = Describe(Process.GetCurrentProcess());

    /// <summary>The shared instance.</summary>
    public static LocalWorker Liveness { get; } = new();

    /// <inheritdoc />
    public bool? IsAlive(WorkerIdentity worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (!string.Equals(worker.Host, Environment.MachineName, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using Process process = Process.GetProcessById(worker.ProcessId);
            if (process.HasExited)
            {
                return false;
            }

            return worker.ProcessStartedAt is not { } started || (StartedAt(process) is { } actual && (actual - started).Duration() <= StartTimeTolerance);
        }
        catch (ArgumentException)
        {
            return false; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return false; // exited while we looked
        }
    }

    private static WorkerIdentity Describe(Process process) => new(Environment.MachineName, process.Id, StartedAt(process));

    private static DateTimeOffset? StartedAt(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
