namespace Vernier.Runner.Objectives;

/// <summary>Finds a command's program before launch, so "not found" is a clear reason rather than a wrapper's exit code.</summary>
internal static class ExecutableLocator
{
    /// <summary>The program's absolute path, or null when it does not exist.</summary>
    /// <param name="command">The first element of the command.</param>
    /// <param name="workingDirectory">Where the process will run; relative paths are resolved against it.</param>
    /// <param name="path">The PATH the process will see.</param>
    public static string? Find(string command, string workingDirectory, string? path)
    {
        if (OperatingSystem.IsWindows())
        {
            // PATHEXT and the App Paths registry make Windows' own search the only faithful one.
            return command;
        }

        if (command.Contains('/'))
        {
            string full = Path.GetFullPath(command, workingDirectory);
            return File.Exists(full) ? full : null;
        }

        // Empty PATH entries (meaning the current directory) are skipped on purpose, as in modern shells' safe defaults.
        foreach (string directory in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(Path.GetFullPath(directory, workingDirectory), command);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0;
    }
}
