using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Vernier.Runner.Objectives;

/// <summary>
/// A Python function run as a command objective: one process per trial, <c>python3 vernier_callable.py module:function metric…</c>,
/// so that the METRIC protocol, timeouts, failure classes, pruning and retries work as for any command.
/// </summary>
internal static partial class PythonCallable
{
    /// <summary>The interpreter when the study file names none.</summary>
    public const string DefaultInterpreter = "python3";

    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The command that runs one trial: the interpreter, the bridge, the callable and the metric names.</summary>
    /// <param name="interpreter">The interpreter as written (found on PATH, or a path relative to the working directory).</param>
    /// <param name="callable"><c>package.module:function</c>.</param>
    /// <param name="metrics">The objective's metrics: a number returned is the first; a tuple gives them in order.</param>
    public static IReadOnlyList<string> Command(string interpreter, string callable, IEnumerable<string> metrics) =>
        [EscapePlaceholders(interpreter), EscapePlaceholders(PythonSupport.BridgePath), callable, .. metrics];

    /// <summary>The interpreter's absolute path, or null when it cannot be found.</summary>
    /// <param name="interpreter">The interpreter as written.</param>
    /// <param name="workingDirectory">Where trials run; a relative path is relative to it.</param>
    /// <param name="environment">The objective's environment overrides (a PATH there wins).</param>
    public static string? FindInterpreter(string interpreter, string workingDirectory, IReadOnlyDictionary<string, string?> environment) =>
        ExecutableLocator.Find(interpreter, workingDirectory, environment.TryGetValue("PATH", out string? path) ? path : Environment.GetEnvironmentVariable("PATH"));

    /// <summary>
    /// Checks, before any trial runs, that the interpreter can find the callable's module (without running it, except
    /// for the <c>__init__.py</c> of packages above it), so that a typo fails the study at once rather than every trial.
    /// </summary>
    /// <param name="interpreter">The interpreter's absolute path.</param>
    /// <param name="callable"><c>package.module:function</c>.</param>
    /// <param name="workingDirectory">Where trials run.</param>
    /// <param name="environment">The objective's environment overrides.</param>
    /// <returns>Null when the module was found (or the check could not tell); otherwise the bridge's explanation.</returns>
    public static string? CheckModule(string interpreter, string callable, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        PythonSupport.EnsureWritten();
        var start = new ProcessStartInfo(interpreter)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PythonSupport.BridgePath);
        start.ArgumentList.Add("--check");
        start.ArgumentList.Add(callable);
        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["PYTHONPATH"] = PythonSupport.PrependToPythonPath(start.Environment.TryGetValue("PYTHONPATH", out string? existing) ? existing : null);
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"could not start {interpreter}: {e.Message}";
        }

        using Process process = started ?? throw new CommandObjectiveException($"could not start {interpreter}.");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CheckTimeout))
        {
            process.Kill(entireProcessTree: true);
            return null; // slow to import its packages: the trials will tell
        }

        process.WaitForExit();
        if (process.ExitCode == 0)
        {
            return null;
        }

        string error = stderr.Result.Trim();
        string[] lines = error.Split('\n');
        return lines.Length > 0 && lines[^1].StartsWith("vernier: ", StringComparison.Ordinal) ? lines[^1]["vernier: ".Length..]
            : $"{Path.GetFileName(interpreter)} exited with code {process.ExitCode} while looking for the module: {string.Join("\n  ", lines.TakeLast(5))}{stdout.Result.Trim()}";
    }

    // A path holding "{name}" would otherwise be read as a placeholder.
    private static string EscapePlaceholders(string text) => Placeholder().Replace(text, "{$0}");

    [GeneratedRegex(@"\{[A-Za-z_][A-Za-z0-9_./-]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
