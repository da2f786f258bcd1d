using System.Runtime.InteropServices;

namespace Vernier.Runner.Objectives;

/// <summary>The few POSIX calls .NET's <see cref="System.Diagnostics.Process"/> does not offer: signals to a process group.</summary>
internal static partial class NativeMethods
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int ESRCH = 3;

    /// <summary>kill(2): a negative pid addresses the whole process group; signal 0 only checks existence.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
