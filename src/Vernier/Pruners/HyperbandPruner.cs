using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>
/// Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
/// Optimization", JMLR 2018) run asynchronously, as in Optuna: the trials are split among
/// ⌊log_η(max/min)⌋ + 1 brackets, and bracket i runs asynchronous successive halving (see
/// <see cref="SuccessiveHalvingPruner"/>) with its first rung at min·η^i, comparing a trial only with
/// the trials of its own bracket. Bracket 0 prunes earliest and most; the last bracket barely prunes.
/// </summary>
/// <remarks>
/// <para>Config name: <c>hyperband</c>. A trial's bracket is a deterministic function of its number
/// (a stable hash, weighted by each bracket's budget ⌈n·η^(n-1-i)/(n-i)⌉ as in Optuna), see
/// <see cref="BracketOf"/>. With an automatic max resource, nothing is pruned until a trial
/// completes (the bracket count is unknown until then).</para>
/// <para>Per-bracket models: the study shows its sampler only the trials of the asked trial's own
/// bracket (see <see cref="SamplerHistory"/>), so TPE with this pruner learns one model per bracket,
/// as Optuna's TPE does with <c>HyperbandPruner</c>. (BOHB itself, Falkner et al., "BOHB: Robust and
/// Efficient Hyperparameter Optimization at Scale", ICML 2018, fits one model shared by every bracket,
/// on the largest budget with enough observations.) Every model-based sampler (TPE, GP, CMA-ES) sees
/// the same per-bracket history; the grid sampler keeps seeing every trial, so that no grid point is
/// repeated. <see cref="HyperbandPrunerOptions.BracketHistory"/> = <see langword="false"/> shows every
/// sampler every trial: each bracket's model then pays no startup of its own and learns from all trials.</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("demo").WithPruner(new HyperbandPruner(new HyperbandPrunerOptions { MaxResource = 100 })).CreateAsync();</code></example>
public sealed class HyperbandPruner : Pruner
{
    private readonly long _minResource;
    private readonly long? _maxResource;
    private readonly int _reductionFactor;
    private readonly bool _bracketHistory;

    /// <summary>Creates a pruner with the default options (min resource 1, auto max resource, η = 3).</summary>
    public HyperbandPruner()
        : this(new HyperbandPrunerOptions())
    {
    }

    /// <summary>Creates a pruner; the options are validated and copied.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public HyperbandPruner(HyperbandPrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _minResource = options.MinResource;
        _maxResource = options.MaxResource;
        _reductionFactor = options.ReductionFactor;
        _bracketHistory = options.BracketHistory;
    }

    /// <inheritdoc />
    public override string Name => "hyperband";

    /// <inheritdoc />
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (ResolveMaxResource(context) is not { } max)
        {
            return false;
        }

        long[] budgets = Budgets(BracketCount(max));
        int bracket = BracketIn(context.Trial.Number, budgets);
        return AshaRung.ShouldPrune(
            context, _minResource, _reductionFactor, bracket, bootstrapCount: 0,
            other => BracketIn(other.Number, budgets) == bracket);
    }

    /// <summary>
    /// Only the trials of <paramref name="trialNumber"/>'s own bracket (see <see cref="BracketOf"/>),
    /// so that a model-based sampler learns each bracket apart, as Optuna's TPE does with this
    /// pruner. The whole history while the bracket count is unknown (automatic max resource,
    /// no complete trial yet), or when <see cref="HyperbandPrunerOptions.BracketHistory"/> is off.
    /// </summary>
    /// <param name="directions">One direction per objective.</param>
    /// <param name="trialNumber">The number of the trial being asked for.</param>
    /// <param name="history">The study's other trials.</param>
    public override IReadOnlyList<FrozenTrial> SamplerHistory(IReadOnlyList<StudyDirection> directions, int trialNumber, IReadOnlyList<FrozenTrial> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (!_bracketHistory || MaxResourceOf(history) is not { } max)
        {
            return history;
        }

        long[] budgets = Budgets(BracketCount(max));
        int bracket = BracketIn(trialNumber, budgets);
        var own = new List<FrozenTrial>();
        foreach (FrozenTrial trial in history)
        {
            if (BracketIn(trial.Number, budgets) == bracket)
            {
                own.Add(trial);
            }
        }

        return own;
    }

    /// <summary>The max resource: the option, or the first complete trial's step count, last step + 1 (at least min resource); null before any trial completes.</summary>
    /// <param name="context">The pruner context.</param>
    public long? ResolveMaxResource(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return MaxResourceOf(context.History);
    }

    private long? MaxResourceOf(IReadOnlyList<FrozenTrial> history) =>
        _maxResource ?? (AshaRung.FirstCompletedStepCount(history) is { } steps ? Math.Max(steps, _minResource) : null);

    /// <summary>The number of brackets for a max resource: ⌊log_η(max/min)⌋ + 1.</summary>
    /// <param name="maxResource">The max resource (see <see cref="ResolveMaxResource"/>).</param>
    public int BracketCount(long maxResource)
    {
        int count = 1;
        long step = _minResource;
        while (step <= maxResource / _reductionFactor)
        {
            step *= _reductionFactor;
            count++;
        }

        return count;
    }

    /// <summary>
    /// The bracket (0 = earliest first rung) of a trial, from its number alone: a stable hash of the
    /// number picks a slot in the total budget, and bracket i owns ⌈n·η^(n-1-i)/(n-i)⌉ slots. Samplers
    /// can use it to model each bracket's trials separately.
    /// </summary>
    /// <param name="trialNumber">The trial number.</param>
    /// <param name="bracketCount">The number of brackets (see <see cref="BracketCount"/>).</param>
    public int BracketOf(int trialNumber, int bracketCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bracketCount, 1);
        return BracketIn(trialNumber, Budgets(bracketCount));
    }

    private static int BracketIn(int trialNumber, long[] budgets)
    {
        long total = 0;
        foreach (long b in budgets)
        {
            total += b;
        }

        long slot = (long)(Mix((ulong)trialNumber) % (ulong)total);
        for (int i = 0; i < budgets.Length; i++)
        {
            slot -= budgets[i];
            if (slot < 0)
            {
                return i;
            }
        }

        return budgets.Length - 1;
    }

    /// <summary>Bracket i's share of trials: ⌈n·η^(n-1-i)/(n-i)⌉ (capped to keep the sum exact).</summary>
    private long[] Budgets(int bracketCount)
    {
        var budgets = new long[bracketCount];
        for (int i = 0; i < bracketCount; i++)
        {
            int s = bracketCount - 1 - i;
            budgets[i] = (long)Math.Min(Math.Ceiling(bracketCount * Math.Pow(_reductionFactor, s) / (s + 1)), 1e15);
        }

        return budgets;
    }

    /// <summary>SplitMix64's finalizer: a stable hash, the same in every process and version.</summary>
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
