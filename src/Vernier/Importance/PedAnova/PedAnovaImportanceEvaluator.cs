using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Studies;

namespace Vernier.Importance.PedAnova;

/// <summary>
/// PED-ANOVA (Watanabe, Bansal and Hutter, 2023, "PED-ANOVA: Efficiently Quantifying Hyperparameter
/// Importance in Arbitrary Subspaces"): a parameter matters as much as the values of the good trials
/// differ from the values of the baseline. Per parameter, a one-dimensional Parzen estimator of the best
/// <see cref="PedAnovaOptions.TargetQuantile"/> of the trials and one of the baseline (the best
/// <see cref="PedAnovaOptions.RegionQuantile"/>, by default every trial) are compared by their Pearson
/// divergence, which the paper shows equals the parameter's share of the variance of "is this trial
/// good" in a functional ANOVA; the divergences are then normalised to sum to 1. It needs no model
/// fit, so it takes milliseconds for thousands of trials, and it is deterministic (no seed).
/// </summary>
/// <remarks>
/// <para>
/// Numeric parameters are compared on their [0, 1] scale (log-scaled parameters on the log scale), on a
/// grid of <see cref="PedAnovaOptions.GridPoints"/> points, or at each value for integers and stepped
/// floats with fewer values; categorical parameters by their choice frequencies. "Good" follows the
/// request's <see cref="ImportanceRequest.Direction"/>: the lowest targets when minimizing, the highest
/// when maximizing.
/// </para>
/// <para>
/// A conditional parameter is judged on the trials that have it: its good trials are the best
/// <see cref="PedAnovaOptions.TargetQuantile"/> of those trials and its baseline the best
/// <see cref="PedAnovaOptions.RegionQuantile"/> of them. Whether the parameter is active at all counts
/// toward the importance of the parameter that decides it.
/// </para>
/// <para>
/// With too few trials (a parameter that fewer than <see cref="PedAnovaOptions.MinTopTrials"/> + 1 trials
/// have, or whose good trials are all of its baseline), a parameter that did not vary, or a constant
/// target, that parameter's importance is 0; when every parameter's is, the evaluator returns all zeros
/// rather than failing.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var evaluator = new PedAnovaImportanceEvaluator(new PedAnovaOptions { TargetQuantile = 0.2 });
/// var importances = await ParameterImportances.EvaluateAsync(study, evaluator);
/// </code>
/// </example>
public sealed class PedAnovaImportanceEvaluator : IImportanceEvaluator
{
    private readonly PedAnovaOptions _options;

    /// <summary>Creates the evaluator with the default options.</summary>
    public PedAnovaImportanceEvaluator()
        : this(new PedAnovaOptions())
    {
    }

    /// <summary>Creates the evaluator.</summary>
    /// <param name="options">The options; validated here and copied, so later changes do not affect this evaluator.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public PedAnovaImportanceEvaluator(PedAnovaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new PedAnovaOptions
        {
            TargetQuantile = options.TargetQuantile,
            RegionQuantile = options.RegionQuantile,
            MinTopTrials = options.MinTopTrials,
            GridPoints = options.GridPoints,
            PriorWeight = options.PriorWeight,
            EvaluateOnLocal = options.EvaluateOnLocal,
        };
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterImportance> Evaluate(ImportanceRequest request, CancellationToken cancellationToken = default)
    {
        ImportanceData data = ImportanceData.From(request);
        double sign = request.Direction == StudyDirection.Maximize ? -1 : 1;
        var divergences = new double[data.Names.Count];
        for (int column = 0; column < divergences.Length; column++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double divergence = Divergence(data, column, sign);
            divergences[column] = double.IsFinite(divergence) && divergence > 0 ? divergence : 0;
        }

        return data.Ranked(divergences);
    }

