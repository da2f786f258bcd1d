namespace Vernier.Cli.Tests.Support;

/// <summary>The Python 3 interpreter the Python tests run: <c>python3</c> on PATH, else <c>/usr/bin/python3</c>.</summary>
/// <remarks>Tests that need it fail (not skip) without it: the Python features are part of what Vernier promises.</remarks>
internal static class Python
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The interpreter's absolute path.</summary>
    /// <exception cref="InvalidOperationException">No Python 3 was found.</exception>
    public static string Interpreter => Found.Value ?? throw new InvalidOperationException(
        "these tests need Python 3.8 or later: no executable 'python3' on PATH and no /usr/bin/python3. Install python3 (e.g. apt-get install python3) and run the tests again.");

    private static string? Find()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(directory, "python3");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : null;
    }
}
