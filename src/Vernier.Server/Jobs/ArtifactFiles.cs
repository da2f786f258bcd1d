namespace Vernier.Server.Jobs;

/// <summary>
/// Finds a file inside a job's folder from a path in a URL, never one outside: the path must be relative, without <c>.</c>,
/// <c>..</c>, empty segments, backslashes or NUL, and once every symbolic link on the way is followed the file must still lie
/// inside the folder (itself resolved the same way).
/// </summary>
internal static class ArtifactFiles
{
    private const int MaxLinkDepth = 40;

    /// <summary>Why a path was refused: a path that cannot name a file in the folder (400), or no such file there (404).</summary>
    public enum Outcome
    {
        Found,
        BadPath,
        NotFound,
    }

    /// <summary>Resolves <paramref name="relativePath"/> in <paramref name="root"/>.</summary>
    /// <param name="root">The job's folder (absolute).</param>
    /// <param name="relativePath">The path from the URL, '/'-separated.</param>
    /// <param name="file">The file's real path when found.</param>
    public static Outcome Resolve(string root, string? relativePath, out string? file)
    {
        file = null;
        if (string.IsNullOrEmpty(relativePath) || relativePath.Length > 4096 || relativePath.Contains('\\') || relativePath.Contains('\0')
            || relativePath.StartsWith('/') || Path.IsPathRooted(relativePath))
        {
            return Outcome.BadPath;
        }

        string[] segments = relativePath.Split('/');
        if (segments.Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            return Outcome.BadPath;
        }

        if (RealPath(Path.GetFullPath(root), 0) is not { } realRoot)
        {
            return Outcome.NotFound; // the job has no files yet
        }

        string candidate = Path.GetFullPath(Path.Combine([realRoot, .. segments]));
        if (!IsInside(candidate, realRoot) || RealPath(candidate, 0) is not { } real || !IsInside(real, realRoot) || !File.Exists(real))
        {
            return Outcome.NotFound;
        }

        file = real;
        return Outcome.Found;
    }

    /// <summary>The files of a folder, recursively, as '/'-separated relative paths with their sizes; symbolic links are not followed or listed.</summary>
    public static IReadOnlyList<(string Path, long Size)> List(string root)
    {
        if (!Directory.Exists(root) || new DirectoryInfo(root).LinkTarget is not null)
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return [.. new DirectoryInfo(root).EnumerateFiles("*", options)
            .Select(f => (Path.GetRelativePath(root, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f.Length))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)];
    }

    private static bool IsInside(string path, string root) =>
        path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link followed, or null when a part of it does not exist (or links loop).</summary>
    private static string? RealPath(string fullPath, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            return null;
        }

        string current = Path.GetPathRoot(fullPath)!;
        foreach (string segment in fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, segment);
            FileSystemInfo info = new FileInfo(next);
            if (info.LinkTarget is { } target)
            {
                string resolved = Path.GetFullPath(target, current);
                if (RealPath(resolved, depth + 1) is not { } real)
                {
                    return null;
                }

                next = real;
            }
            else if (!File.Exists(next) && !Directory.Exists(next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }
}
