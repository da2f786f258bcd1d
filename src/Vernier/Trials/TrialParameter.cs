using Vernier.Distributions;

namespace Vernier.Trials;

/// <summary>One parameter of a trial: its distribution and its value in the internal representation.</summary>
/// <param name="Distribution">The distribution the value was drawn from.</param>
/// <param name="InternalValue">The value as samplers see it (the choice index for categoricals).</param>
public sealed record TrialParameter(ParameterDistribution Distribution, double InternalValue)
{
    /// <summary>The value as the user sees it.</summary>
    public object? Value => Distribution.ToExternal(InternalValue);

    /// <summary>Creates a parameter from a user-facing value.</summary>
    /// <param name="distribution">The distribution.</param>
    /// <param name="value">The external value; must belong to the distribution.</param>
    public static TrialParameter FromValue(ParameterDistribution distribution, object? value)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return new TrialParameter(distribution, distribution.ToInternal(value));
    }
}
