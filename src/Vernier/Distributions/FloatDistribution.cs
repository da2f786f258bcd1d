namespace Vernier.Distributions;

/// <summary>A real-valued parameter in [<see cref="Low"/>, <see cref="High"/>], optionally on a log scale or a step grid.</summary>
/// <remarks>
/// <c>log</c> and <c>step</c> are mutually exclusive, as in Optuna. With a step, the values are
/// <c>low + k·step</c> and <c>high − low</c> must be a multiple of the step.
/// </remarks>
public sealed record FloatDistribution : ParameterDistribution
{
    /// <summary>Creates and validates a float distribution.</summary>
    /// <param name="low">Lower bound, inclusive.</param>
    /// <param name="high">Upper bound, inclusive.</param>
    /// <param name="log">Sample on a log scale; needs <paramref name="low"/> &gt; 0.</param>
    /// <param name="step">Grid spacing, or null for a continuous range.</param>
    /// <exception cref="ArgumentException">The bounds, scale or step are inconsistent; the message says how.</exception>
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentException($"float bounds must be finite numbers, got low={Format(low)}, high={Format(high)}.");
        }

        if (low > high)
        {
            throw new ArgumentException($"low ({Format(low)}) must not exceed high ({Format(high)}).");
        }

        if (log && low <= 0)
        {
            throw new ArgumentException($"a log-scale range needs low > 0, got low={Format(low)}.");
        }

        if (step is double s)
        {
            if (log)
            {
                throw new ArgumentException("step and log cannot be used together for a float parameter.");
            }

            if (!double.IsFinite(s) || s <= 0)
            {
                throw new ArgumentException($"step must be a positive number, got {Format(s)}.");
            }

            double intervals = (high - low) / s;
            if (Math.Abs(intervals - Math.Round(intervals)) > 1e-8 * Math.Max(1.0, Math.Abs(intervals)))
            {
                throw new ArgumentException(
                    $"step {Format(s)} does not fit the range [{Format(low)}, {Format(high)}]: high - low must be a multiple of the step.");
            }
        }

        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    /// <summary>Lower bound, inclusive.</summary>
    public double Low { get; }

    /// <summary>Upper bound, inclusive.</summary>
    public double High { get; }

    /// <summary>Whether values are sampled on a log scale.</summary>
    public bool Log { get; }

    /// <summary>Grid spacing, or null when continuous.</summary>
    public double? Step { get; }

    /// <inheritdoc />
    public override bool IsSingle => Low == High;

    /// <summary>The number of grid points when stepped, otherwise null.</summary>
    public long? GridSize => Step is double s ? (long)Math.Round((High - Low) / s) + 1 : null;

    /// <inheritdoc />
    public override bool Contains(double internalValue)
    {
        if (double.IsNaN(internalValue) || internalValue < Low || internalValue > High)
        {
            return false;
        }

        if (Step is double s)
        {
            double k = (internalValue - Low) / s;
            return Math.Abs(k - Math.Round(k)) <= 1e-8 * Math.Max(1.0, Math.Abs(k));
        }

        return true;
    }

    /// <summary>Snaps a value into the range and, when stepped, onto the nearest grid point.</summary>
    /// <param name="value">Any finite value.</param>
    public double Clamp(double value)
    {
        if (Step is double s)
        {
            double k = Math.Round((value - Low) / s);
            // low + k·step carries binary noise (0.8999999999999999 for 3 × 0.3): keep 15 significant digits.
            value = double.Parse((Low + k * s).ToString("G15", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
        }

        return Math.Min(High, Math.Max(Low, value));
    }

    /// <inheritdoc />
    public override double ToInternal(object? value)
    {
        double v = Number(value, this);
        if (!Contains(v))
        {
            throw new ArgumentException($"{Format(v)} is outside {this}.");
        }

        return v;
    }

    /// <inheritdoc />
    public override object ToExternal(double internalValue) => internalValue;

    /// <summary>A float parameter's value given as any .NET number, as a double.</summary>
    /// <exception cref="ArgumentException">The value is not a number.</exception>
    internal static double Number(object? value, ParameterDistribution distribution) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        _ => throw new ArgumentException($"expected a number for {distribution}, got {Describe(value)}."),
    };

    /// <inheritdoc />
    public override bool IsCompatibleWith(ParameterDistribution other) => other is FloatDistribution f && f.Log == Log;

    /// <inheritdoc />
    public override string ToString() =>
        $"float[{Format(Low)}, {Format(High)}]" + (Log ? " log" : "") + (Step is double s ? $" step {Format(s)}" : "");

    internal static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";
}
