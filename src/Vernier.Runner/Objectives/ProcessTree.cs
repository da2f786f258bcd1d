using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Vernier.Runner.Objectives;

/// <summary>A trial's process, started in a process group of its own so that its whole tree can be signalled.</summary>
/// <remarks>
/// <para>
/// .NET cannot put a child in a new process group, and calling setpgid from the parent after
/// <see cref="Process.Start()"/> races with the child's exec and its first forks. So on Linux the
/// command runs under util-linux <c>setsid</c> (part of every Debian and Ubuntu system): it calls
/// setsid(2) and then execs the command in the same process, so the pid .NET sees is the command's,
/// its exit status is the command's, and the pid is also the id of a new session and process group
/// that every descendant joins unless it leaves on purpose. <c>--wait</c> only matters in the case
/// setsid has to fork (when started as a group leader, which a .NET child never is).
/// </para>
/// <para>
/// Signals then go to the group with kill(-pgid). Killing also uses <see cref="Process.Kill(bool)"/>
/// on the tree, which reaches descendants that moved to a group of their own while their parent
/// lived; the group reaches those orphaned by their parent's death. Where <c>setsid</c> is missing
/// (or not on Linux) only the latter is available, and SIGTERM goes to the top process alone.
/// The new session also detaches the trial from the terminal, so Ctrl+C reaches Vernier, which
/// stops trials itself with SIGTERM and a grace period.
/// </para>
/// </remarks>
internal sealed class ProcessTree : IDisposable
{
    private static readonly string? SetsidPath = FindSetsid();

    private readonly Process _process;

    private ProcessTree(Process process, bool ownGroup)
    {
        _process = process;
        OwnsGroup = ownGroup;
        Id = process.Id;
    }

    public int Id { get; }

    /// <summary>True when the process leads a process group of its own (the group id is <see cref="Id"/>).</summary>
    public bool OwnsGroup { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    public Stream StandardError => _process.StandardError.BaseStream;

    /// <summary>Starts the program with its arguments, standard input closed and output redirected.</summary>
    /// <exception cref="Win32Exception">The program could not be started.</exception>
    public static ProcessTree Start(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };

        bool ownGroup = SetsidPath is not null;
        if (ownGroup)
        {
            info.FileName = SetsidPath;
            info.ArgumentList.Add("--wait");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        process.Start();

        // A trial reading standard input sees end-of-file instead of stealing the terminal's input.
        process.StandardInput.Close();
        return new ProcessTree(process, ownGroup);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Sends SIGTERM to the group (or to the process where there is no group). False where signals are unsupported.</summary>
    public bool Terminate()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        SignalGroup(NativeMethods.SIGTERM);
        return true;
    }

    /// <summary>SIGKILL to the group and to every descendant .NET can still find.</summary>
    public void Kill()
    {
        if (!OperatingSystem.IsWindows())
        {
            SignalGroup(NativeMethods.SIGKILL);
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // A descendant exited while being enumerated or belongs to another user; the group signal covers the rest.
        }
    }

    /// <summary>True while the process, or any process of its group, is alive (zombies waiting to be reaped do not count).</summary>
    public bool IsAlive()
    {
        if (!_process.HasExited)
        {
            return true;
        }

        if (!OwnsGroup)
        {
            return false;
        }

        if (NativeMethods.Kill(-Id, 0) != 0)
        {
            // ESRCH: no process in the group at all. EPERM would mean a member we may not signal: alive.
            return System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != NativeMethods.ESRCH;
        }

        return GroupHasLiveMember(Id);
    }

    public void Dispose() => _process.Dispose();

    private void SignalGroup(int signal)
    {
        if (OwnsGroup && NativeMethods.Kill(-Id, signal) == 0)
        {
            return;
        }

        // Until setsid(2) has run in the child its group does not exist yet, and the process alone is the tree.
        // Once the process has been reaped its pid may belong to someone else: leave it alone.
        if (!_process.HasExited)
        {
            NativeMethods.Kill(Id, signal);
        }
    }

    // kill(-pgid, 0) also succeeds for zombies, and a container's init may never reap orphans, so on
    // Linux look at /proc for a member that is not a zombie.
    private static bool GroupHasLiveMember(int groupId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            string name = Path.GetFileName(directory);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            if (ReadStat(directory) is { } stat && stat.GroupId == groupId && stat.State is not ('Z' or 'X'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The state and process group of a process from /proc/[pid]/stat, or null if it has gone.</summary>
    internal static (char State, int GroupId)? ReadStat(string procDirectory)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procDirectory, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses, so read after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || fields[0].Length != 1 || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int group))
        {
            return null;
        }

        return (fields[0][0], group);
    }

    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // Fixed system locations rather than PATH: the wrapper must be the real util-linux tool.
        // BusyBox's applet of the same name (Alpine) takes other options, so it is not used.
        foreach (string candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            FileSystemInfo? target = File.ResolveLinkTarget(candidate, returnFinalTarget: true);
            return target is not null && target.Name.Contains("busybox", StringComparison.OrdinalIgnoreCase) ? null : candidate;
        }

        return null;
    }
}
