namespace Vernier.Cli;

/// <summary>An error in how a command was used; printed without a stack trace.</summary>
/// <param name="message">What is wrong and what to do.</param>
/// <param name="exitCode">The process's exit code.</param>
internal sealed class CliException(string message, int exitCode = ExitCodes.UsageError) : VernierException(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int ConcurrencyLimit = 3;
    public const int Interrupted = 130;
}
