namespace Vernier.Runner.Config;

/// <summary>
/// A study file is invalid. The message reads like a compiler's:
/// <c>study.yaml:12:5: unknown key 'max_trial' at the top level; did you mean 'max_trials'? allowed keys: …</c>,
/// naming the file, the line and column of the offending node, what is wrong and what is allowed.
/// </summary>
public sealed class ConfigException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file name as the user gave it.</param>
    /// <param name="line">The 1-based line of the offending node.</param>
    /// <param name="column">The 1-based column of the offending node.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="hint">What is allowed or what to do instead, or null.</param>
    public ConfigException(string file, int line, int column, string problem, string? hint = null)
        : base(Format(file, line, column, problem, hint))
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
        Hint = hint;
    }

    /// <summary>Creates the exception for an error reported by a lower layer (the YAML parser, a distribution).</summary>
    /// <param name="file">The file name as the user gave it.</param>
    /// <param name="line">The 1-based line of the offending node.</param>
    /// <param name="column">The 1-based column of the offending node.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="hint">What is allowed or what to do instead, or null.</param>
    /// <param name="innerException">The error of the lower layer.</param>
    public ConfigException(string file, int line, int column, string problem, string? hint, Exception innerException)
        : base(Format(file, line, column, problem, hint), innerException)
    {
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
        Hint = hint;
    }

    /// <summary>The file name as the user gave it.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the offending node.</summary>
    public int Line { get; }

    /// <summary>The 1-based column of the offending node.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the position.</summary>
    public string Problem { get; }

    /// <summary>What is allowed or what to do instead, or null when the problem says it all.</summary>
    public string? Hint { get; }

    private static string Format(string file, int line, int column, string problem, string? hint) =>
        $"{file}:{line}:{column}: {problem}" + (hint is null ? "" : "; " + hint);
}
