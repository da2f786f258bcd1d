using System.Globalization;

namespace Vernier.Runner.Objectives;

/// <summary>
/// Reads the cgroup's <c>oom_kill</c> counter (v2 <c>memory.events</c>, v1 <c>memory.oom_control</c>) of this process's cgroup: when it rises
/// while a trial runs and the trial dies of a SIGKILL we did not send, the kernel's OOM killer is the cause.
/// </summary>
internal static class MemoryEvents
{
    /// <summary>The oom_kill count of this process's cgroup, or null when no cgroup v2 memory.events is readable.</summary>
    public static long? ReadOomKills()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            // "0::/some/path" is this process's cgroup v2; in a container it is usually "/", i.e. /sys/fs/cgroup itself.
            string? path = null;
            if (File.Exists("/proc/self/cgroup"))
            {
                string? line = File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
                if (line is not null)
                {
                    string candidate = Path.Combine("/sys/fs/cgroup", line[3..].TrimStart('/'), "memory.events");
                    path = File.Exists(candidate) ? candidate : null;
                }
            }

            path ??= File.Exists("/sys/fs/cgroup/memory.events") ? "/sys/fs/cgroup/memory.events" : null;

            // cgroup v1 keeps the same "oom_kill N" line in memory.oom_control.
            path ??= File.Exists("/sys/fs/cgroup/memory/memory.oom_control") ? "/sys/fs/cgroup/memory/memory.oom_control" : null;
            return path is null ? null : ParseOomKills(File.ReadAllText(path));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The value of the <c>oom_kill</c> line of a memory.events file, or null.</summary>
    public static long? ParseOomKills(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == "oom_kill" && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
            {
                return count;
            }
        }

        return null;
    }
}
