namespace Vernier.Studies;

/// <summary>Identifies the process running trials, so that a trial left Running by a process that died can be recognised.</summary>
/// <param name="Host">The machine's name.</param>
/// <param name="ProcessId">The process id.</param>
/// <param name="ProcessStartedAt">When the process started (tells a recycled pid apart), or null.</param>
public sealed record WorkerIdentity(string Host, int ProcessId, DateTimeOffset? ProcessStartedAt)
{
    /// <inheritdoc />
    public override string ToString() => $"{Host}:{ProcessId}";
}

/// <summary>Answers whether the worker that owns a running trial is still alive.</summary>
/// <remarks>The core has no access to processes; hosts (the CLI, workers) provide an implementation for their machine.</remarks>
public interface IWorkerLiveness
{
    /// <summary>True if alive, false if certainly gone, null when it cannot tell (another machine).</summary>
    /// <param name="worker">The worker recorded on the trial.</param>
    bool? IsAlive(WorkerIdentity worker);
}