    /// <summary>The Pearson divergence of one parameter's good-trial density from its baseline density (0 when it cannot be told).</summary>
    private double Divergence(ImportanceData data, int column, double sign)
    {
        // The trials that have the parameter, best first.
        var present = new List<(double Loss, double Value)>();
        for (int row = 0; row < data.Rows.Length; row++)
        {
            double value = data.Rows[row][column];
            if (!double.IsNaN(value))
            {
                present.Add((sign * data.Targets[row], value));
            }
        }

        if (present.Count <= _options.MinTopTrials)
        {
            return 0;
        }

        present.Sort((a, b) => a.Loss.CompareTo(b.Loss));
        double[] region = Best(present, _options.RegionQuantile, 1);
        double[] top = Best(present, _options.TargetQuantile, _options.MinTopTrials);
        if (top.Length >= region.Length)
        {
            return 0;
        }

        return data.IsCategorical(column)
            ? CategoricalDivergence(top, region, data.ChoiceCount(column))
            : NumericDivergence(top, region, data.Distributions[column]);
    }

    /// <summary>
    /// The values of the best ⌈quantile · n⌉ trials (at least <paramref name="minimum"/>), with every trial tied
    /// with the last of them.
    /// </summary>
    private static double[] Best(List<(double Loss, double Value)> sorted, double quantile, int minimum)
    {
        int count = Math.Clamp(Math.Max(minimum, (int)Math.Ceiling((quantile * sorted.Count) - 1e-9)), 1, sorted.Count);
        double cutoff = sorted[count - 1].Loss;
        while (count < sorted.Count && sorted[count].Loss <= cutoff)
        {
            count++;
        }

        return [.. sorted.Take(count).Select(t => t.Value)];
    }

    private double CategoricalDivergence(double[] top, double[] region, int choiceCount)
    {
        // Local: only the choices the baseline visited (a choice nobody tried says nothing).
        int[] slotOf = new int[choiceCount];
        int slots = 0;
        for (int choice = 0; choice < choiceCount; choice++)
        {
            slotOf[choice] = !_options.EvaluateOnLocal || region.Contains(choice) ? slots++ : -1;
        }

        if (slots <= 1)
        {
            return 0;
        }

        double[] p = ScottParzenEstimator.CategoricalMasses([.. top.Select(v => slotOf[(int)v])], slots, _options.PriorWeight);
        double[] q = ScottParzenEstimator.CategoricalMasses([.. region.Select(v => slotOf[(int)v])], slots, _options.PriorWeight);
        return ScottParzenEstimator.PearsonDivergence(p, q);
    }

    private double NumericDivergence(double[] top, double[] region, ParameterDistribution distribution)
    {
        double low = _options.EvaluateOnLocal ? region.Min() : 0;
        double high = _options.EvaluateOnLocal ? region.Max() : 1;
        if (Grid(distribution, low, high) is not var (grid, minBandwidth))
        {
            return 0;
        }

        double[] p = ScottParzenEstimator.NumericMasses(top, grid, minBandwidth, _options.PriorWeight);
        double[] q = ScottParzenEstimator.NumericMasses(region, grid, minBandwidth, _options.PriorWeight);
        return ScottParzenEstimator.PearsonDivergence(p, q);
    }

    /// <summary>
    /// Where to compare the densities of a numeric parameter over [low, high] (unit scale): at each value of a
    /// discrete parameter with at most <see cref="PedAnovaOptions.GridPoints"/> values there, else at the centres of
    /// that many equal bins; null when the range holds a single value.
    /// </summary>
    private (double[] Grid, double MinBandwidth)? Grid(ParameterDistribution distribution, double low, double high)
    {
        double? step = distribution switch
        {
            IntDistribution i => i.Step,
            FloatDistribution { Step: double s } => s,
            _ => null,
        };
        if (step is double size)
        {
            double first = UnitScale.FromUnit(distribution, low);
            double last = UnitScale.FromUnit(distribution, high);
            long count = (long)Math.Round((last - first) / size) + 1;
            if (count <= 1)
            {
                return null;
            }

            if (count <= _options.GridPoints)
            {
                double[] points = [.. Enumerable.Range(0, (int)count).Select(k => UnitScale.ToUnit(distribution, first + (k * size)))];
                double gap = Enumerable.Range(1, points.Length - 1).Min(k => points[k] - points[k - 1]);
                return (points, gap / 2);
            }
        }

        if (high - low < 1e-12)
        {
            return null;
        }

        int n = _options.GridPoints;
        double width = (high - low) / n;
        return ([.. Enumerable.Range(0, n).Select(k => low + ((k + 0.5) * width))], width);
    }
}
