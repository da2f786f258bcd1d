namespace Vernier;

/// <summary>The base of every error Vernier raises on purpose; its message is meant for the user.</summary>
public class VernierException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VernierException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong and, where possible, what to do.</param>
    public VernierException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public VernierException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
