namespace Vernier.Runner.Objectives;

/// <summary>
/// A command objective cannot launch a trial because of how it is configured: a placeholder with no
/// value, a working directory that does not exist. Every trial would fail the same way, so the
/// caller should stop and show the message rather than record one failure after another.
/// </summary>
public sealed class CommandObjectiveException : VernierException
{
    /// <summary>Creates the exception.</summary>
    public CommandObjectiveException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public CommandObjectiveException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CommandObjectiveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
