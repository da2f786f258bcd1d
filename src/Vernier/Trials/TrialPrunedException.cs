namespace Vernier.Trials;

/// <summary>Thrown by objective code when <see cref="Trial.ShouldPrune"/> says stop: the trial is recorded Pruned, not Failed.</summary>
public sealed class TrialPrunedException : VernierException
{
    /// <summary>Creates the exception.</summary>
    public TrialPrunedException()
        : base("the trial was pruned.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why it was pruned.</param>
    public TrialPrunedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Why it was pruned.</param>
    /// <param name="innerException">The cause.</param>
    public TrialPrunedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
