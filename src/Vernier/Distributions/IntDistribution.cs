namespace Vernier.Distributions;

/// <summary>An integer parameter in [<see cref="Low"/>, <see cref="High"/>], optionally on a log scale or a step grid.</summary>
/// <remarks>As in Optuna, a log-scale integer range needs <c>low ≥ 1</c> and step 1.</remarks>
public sealed record IntDistribution : ParameterDistribution
{
    /// <summary>Creates and validates an integer distribution.</summary>
    /// <param name="low">Lower bound, inclusive.</param>
    /// <param name="high">Upper bound, inclusive.</param>
    /// <param name="log">Sample on a log scale; needs <paramref name="low"/> ≥ 1 and step 1.</param>
    /// <param name="step">Grid spacing (default 1); <c>high − low</c> must be a multiple of it.</param>
    /// <exception cref="ArgumentException">The bounds, scale or step are inconsistent; the message says how.</exception>
    public IntDistribution(long low, long high, bool log = false, long step = 1)
    {
        if (low > high)
        {
            throw new ArgumentException($"low ({low}) must not exceed high ({high}).");
        }

        if (step <= 0)
        {
            throw new ArgumentException($"step must be a positive integer, got {step}.");
        }

        if (log && low <= 0)
        {
            throw new ArgumentException($"a log-scale range needs low > 0, got low={low}.");
        }

        if (log && step != 1)
        {
            throw new ArgumentException($"a log-scale integer parameter needs step 1, got step {step}.");
        }

        if ((high - low) % step != 0)
        {
            throw new ArgumentException($"step {step} does not fit the range [{low}, {high}]: high - low must be a multiple of the step.");
        }

        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    /// <summary>Lower bound, inclusive.</summary>
    public long Low { get; }

    /// <summary>Upper bound, inclusive.</summary>
    public long High { get; }

    /// <summary>Whether values are sampled on a log scale.</summary>
    public bool Log { get; }

    /// <summary>Grid spacing; 1 by default.</summary>
    public long Step { get; }

    /// <inheritdoc />
    public override bool IsSingle => Low == High;

    /// <summary>The number of possible values.</summary>
    public long GridSize => (High - Low) / Step + 1;

    /// <inheritdoc />
    public override bool Contains(double internalValue)
    {
        if (double.IsNaN(internalValue) || internalValue < Low || internalValue > High || internalValue != Math.Floor(internalValue))
        {
            return false;
        }

        return ((long)internalValue - Low) % Step == 0;
    }

    /// <summary>Rounds a continuous value to the nearest allowed integer.</summary>
    /// <param name="value">Any finite value.</param>
    public long Clamp(double value)
    {
        double k = Math.Round((value - Low) / Step);
        double snapped = Low + k * Step;
        return (long)Math.Min(High, Math.Max(Low, snapped));
    }

    /// <inheritdoc />
    public override double ToInternal(object? value)
    {
        double v = value switch
        {
            int i => i,
            long l => l,
            short s => s,
            double d when d == Math.Floor(d) => d,
            float f when f == MathF.Floor(f) => f,
            decimal m when m == decimal.Floor(m) => (double)m,
            _ => throw new ArgumentException($"expected an integer for {this}, got {FloatDistribution.Describe(value)}."),
        };
        if (!Contains(v))
        {
            throw new ArgumentException($"{v} is outside {this}.");
        }

        return v;
    }

    /// <inheritdoc />
    public override object ToExternal(double internalValue) => (long)Math.Round(internalValue);

    /// <inheritdoc />
    public override bool IsCompatibleWith(ParameterDistribution other) => other is IntDistribution i && i.Log == Log;

    /// <inheritdoc />
    public override string ToString() => $"int[{Low}, {High}]" + (Log ? " log" : "") + (Step != 1 ? $" step {Step}" : "");
}
