using Vernier.Distributions;
using Vernier.SearchSpaces;

namespace Vernier.Samplers.Tpe;

/// <summary>How the Parzen estimator sees one parameter.</summary>
internal enum ParzenKind
{
    /// <summary>A continuous float (linear or log): truncated Gaussian kernels, density at the point.</summary>
    Continuous,

    /// <summary>An integer or stepped float: truncated Gaussian kernels, probability mass of the value's cell.</summary>
    Discrete,

    /// <summary>A categorical: one probability vector per kernel over the choices.</summary>
    Categorical,
}

/// <summary>
/// One parameter in the estimator's working coordinates: the value itself, or its logarithm on a
/// log scale; integers and stepped floats own the cell of width one step around each value, so the
/// range is [low − step/2, high + step/2] (in log space for log integers). A normal parameter is
/// unbounded: it is modelled by its position in [0, 1] under <see cref="UnitScale"/> (its normal
/// distribution function), where its prior is uniform, like a float on [0, 1]; a stepped one owns
/// the positions of [value − step/2, value + step/2], cells that are narrower in the tails.
/// </summary>
internal sealed class ParzenDimension
{
    private ParzenDimension(ParameterDistribution distribution, ParzenKind kind, double low, double high, bool log, double halfStep, int choices, bool unit = false)
    {
        Distribution = distribution;
        Kind = kind;
        Low = low;
        High = high;
        IsLog = log;
        HalfStep = halfStep;
        Choices = choices;
        IsUnit = unit;
    }

    public ParameterDistribution Distribution { get; }

    public ParzenKind Kind { get; }

    /// <summary>The lower end of the working range.</summary>
    public double Low { get; }

    /// <summary>The upper end of the working range.</summary>
    public double High { get; }

    /// <summary>Whether working coordinates are logarithms of the values.</summary>
    public bool IsLog { get; }

    /// <summary>Whether working coordinates are <see cref="UnitScale"/> positions (normal parameters).</summary>
    public bool IsUnit { get; }

    /// <summary>Half a step in value space (discrete kinds only).</summary>
    public double HalfStep { get; }

    /// <summary>The number of choices (categorical only).</summary>
    public int Choices { get; }

    public static ParzenDimension For(ParameterDistribution distribution) => distribution switch
    {
        FloatDistribution { Step: double s } f => new(f, ParzenKind.Discrete, f.Low - s / 2, f.High + s / 2, false, s / 2, 0),
        FloatDistribution { Log: true } f => new(f, ParzenKind.Continuous, Math.Log(f.Low), Math.Log(f.High), true, 0, 0),
        FloatDistribution f => new(f, ParzenKind.Continuous, f.Low, f.High, false, 0, 0),
        IntDistribution { Log: true } i => new(i, ParzenKind.Discrete, Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5), true, 0.5, 0),
        IntDistribution i => new(i, ParzenKind.Discrete, i.Low - i.Step / 2.0, i.High + i.Step / 2.0, false, i.Step / 2.0, 0),
        CategoricalDistribution c => new(c, ParzenKind.Categorical, 0, c.Choices.Count - 1, false, 0, c.Choices.Count),
        NormalDistribution { Step: double s } n => new(n, ParzenKind.Discrete, 0, 1, false, s / 2, 0, unit: true),
        NormalDistribution n => new(n, ParzenKind.Continuous, 0, 1, false, 0, 0, unit: true),
        _ => throw new ArgumentException($"unsupported distribution {distribution}.", nameof(distribution)),
    };

    /// <summary>An internal value in working coordinates, clipped into the working range (NaN for a categorical index out of range).</summary>
    public double ToWorking(double internalValue)
    {
        if (Kind == ParzenKind.Categorical)
        {
            return internalValue >= 0 && internalValue < Choices ? Math.Floor(internalValue) : double.NaN;
        }

        if (IsUnit)
        {
            return double.IsNaN(internalValue) ? double.NaN : UnitScale.ToUnit(Distribution, internalValue);
        }

        double x = IsLog ? Math.Log(Math.Max(internalValue, double.Epsilon)) : internalValue;
        return double.IsNaN(x) ? double.NaN : Math.Clamp(x, Low, High);
    }

    /// <summary>The internal value a working coordinate stands for: snapped to the range, grid or integers.</summary>
    public double ToInternal(double working) => Distribution switch
    {
        NormalDistribution n => UnitScale.FromUnit(n, working),
        FloatDistribution f => f.Clamp(IsLog ? Math.Exp(working) : working),
        IntDistribution i => i.Clamp(IsLog ? Math.Exp(working) : working),
        _ => Math.Clamp(Math.Round(working), 0, Choices - 1),
    };

    /// <summary>The cell [lo, hi] in working coordinates that a discrete internal value owns.</summary>
    public (double Lo, double Hi) Cell(double internalValue)
    {
        double lo = internalValue - HalfStep, hi = internalValue + HalfStep;
        if (IsUnit)
        {
            (lo, hi) = (UnitScale.ToUnit(Distribution, lo), UnitScale.ToUnit(Distribution, hi));
            // Far in a tail a cell's positions can round to one number: keep it the narrowest cell there is.
            return hi > lo ? (lo, hi) : hi >= 0.5 ? (Math.BitDecrement(hi), hi) : (lo, Math.BitIncrement(lo));
        }

        return IsLog ? (Math.Log(lo), Math.Log(hi)) : (lo, hi);
    }
}
