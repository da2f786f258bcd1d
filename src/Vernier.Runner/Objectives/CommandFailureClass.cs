namespace Vernier.Runner.Objectives;

/// <summary>
/// Why a command trial failed, one class per failure; stored on the trial as the system attribute
/// <c>failure_class</c> in snake case (<c>out_of_memory</c>, <c>oom_killed</c>, …) and used to decide retries.
/// </summary>
public enum CommandFailureClass
{
    /// <summary>The trial did not fail.</summary>
    None = 0,

    /// <summary>The output reported running out of memory: CUDA, ROCm (HIP), DirectML, Python's MemoryError, std::bad_alloc, …</summary>
    OutOfMemory = 1,

    /// <summary>Killed by SIGKILL that the runner did not send, with evidence of the kernel's out-of-memory killer (the cgroup's oom_kill count rose).</summary>
    OomKilled = 2,

    /// <summary>Ran longer than the timeout and was stopped.</summary>
    Timeout = 3,

    /// <summary>Ended by a signal (a crash such as SIGSEGV or SIGABRT, or a SIGKILL without memory evidence).</summary>
    Signal = 4,

    /// <summary>Exited with a non-zero code, or could not be started.</summary>
    ExitCode = 5,

    /// <summary>Exited with code 0 but printed no usable value (missing, NaN or infinite) for a required metric.</summary>
    NoMetric = 6,

    /// <summary>Stopped on request (Ctrl-C, cancellation) before it finished.</summary>
    Interrupted = 7,
}

/// <summary>The snake-case names of <see cref="CommandFailureClass"/> values, as study files and trial attributes spell them.</summary>
public static class CommandFailureClasses
{
    private static readonly string[] Names = ["none", "out_of_memory", "oom_killed", "timeout", "signal", "exit_code", "no_metric", "interrupted"];

    /// <summary>The classes retried when a study file sets <c>max_retries</c> but not <c>retry_on</c>: oom_killed, signal, timeout.</summary>
    public static IReadOnlyList<CommandFailureClass> DefaultRetryOn { get; } = [CommandFailureClass.OomKilled, CommandFailureClass.Signal, CommandFailureClass.Timeout];

    /// <summary>The snake-case name: <c>out_of_memory</c>, <c>oom_killed</c>, <c>timeout</c>, <c>signal</c>, <c>exit_code</c>, <c>no_metric</c>, <c>interrupted</c> (or <c>none</c>).</summary>
    /// <param name="failureClass">The class.</param>
    public static string Name(CommandFailureClass failureClass) =>
        (int)failureClass >= 0 && (int)failureClass < Names.Length ? Names[(int)failureClass] : failureClass.ToString();

    /// <summary>Reads a snake-case name; false when it names no class (or <c>none</c>).</summary>
    /// <param name="name">The name, e.g. <c>oom_killed</c>.</param>
    /// <param name="failureClass">The class read.</param>
    public static bool TryParse(string? name, out CommandFailureClass failureClass)
    {
        int index = Array.IndexOf(Names, name);
        failureClass = index > 0 ? (CommandFailureClass)index : CommandFailureClass.None;
        return index > 0;
    }

    /// <summary>Every class a failure can have, by name, for messages.</summary>
    public static IReadOnlyList<string> AllNames { get; } = Names[1..];
}
