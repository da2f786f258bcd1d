using System.Collections.Immutable;
using Vernier.Randomness;

namespace Vernier.Runner.Objectives;

/// <summary>
/// How often a command objective runs each trial's command, with which seeds, and how the runs' final
/// values become the trial's value (<c>repeats</c>, <c>seeds</c> and <c>aggregate</c> under <c>objective</c>).
/// </summary>
/// <remarks>
/// A trial is one parameter set; with <see cref="Count"/> N it runs the command N times, one after the other,
/// each a run with its own seed (<c>VERNIER_SEED</c>, <c>{seed}</c>, and <c>--seed=…</c> / <c>seed=…</c> when parameters
/// are appended) and its own folder (<c>trials/0007/run-1/</c>). The first run's intermediate values drive pruning;
/// a failed run fails the trial. The default (one run, no seeds) runs the command once with no seed, as a
/// command objective without these keys always has.
/// </remarks>
public sealed record TrialRepeats
{
    /// <summary>The largest number of runs per trial.</summary>
    internal const int MaxCount = 1000;

    /// <summary>The bound (exclusive) of generated seeds: they are in [0, 2³¹ − 1], which every common framework accepts.</summary>
    internal const long GeneratedSeedLimit = 1L << 31;

    /// <summary>The number of runs per trial (<c>repeats</c>).</summary>
    /// <remarks>The default value is 1 (or the length of <see cref="Seeds"/> when a file lists seeds). Between 1 and <see cref="MaxCount"/>.</remarks>
    public int Count { get; init; } = 1;

    /// <summary>The seed of each run, in order (<c>seeds: [1, 2, 3]</c>); when not empty it has <see cref="Count"/> entries.</summary>
    /// <remarks>The default value is empty: no listed seeds.</remarks>
    public ImmutableArray<long> Seeds { get; init; } = [];

    /// <summary>
    /// Whether the seeds are derived from the study's seed, the trial's number and the run's index (<c>seeds: generate</c>),
    /// reproducible for a study with a fixed seed. More than one run without <see cref="Seeds"/> always generates them.
    /// </summary>
    /// <remarks>The default value is <see langword="false"/>.</remarks>
    public bool GenerateSeeds { get; init; }

    /// <summary>How the runs' final values become the trial's values (<c>aggregate</c>), metric by metric.</summary>
    /// <remarks>The default value is <see cref="RunAggregate.Mean"/>.</remarks>
    public RunAggregate Aggregate { get; init; } = RunAggregate.Mean;

    /// <summary>True when each run gets a seed: seeds are listed or generated, or there is more than one run.</summary>
    public bool HasSeeds => !Seeds.IsDefaultOrEmpty || GenerateSeeds || Count > 1;

    /// <summary>True when a trial runs the command more than once, each run in a folder of its own.</summary>
    public bool IsRepeated => Count > 1;

    /// <summary>Checks the values; the message names the file key.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    internal void Validate()
    {
        if (Count is < 1 or > MaxCount)
        {
            throw new ArgumentException($"repeats must be between 1 and {MaxCount}, got {Count}.");
        }

        if (!Seeds.IsDefaultOrEmpty && Seeds.Length != Count)
        {
            throw new ArgumentException($"seeds lists {Seeds.Length} seed(s) for {Count} repeat(s); give one seed per run.");
        }

        if (!Seeds.IsDefaultOrEmpty && GenerateSeeds)
        {
            throw new ArgumentException("seeds are either listed or generated, not both.");
        }

        if (!Enum.IsDefined(Aggregate))
        {
            throw new ArgumentException($"aggregate {Aggregate} is not one of mean, median, min, max.");
        }
    }

    /// <summary>The seed of each run of a trial, or null when runs get no seed.</summary>
    /// <param name="studySeed">The study's seed (<see cref="Studies.Study.Seed"/>).</param>
    /// <param name="trialNumber">The trial's number.</param>
    /// <returns>
    /// The listed seeds; otherwise <see cref="Count"/> seeds drawn from the stream derived from (study seed, trial number,
    /// <c>"run_seeds"</c>), the k-th run's seed the same whatever the count.
    /// </returns>
    public IReadOnlyList<long>? SeedsFor(ulong studySeed, int trialNumber)
    {
        if (!Seeds.IsDefaultOrEmpty)
        {
            return Seeds;
        }

        if (!HasSeeds)
        {
            return null;
        }

        RandomStream stream = RandomStream.Derive(studySeed, trialNumber, "run_seeds");
        var seeds = new long[Count];
        for (int i = 0; i < seeds.Length; i++)
        {
            seeds[i] = stream.NextInt64(GeneratedSeedLimit);
        }

        return seeds;
    }

    /// <summary>The aggregate of the runs' values of one metric.</summary>
    /// <param name="aggregate">How to aggregate.</param>
    /// <param name="values">One value per run; at least one.</param>
    internal static double Combine(RunAggregate aggregate, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("there is nothing to aggregate.", nameof(values));
        }

        switch (aggregate)
        {
            case RunAggregate.Min:
                return values.Min();
            case RunAggregate.Max:
                return values.Max();
            case RunAggregate.Median:
                double[] sorted = [.. values.Order()];
                int middle = sorted.Length / 2;
                return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
            default:
                return values.Average();
        }
    }
}

/// <summary>How the final values of a trial's runs become the trial's value (<c>aggregate</c>).</summary>
public enum RunAggregate
{
    /// <summary>The arithmetic mean.</summary>
    Mean = 0,

    /// <summary>The median: the middle value, or the mean of the two middle values for an even number of runs.</summary>
    Median = 1,

    /// <summary>The smallest value.</summary>
    Min = 2,

    /// <summary>The largest value.</summary>
    Max = 3,
}
