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

    /// <summary>The trial system attribute holding the process (group) that runs a command trial: host, pid, start time.</summary>
    public const string ProcessAttribute = "process";

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

    /// <summary>Describes a process on this machine (for <see cref="ProcessAttribute"/>).</summary>
    /// <param name="processId">The process id.</param>
    public static WorkerIdentity DescribeProcess(int processId)
    {
        try
        {
            using Process process = Process.GetProcessById(processId);
            return Describe(process);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return new WorkerIdentity(Environment.MachineName, processId, null);
        }
    }

    /// <summary>
    /// Kills the process groups that abandoned trials (their worker died) left running on this
    /// machine, so that a killed run's training processes do not go on in the background. A group
    /// is killed only if its leader is still the recorded process (same start time), never a
    /// process that reused its pid.
    /// </summary>
    /// <param name="trials">Trials just recovered as abandoned.</param>
    /// <returns>How many process groups were killed.</returns>
    public static int StopOrphanedProcesses(IEnumerable<Vernier.Trials.FrozenTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        int killed = 0;
        foreach (Vernier.Trials.FrozenTrial trial in trials)
        {
            if (!trial.SystemAttributes.TryGetValue(ProcessAttribute, out System.Text.Json.JsonElement recorded))
            {
                continue;
            }

            WorkerIdentity? process = System.Text.Json.JsonSerializer.Deserialize<WorkerIdentity>(recorded, Vernier.Storage.AttributeJson.SnakeCase);
            if (process is { ProcessStartedAt: not null } && Liveness.IsAlive(process) == true && !OperatingSystem.IsWindows())
            {
                Objectives.NativeMethods.Kill(-process.ProcessId, Objectives.NativeMethods.SIGKILL);
                killed++;
            }
        }

        return killed;
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
