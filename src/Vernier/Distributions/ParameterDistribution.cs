using System.Globalization;

namespace Vernier.Distributions;

/// <summary>
/// The set of values one parameter may take. Samplers work in the <em>internal</em>
/// representation, a <see cref="double"/>: the value itself for floats and integers, the index of
/// the choice for categoricals. Users see the <em>external</em> value.
/// </summary>
/// <remarks>
/// Distributions are immutable and validated on construction: an invalid one cannot exist, so
/// samplers and storage never check again. Equality is by value.
/// </remarks>
public abstract record ParameterDistribution
{
    private protected ParameterDistribution()
    {
    }

    /// <summary>True when only one value is possible (samplers need not search it).</summary>
    public abstract bool IsSingle { get; }

    /// <summary>Whether an internal value belongs to the distribution (bounds, step grid, choice index).</summary>
    /// <param name="internalValue">The internal representation.</param>
    public abstract bool Contains(double internalValue);

    /// <summary>Converts an external value (what a user passes or sees) to the internal representation.</summary>
    /// <param name="value">A value of the distribution's kind.</param>
    /// <exception cref="ArgumentException">The value is not of this kind or lies outside the distribution.</exception>
    public abstract double ToInternal(object? value);

    /// <summary>Converts an internal value back to what a user sees (double, long or the choice itself).</summary>
    /// <param name="internalValue">The internal representation.</param>
    public abstract object? ToExternal(double internalValue);

    /// <summary>
    /// Whether values recorded under <paramref name="other"/> can be compared with values of this
    /// distribution in one study: the same kind and scale (and, for categoricals, the same
    /// choices). Bounds may differ between trials, as in define-by-run code where one range
    /// depends on another parameter.
    /// </summary>
    /// <param name="other">The distribution recorded earlier under the same name.</param>
    public abstract bool IsCompatibleWith(ParameterDistribution other);

    /// <summary>Formats a number the same way in every culture, in the shortest form that round-trips.</summary>
    private protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
