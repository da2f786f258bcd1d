using Vernier.Distributions;

namespace Vernier.Trials;

/// <summary>A parameter was asked with a distribution that conflicts with how it was asked before.</summary>
public sealed class IncompatibleDistributionException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="previous">The distribution recorded before.</param>
    /// <param name="requested">The distribution asked now.</param>
    /// <param name="where">Where the earlier one was recorded, e.g. "in trial 3" or "earlier in this trial".</param>
    public IncompatibleDistributionException(string name, ParameterDistribution previous, ParameterDistribution requested, string where)
        : base($"parameter '{name}' was asked as {previous} {where} and is now asked as {requested}; " +
               "a parameter keeps its kind, scale and choices within a study (use another name for a different parameter).")
    {
        ParameterName = name;
    }

    /// <summary>The parameter's name.</summary>
    public string ParameterName { get; }
}
