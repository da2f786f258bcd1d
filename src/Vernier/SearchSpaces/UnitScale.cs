using Vernier.Distributions;

namespace Vernier.SearchSpaces;

/// <summary>
/// Maps a numeric parameter's internal value to [0, 1] and back: linear or logarithmic as the
/// distribution says, with integers and stepped floats given the whole cell around each value
/// (an integer k covers [k − step/2, k + step/2]), so that every value has the same share of the
/// unit interval. A <see cref="NormalDistribution"/> is mapped through its distribution function
/// truncated to three standard deviations either side of the mean (99.7% of the prior),
/// u = (Φ(z) − Φ(−3)) / (Φ(3) − Φ(−3)) with z = (x − mean) / std (of ln x for a log-normal), so that
/// its prior is uniform on [0, 1] and the ends of the interval are ±3 std: the corners of the unit
/// cube, which acquisition functions like to try, are not 5 or 7 standard deviations out, where a
/// log-normal's values are absurd. Continuous samplers (GP, CMA-ES, QMC, NSGA-II's crossover, TPE
/// for normals) search the unit cube through it.
/// </summary>
public static class UnitScale
{
    /// <summary>Φ(−3): the prior mass below the part of a normal parameter the unit interval stands for.</summary>
    internal const double NormalMargin = 0.0013498980316300946;

    /// <summary>Whether a distribution can be scaled (float, int and normal; not categorical).</summary>
    /// <param name="distribution">The distribution.</param>
    public static bool IsNumeric(ParameterDistribution distribution) => distribution is FloatDistribution or IntDistribution or NormalDistribution;

    /// <summary>The internal value's position in [0, 1].</summary>
    /// <param name="distribution">A float, int or normal distribution.</param>
    /// <param name="internalValue">A value the distribution contains.</param>
    /// <exception cref="ArgumentException">The distribution is categorical.</exception>
    public static double ToUnit(ParameterDistribution distribution, double internalValue)
    {
        if (distribution is NormalDistribution normal)
        {
            if (double.IsNaN(internalValue) || (normal.Log && internalValue <= 0))
            {
                return double.IsNaN(internalValue) ? 0.5 : 0;
            }

            double y = normal.Log ? Math.Log(internalValue) : internalValue;
            return Math.Clamp((NormalMath.Cdf((y - normal.Mean) / normal.StandardDeviation) - NormalMargin) / (1 - (2 * NormalMargin)), 0, 1);
        }

        var (low, high, log) = Bounds(distribution);
        if (high <= low)
        {
            return 0.5;
        }

        double x = log ? Math.Log(internalValue) : internalValue;
        return Math.Clamp((x - low) / (high - low), 0, 1);
    }

    /// <summary>The internal value at a position in [0, 1] (clipped), rounded to the distribution's step or integers.</summary>
    /// <param name="distribution">A float, int or normal distribution.</param>
    /// <param name="unit">A position; values outside [0, 1] are clipped.</param>
    /// <exception cref="ArgumentException">The distribution is categorical.</exception>
    public static double FromUnit(ParameterDistribution distribution, double unit)
    {
        if (distribution is NormalDistribution normal)
        {
            unit = Math.Clamp(double.IsNaN(unit) ? 0.5 : unit, 0, 1);
            double p = Math.Clamp(NormalMargin + (unit * (1 - (2 * NormalMargin))), NormalMargin, 1 - NormalMargin);
            double y = normal.Mean + (normal.StandardDeviation * NormalMath.InverseCdf(p));
            return normal.Clamp(normal.Log ? Math.Min(Math.Exp(y), double.MaxValue) : y);
        }

        var (low, high, log) = Bounds(distribution);
        unit = Math.Clamp(double.IsNaN(unit) ? 0.5 : unit, 0, 1);

        // exp(log(low)) is not always low (1.0000000000000004E-06): the ends of a log range are its bounds exactly.
        if (distribution is FloatDistribution { Log: true } logFloat && unit is 0 or 1)
        {
            return unit == 0 ? logFloat.Low : logFloat.High;
        }

        double x = low + unit * (high - low);
        double value = log ? Math.Exp(x) : x;
        return distribution switch
        {
            FloatDistribution f => f.Clamp(value),
            IntDistribution i => i.Clamp(value),
            _ => throw new ArgumentException($"{distribution} is not numeric.", nameof(distribution)),
        };
    }

    /// <summary>
    /// The width of one step (or integer cell) in unit coordinates; 0 for continuous floats and
    /// normals. A stepped normal's cells are widest near the median: this is the median's cell.
    /// </summary>
    /// <param name="distribution">A float, int or normal distribution.</param>
    public static double CellWidth(ParameterDistribution distribution) => distribution switch
    {
        NormalDistribution { Step: null } => 0,
        NormalDistribution { Step: double s } n => Math.Max(
            ToUnit(n, FromUnit(n, 0.5) + (s / 2)) - ToUnit(n, FromUnit(n, 0.5) - (s / 2)), 1e-12),
        FloatDistribution { Step: null } => 0,
        FloatDistribution { Step: double s } f => f.IsSingle ? 1 : 1.0 / (f.GridSize!.Value),
        IntDistribution { Log: false } i => 1.0 / i.GridSize,
        IntDistribution { Log: true } i => (Math.Log(i.Low + 0.5) - Math.Log(i.Low - 0.5)) / (Math.Log(i.High + 0.5) - Math.Log(i.Low - 0.5)),
        _ => throw new ArgumentException($"{distribution} is not numeric.", nameof(distribution)),
    };

    /// <summary>The interval [low, high] the unit interval stands for, in log space when <c>log</c> is true.</summary>
    private static (double Low, double High, bool Log) Bounds(ParameterDistribution distribution) => distribution switch
    {
        FloatDistribution { Step: double s } f => (f.Low - s / 2, f.High + s / 2, false),
        FloatDistribution { Log: true } f => (Math.Log(f.Low), Math.Log(f.High), true),
        FloatDistribution f => (f.Low, f.High, false),
        IntDistribution { Log: true } i => (Math.Log(i.Low - 0.5), Math.Log(i.High + 0.5), true),
        IntDistribution i => (i.Low - i.Step / 2.0, i.High + i.Step / 2.0, false),
        _ => throw new ArgumentException($"{distribution} is not numeric.", nameof(distribution)),
    };
}
