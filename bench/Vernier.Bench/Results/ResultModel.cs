using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vernier.Bench.Results;

/// <summary>Where and with what a result was measured.</summary>
internal sealed record MachineInfo(int Nproc, string CpuModel, string Os, string DotNet, DateTimeOffset Date, string? OptunaVersion, string? Python);

/// <summary>A function as benchmarked: its domain (shifted variants show their moved bounds) and optimum value.</summary>
internal sealed record FunctionInfo(string Name, string BaseName, double FStar, IReadOnlyList<DomainInfo> Domain, IReadOnlyDictionary<string, double> Shift);

/// <summary>One parameter's domain as given to both libraries.</summary>
internal sealed record DomainInfo(string Name, string Type, double? Low, double? High, bool Log, IReadOnlyList<object>? Choices);

/// <summary>The regret of one (sampler, function) cell at one budget over all seeds.</summary>
/// <param name="Budget">The number of trials.</param>
/// <param name="Median">The median regret.</param>
/// <param name="P25">The 25th percentile.</param>
/// <param name="P75">The 75th percentile.</param>
/// <param name="Regrets">The regret of every seed, in seed order.</param>
internal sealed record BudgetRegret(int Budget, double Median, double P25, double P75, IReadOnlyList<double> Regrets);

/// <summary>One (sampler, function) cell of one library.</summary>
/// <param name="Sampler">The benchmark's sampler name.</param>
/// <param name="Function">The function's name.</param>
/// <param name="Budgets">The regret at each budget (empty when the cell failed or does not apply).</param>
/// <param name="Seconds">The summed wall time of the cell's runs.</param>
/// <param name="Error">Why the cell failed, or why it does not apply.</param>
/// <param name="NotApplicable">The sampler cannot run on this space (e.g. the grid on continuous parameters): not a failure.</param>
internal sealed record RegretCell(string Sampler, string Function, IReadOnlyList<BudgetRegret> Budgets, double Seconds, string? Error, bool NotApplicable = false);

/// <summary>The output of <c>regret</c>.</summary>
internal sealed record RegretReport(
    MachineInfo Machine,
    string Command,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<int> Budgets,
    int Parallel,
    IReadOnlyList<FunctionInfo> Functions,
    IReadOnlyList<RegretCell> Vernier,
    double VernierSeconds,
    IReadOnlyList<RegretCell>? Optuna,
    double? OptunaSeconds,
    string? OptunaNote);

/// <summary>Sampler time per trial over one range of trial numbers (1-based, inclusive): the mean, and the median (robust to the odd pause of a shared machine).</summary>
internal sealed record TimingRange(int First, int Last, double? MeanMilliseconds, double? MedianMilliseconds = null);

/// <summary>One (sampler, space) timing run of one library.</summary>
internal sealed record TimingCell(string Sampler, string Function, int Trials, IReadOnlyList<TimingRange> Ranges, string? Error);

/// <summary>The output of <c>timing</c>.</summary>
internal sealed record TimingReport(
    MachineInfo Machine,
    string Command,
    ulong Seed,
    IReadOnlyList<TimingRange> Ranges,
    IReadOnlyList<TimingCell> Vernier,
    IReadOnlyList<TimingCell>? Optuna,
    int? OptunaTrials,
    string? OptunaNote);

/// <summary>The median and the 25th–75th percentiles of a statistic over the seeds (as numpy computes them).</summary>
internal sealed record Quartiles(double Median, double P25, double P75)
{
    public static Quartiles Of(IReadOnlyList<double> values) =>
        new(Statistics.Quantile(values, 0.5), Statistics.Quantile(values, 0.25), Statistics.Quantile(values, 0.75));
}

/// <summary>One seeded study of the pruner benchmark.</summary>
/// <param name="Seed">The study seed.</param>
/// <param name="Trials">The trials run (complete and pruned).</param>
/// <param name="Steps">The reports made over all trials, pruned ones included.</param>
/// <param name="Pruned">The trials pruned.</param>
/// <param name="Best">The best complete trial's value (its value at the last step), or null when none completed.</param>
/// <param name="Seconds">The run's wall time.</param>
/// <param name="Completions">Each complete trial, in order, as [steps consumed by the study when it completed, its value]; kept out of the JSON (its size), summarised there by <see cref="PruningCell.BestAtOptunaSteps"/>.</param>
internal sealed record PruningRun(ulong Seed, int Trials, long Steps, int Pruned, double? Best, double Seconds, [property: JsonIgnore] IReadOnlyList<double[]>? Completions = null)
{
    /// <summary>The best value among the trials that completed within the first <paramref name="steps"/> steps of the study, or +∞.</summary>
    public double BestWithin(long steps)
    {
        double best = double.PositiveInfinity;
        foreach (double[] completion in Completions ?? [])
        {
            if (completion[0] <= steps)
            {
                best = Math.Min(best, completion[1]);
            }
        }

        return best;
    }
}

/// <summary>One pruner of one library over all seeds.</summary>
/// <param name="Pruner">The pruner's config name.</param>
/// <param name="Runs">Every seed's run, in seed order.</param>
/// <param name="Steps">Total steps per run (null when the cell failed).</param>
/// <param name="Best">Best final value per run (null when the cell failed or no run completed a trial).</param>
/// <param name="PrunedFraction">The median over the seeds of the fraction of trials pruned.</param>
/// <param name="Seconds">The summed wall time of the runs.</param>
/// <param name="Error">Why the cell failed.</param>
/// <param name="BestAtOptunaSteps">For a Vernier cell: the median over the seeds of its best value within the steps Optuna's run of the same seed used (see <see cref="Reports.BestAtOtherSteps"/>); null otherwise.</param>
internal sealed record PruningCell(string Pruner, IReadOnlyList<PruningRun> Runs, Quartiles? Steps, Quartiles? Best, double? PrunedFraction, double Seconds, string? Error, double? BestAtOptunaSteps = null);

/// <summary>The output of <c>pruning</c>: the pruners with the sampler (the headline), and the pruners alone on the same trials.</summary>
/// <param name="VernierSameTrials">Vernier's pruners on the same enqueued trial sequence per seed as Optuna's (null when not run).</param>
/// <param name="OptunaSameTrials">Optuna's pruners on that sequence (null when not run).</param>
internal sealed record PruningReport(
    MachineInfo Machine,
    string Command,
    string Sampler,
    string Function,
    IReadOnlyList<ulong> Seeds,
    int Trials,
    int Steps,
    string HyperbandMaxResource,
    int Parallel,
    IReadOnlyList<PruningCell> Vernier,
    double VernierSeconds,
    IReadOnlyList<PruningCell>? Optuna,
    double? OptunaSeconds,
    string? OptunaNote,
    IReadOnlyList<PruningCell>? VernierSameTrials = null,
    IReadOnlyList<PruningCell>? OptunaSameTrials = null);

/// <summary>The contents of <c>bench/results/latest.json</c>: the last result of each command.</summary>
internal sealed record LatestResults(RegretReport? Regret, TimingReport? Timing);

internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
