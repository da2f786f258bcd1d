namespace Vernier.Runner.Objectives;

/// <summary>Names of POSIX signals for failure messages.</summary>
internal static class SignalNames
{
    // Linux numbering (x86, ARM, RISC-V); the first 15 are the same on every Unix.
    private static readonly string[] Linux =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The highest signal number: exit codes 129 to 128 + this are read as "killed by a signal".</summary>
    public const int MaxSignal = 64;

    /// <summary>The signal encoded in an exit code by the 128 + n convention (shells, and .NET for a signalled child), or null.</summary>
    public static int? FromExitCode(int exitCode) => exitCode is > 128 and <= 128 + MaxSignal ? exitCode - 128 : null;

    /// <summary>SIGKILL, SIGSEGV, …; SIGRTMIN+n for real-time signals; "signal n" when unknown.</summary>
    public static string Name(int signal)
    {
        if (signal is > 0 and <= 15 || (OperatingSystem.IsLinux() && signal > 0 && signal < Linux.Length))
        {
            return Linux[signal];
        }

        return OperatingSystem.IsLinux() && signal is >= 34 and <= MaxSignal ? $"SIGRTMIN+{signal - 34}" : $"signal {signal}";
    }
}
