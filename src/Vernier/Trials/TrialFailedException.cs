namespace Vernier.Trials;

/// <summary>
/// Thrown by objective code to record its trial Failed with exactly this reason (for example a
/// training process's exit code and the tail of its stderr), rather than as an unexpected exception.
/// </summary>
public sealed class TrialFailedException : VernierException
{
    /// <summary>Creates the exception.</summary>
    public TrialFailedException()
        : base("the trial failed.")
    {
    }

    /// <summary>Creates the exception with the reason to record.</summary>
    /// <param name="message">Why the trial failed, in words a user can act on.</param>
    public TrialFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason to record and a cause.</summary>
    /// <param name="message">Why the trial failed.</param>
    /// <param name="innerException">The cause.</param>
    public TrialFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
