using System.Globalization;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Support;

/// <summary>Looks at processes by pid through /proc.</summary>
internal static class Processes
{
    /// <summary>True while the pid names a process that is not a zombie (a container's init may leave zombies unreaped).</summary>
    public static bool IsAlive(int pid) =>
        ProcessTree.ReadStat($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}") is { } stat && stat.State is not ('Z' or 'X');

    public static async Task<bool> IsGoneWithinAsync(int pid, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    public static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
}
