using Vernier.Distributions;

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
/// range is [low − step/2, high + step/2] (in log space for log integers).
/// </summary>
internal sealed class ParzenDimension
{
    private ParzenDimension(ParameterDistribution distribution, ParzenKind kind, double low, double high, bool log, double halfStep, int choices)
    {
        Distribution = distribution;
        Kind = kind;
        Low = low;
        High = high;
        IsLog = log;
        HalfStep = halfStep;
        Choices = choices;
    }

    public ParameterDistribution Distribution { get; }

    public ParzenKind Kind { get; }

    /// <summary>The lower end of the working range.</summary>
    public double Low { get; }

    /// <summary>The upper end of the working range.</summary>
    public double High { get; }

    /// <summary>Whether working coordinates are logarithms of the values.</summary>
    public bool IsLog { get; }

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
        _ => throw new ArgumentException($"unsupported distribution {distribution}.", nameof(distribution)),
    };

    /// <summary>An internal value in working coordinates, clipped into the working range (NaN for a categorical index out of range).</summary>
    public double ToWorking(double internalValue)
    {
        if (Kind == ParzenKind.Categorical)
        {
            return internalValue >= 0 && internalValue < Choices ? Math.Floor(internalValue) : double.NaN;
        }

        double x = IsLog ? Math.Log(Math.Max(internalValue, double.Epsilon)) : internalValue;
        return double.IsNaN(x) ? double.NaN : Math.Clamp(x, Low, High);
    }

    /// <summary>The internal value a working coordinate stands for: snapped to the range, grid or integers.</summary>
    public double ToInternal(double working) => Distribution switch
    {
        FloatDistribution f => f.Clamp(IsLog ? Math.Exp(working) : working),
        IntDistribution i => i.Clamp(IsLog ? Math.Exp(working) : working),
        _ => Math.Clamp(Math.Round(working), 0, Choices - 1),
    };

    /// <summary>The cell [lo, hi] in working coordinates that a discrete internal value owns.</summary>
    public (double Lo, double Hi) Cell(double internalValue)
    {
        double lo = internalValue - HalfStep, hi = internalValue + HalfStep;
        return IsLog ? (Math.Log(lo), Math.Log(hi)) : (lo, hi);
    }
}
