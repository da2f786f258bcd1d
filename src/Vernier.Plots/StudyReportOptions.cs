using Vernier.Importance;

namespace Vernier.Plots;

/// <summary>What a <see cref="StudyReport"/> shows and how it measures parameter importance.</summary>
public sealed class StudyReportOptions
{
    /// <summary>
    /// The importance evaluator, by name (see <see cref="ImportanceEvaluators.Names"/>: <c>ped-anova</c>, <c>fanova</c>).
    /// The default value is <c>ped-anova</c>.
    /// </summary>
    public string Evaluator { get; init; } = "ped-anova";

    /// <summary>The seed of an evaluator that draws random numbers (fANOVA). The default value is 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// The options of the report's plots. Its <see cref="PlotOptions.ObjectiveIndex"/> also chooses the objective
    /// that parameter importance is measured for, and its <see cref="PlotOptions.Parameters"/> the parameters ranked.
    /// The default value is <see cref="PlotOptions.Default"/>.
    /// </summary>
    public PlotOptions Plots { get; init; } = PlotOptions.Default;

    /// <summary>
    /// More rows for the summary table, in order, such as the sampler and the pruner the study was run with
    /// (<c>vernier report</c> adds them from the study file stored with the study). The default value is empty.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Details { get; init; } = [];

    /// <summary>The most rows the Pareto front table lists; the rest are counted. The default value is 100; at least 1.</summary>
    public int MaxTableRows { get; init; } = 100;

    /// <summary>The defaults.</summary>
    public static StudyReportOptions Default { get; } = new();

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Evaluator, nameof(Evaluator));
        ArgumentNullException.ThrowIfNull(Plots, nameof(Plots));
        ArgumentNullException.ThrowIfNull(Details, nameof(Details));
        if (MaxTableRows < 1)
        {
            throw new ArgumentException($"MaxTableRows must be at least 1, not {MaxTableRows}.", nameof(MaxTableRows));
        }
    }
}
