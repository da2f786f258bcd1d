namespace Vernier.Distributions;

/// <summary>
/// An unbounded real-valued parameter with a normal prior: values near <see cref="Mean"/> are
/// likelier, as in Weights &amp; Biases' <c>normal</c>, <c>q_normal</c>, <c>log_normal</c> and
/// <c>q_log_normal</c> and hyperopt's <c>hp.normal</c> family.
/// </summary>
/// <remarks>
/// <para>With <see cref="Log"/>, the <em>logarithm</em> of the value is normal with
/// <see cref="Mean"/> and <see cref="StandardDeviation"/> (a log-normal: values are positive and
/// e^mean is the median). With a <see cref="Step"/> q, values are rounded to multiples of q
/// (<c>round(x / q) · q</c>); with both, a log-normal draw rounded to multiples of q, which may be 0.</para>
/// <para>The internal value is the value itself. Samplers that search the unit cube map it
/// through the normal distribution function (<see cref="SearchSpaces.UnitScale"/>), so that the
/// prior is uniform there; the random sampler draws from the normal itself.</para>
/// </remarks>
public sealed record NormalDistribution : ParameterDistribution
{
    /// <summary>Creates and validates a normal distribution.</summary>
    /// <param name="mean">The mean (of the logarithm when <paramref name="log"/>).</param>
    /// <param name="standardDeviation">The standard deviation (of the logarithm when <paramref name="log"/>), positive.</param>
    /// <param name="log">Whether the logarithm of the value is normal (a log-normal; values are positive).</param>
    /// <param name="step">Round values to multiples of this positive number, or null for continuous values.</param>
    /// <exception cref="ArgumentException">A number is not finite, or the standard deviation or step is not positive.</exception>
    public NormalDistribution(double mean, double standardDeviation, bool log = false, double? step = null)
    {
        if (!double.IsFinite(mean))
        {
            throw new ArgumentException($"the mean of a normal distribution must be a finite number, got {Format(mean)}.");
        }

        if (!double.IsFinite(standardDeviation) || standardDeviation <= 0)
        {
            throw new ArgumentException($"the standard deviation of a normal distribution must be a positive number, got {Format(standardDeviation)}.");
        }

        if (step is double s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentException($"step must be a positive number, got {Format(s)}.");
        }

        Mean = mean;
        StandardDeviation = standardDeviation;
        Log = log;
        Step = step;
    }

    /// <summary>The mean; of the logarithm of the value when <see cref="Log"/>.</summary>
    public double Mean { get; }

    /// <summary>The standard deviation; of the logarithm of the value when <see cref="Log"/>.</summary>
    public double StandardDeviation { get; }

    /// <summary>Whether the logarithm of the value is normal (a log-normal).</summary>
    public bool Log { get; }

    /// <summary>The values are multiples of this step, or any real number (positive when <see cref="Log"/>) when null.</summary>
    public double? Step { get; }

    /// <inheritdoc />
    public override bool IsSingle => false;

    /// <inheritdoc />
    public override bool Contains(double internalValue)
    {
        if (!double.IsFinite(internalValue))
        {
            return false;
        }

        if (Step is double s)
        {
            double k = internalValue / s;
            return (!Log || internalValue >= 0) && Math.Abs(k - Math.Round(k)) <= 1e-8 * Math.Max(1.0, Math.Abs(k));
        }

        return !Log || internalValue > 0;
    }

    /// <summary>
    /// Brings a value onto the distribution: rounded to the nearest multiple of the step (0 or more
    /// for a log-normal), or, for a continuous log-normal, raised to the smallest positive number.
    /// </summary>
    /// <param name="value">Any finite value.</param>
    public double Clamp(double value)
    {
        if (Step is double s)
        {
            // k·step carries binary noise (0.30000000000000004 for 3 × 0.1): keep 15 significant digits.
            double snapped = Math.Round(value / s) * s;
            snapped = double.Parse(snapped.ToString("G15", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
            // −0 (a small negative value rounded) becomes 0: zero has one form.
            return snapped == 0 || (Log && snapped < 0) ? 0 : snapped;
        }

        return Log ? Math.Max(value, double.Epsilon) : value;
    }

    /// <inheritdoc />
    public override double ToInternal(object? value)
    {
        double v = FloatDistribution.Number(value, this);
        if (!Contains(v))
        {
            throw new ArgumentException($"{Format(v)} is not a value of {this}.");
        }

        return v;
    }

    /// <inheritdoc />
    public override object ToExternal(double internalValue) => internalValue;

    /// <inheritdoc />
    public override bool IsCompatibleWith(ParameterDistribution other) => other is NormalDistribution n && n.Log == Log;

    /// <inheritdoc />
    public override string ToString() =>
        (Log ? "log-normal(" : "normal(") + $"mean {Format(Mean)}, std {Format(StandardDeviation)})" + (Step is double s ? $" step {Format(s)}" : "");
}
