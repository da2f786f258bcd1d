using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Importance;

/// <summary>
/// The trials of an <see cref="ImportanceRequest"/> as a matrix that evaluators fit: one row per complete
/// trial with a finite target, one column per parameter. Numeric columns hold the value's position in
/// [0, 1] (log-aware, <see cref="UnitScale"/>); categorical columns hold the choice index; a parameter a
/// trial does not have (a conditional one) is NaN.
/// </summary>
internal sealed class ImportanceData
{
    private ImportanceData(IReadOnlyList<string> names, IReadOnlyList<ParameterDistribution> distributions, double[][] rows, double[] targets)
    {
        Names = names;
        Distributions = distributions;
        Rows = rows;
        Targets = targets;
    }

    /// <summary>The parameters' names, in column order (sorted by name).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Each column's distribution: the one the most recent trial with that parameter used.</summary>
    public IReadOnlyList<ParameterDistribution> Distributions { get; }

    /// <summary>One row per trial: the encoded values, NaN where the trial lacks the parameter.</summary>
    public double[][] Rows { get; }

    /// <summary>The target of each row.</summary>
    public double[] Targets { get; }

    /// <summary>Whether column <paramref name="column"/> is categorical (its values are choice indices).</summary>
    public bool IsCategorical(int column) => Distributions[column] is CategoricalDistribution;

    /// <summary>The number of choices of a categorical column.</summary>
    public int ChoiceCount(int column) => ((CategoricalDistribution)Distributions[column]).Choices.Count;

    /// <summary>
    /// The columns' scores as importances: normalised to sum to 1 (all 0 when no score is positive), most important first,
    /// ties in name order.
    /// </summary>
    /// <param name="scores">One non-negative score per column.</param>
    public IReadOnlyList<ParameterImportance> Ranked(IReadOnlyList<double> scores)
    {
        double total = scores.Sum();
        return [.. Enumerable.Range(0, Names.Count)
            .Select(c => new ParameterImportance(Names[c], total > 0 ? scores[c] / total : 0))
            .OrderByDescending(p => p.Importance)
            .ThenBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>Encodes a request.</summary>
    /// <exception cref="ArgumentException">The request names a parameter no complete trial has, or an objective index out of range.</exception>
    public static ImportanceData From(ImportanceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var complete = new List<(FrozenTrial Trial, double Target)>();
        foreach (var trial in request.Trials)
        {
            if (trial.State != TrialState.Complete)
            {
                continue;
            }

            double target;
            if (request.Target is { } select)
            {
                target = select(trial);
            }
            else if (request.ObjectiveIndex < 0 || request.ObjectiveIndex >= trial.Values.Length)
            {
                throw new ArgumentException(
                    $"Objective index {request.ObjectiveIndex} is out of range: trial {trial.Number} has {trial.Values.Length} value(s).",
                    nameof(request));
            }
            else
            {
                target = trial.Values[request.ObjectiveIndex];
            }

            if (double.IsFinite(target))
            {
                complete.Add((trial, target));
            }
        }

        // The latest distribution of each name wins; earlier trials' values are re-encoded into it.
        var latest = new SortedDictionary<string, ParameterDistribution>(StringComparer.Ordinal);
        foreach (var (trial, _) in complete.OrderBy(t => t.Trial.Number))
        {
            foreach (var (name, parameter) in trial.Parameters)
            {
                latest[name] = parameter.Distribution;
            }
        }

        var names = request.Parameters?.ToList() ?? [.. latest.Keys];
        foreach (var name in names)
        {
            if (!latest.ContainsKey(name))
            {
                throw new ArgumentException($"No complete trial has the parameter '{name}'.", nameof(request));
            }
        }

        var distributions = names.Select(n => latest[n]).ToArray();
        var rows = new double[complete.Count][];
        for (int r = 0; r < complete.Count; r++)
        {
            var row = new double[names.Count];
            for (int c = 0; c < names.Count; c++)
            {
                row[c] = complete[r].Trial.Parameters.TryGetValue(names[c], out var parameter)
                    ? Encode(distributions[c], parameter)
                    : double.NaN;
            }

            rows[r] = row;
        }

        return new ImportanceData(names, distributions, rows, [.. complete.Select(t => t.Target)]);
    }

    private static double Encode(ParameterDistribution column, TrialParameter parameter)
    {
        if (column is CategoricalDistribution categorical)
        {
            int index = categorical.IndexOf(parameter.Value);
            return index >= 0 ? index : double.NaN;
        }

        if (!UnitScale.IsNumeric(parameter.Distribution))
        {
            return double.NaN;
        }

        double internalValue = ReferenceEquals(parameter.Distribution, column) || parameter.Distribution == column
            ? parameter.InternalValue
            : Convert.ToDouble(parameter.Value, System.Globalization.CultureInfo.InvariantCulture);
        return Math.Clamp(UnitScale.ToUnit(column, internalValue), 0, 1);
    }
}
