using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Pruners;

/// <summary>
/// Stops a trial once a paired Wilcoxon signed-rank test (Wilcoxon, "Individual Comparisons by
/// Ranking Methods", Biometrics Bulletin 1945) is confident that it is worse than the best trial,
/// as Optuna's <c>WilcoxonPruner</c>. For objectives that average a score over instances (the
/// folds of a cross-validation, problem instances of a heuristic, questions put to a model): each
/// step is an instance id, and its intermediate value is the score on that instance.
/// </summary>
/// <remarks>
/// <para>Config name: <c>wilcoxon</c>, options <c>p_threshold</c>, <c>n_startup_steps</c>.
/// Report one value per instance with the instance id as the step, in any order (shuffle the order
/// in each trial, so that every trial is not judged on the same first instances).</para>
/// <para>At each call the trial is paired with the best complete trial (the one
/// <c>GetBestTrialAsync</c> returns) on the steps both reported; the differences
/// (this trial − best) go through a one-sided signed-rank test whose alternative is "this trial is
/// worse" (differences positive when minimizing, negative when maximizing). Ties share average
/// ranks and zero differences follow Wilcoxon's zsplit; the p-value is exact for up to 50 non-zero
/// differences and a tie-corrected normal approximation above (see the test's remarks in the docs).
/// The trial is pruned when p &lt; <see cref="WilcoxonPrunerOptions.PValueThreshold"/>, except:</para>
/// <list type="bullet">
/// <item>fewer than <see cref="WilcoxonPrunerOptions.StartupSteps"/> shared steps, no complete
/// trial yet, or a best trial without intermediate values: not pruned;</item>
/// <item>safeguard, as Optuna: not pruned while the mean of all the trial's reported values is at
/// least as good as the best trial's objective value (≤ it when minimizing, ≥ when maximizing);</item>
/// <item>NaN or infinity among the trial's reported values, or among the best trial's: not pruned
/// (as Optuna; report a large finite penalty for a failed instance if such trials should be pruned).</item>
/// </list>
/// <para>Single-objective studies only: with several objectives there is no best trial, and
/// <see cref="Prune"/> throws a <see cref="VernierException"/> (as samplers that need one objective do).</para>
/// </remarks>
/// <example><code>Study.Builder("s").WithPruner(new WilcoxonPruner(new WilcoxonPrunerOptions { PValueThreshold = 0.05 }))</code></example>
public sealed class WilcoxonPruner : Pruner
{
    private readonly double _pValueThreshold;
    private readonly int _startupSteps;

    /// <summary>Creates the pruner with the default options (p &lt; 0.1 after 2 shared steps).</summary>
    public WilcoxonPruner()
        : this(new WilcoxonPrunerOptions())
    {
    }

    /// <summary>Creates the pruner; the options are validated and copied.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public WilcoxonPruner(WilcoxonPrunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _pValueThreshold = options.PValueThreshold;
        _startupSteps = options.StartupSteps;
    }

    /// <inheritdoc />
    public override string Name => "wilcoxon";

    /// <inheritdoc />
    /// <exception cref="VernierException">The study has more than one objective.</exception>
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Directions.Count != 1)
        {
            throw new VernierException(
                $"the wilcoxon pruner compares a trial with the best trial, which needs a single objective; this study has {context.Directions.Count}.");
        }

        return PValue(context) is { } p && p < _pValueThreshold;
    }

    /// <summary>
    /// The p-value the decision compares with the threshold, or null when the pruner keeps the trial
    /// whatever it is (too few shared steps, no best trial, non-finite values, or the safeguard).
    /// </summary>
    internal double? PValue(PrunerContext context)
    {
        FrozenTrial trial = context.Trial;
        if (trial.IntermediateValues.Count == 0 || !AllFinite(trial))
        {
            return null;
        }

        StudyDirection direction = context.Directions[0];
        if (Study.BestCompleteTrial(context.History, direction) is not { } best
            || best.IntermediateValues.Count == 0
            || !AllFinite(best))
        {
            return null;
        }

        var differences = new List<double>(trial.IntermediateValues.Count);
        double sum = 0;
        foreach (KeyValuePair<long, double> kv in trial.IntermediateValues)
        {
            sum += kv.Value;
            if (best.IntermediateValues.TryGetValue(kv.Key, out double theirs))
            {
                differences.Add(kv.Value - theirs);
            }
        }

        if (differences.Count == 0 || differences.Count < _startupSteps)
        {
            return null;
        }

        // Safeguard: a trial whose mean so far is as good as the best objective value is kept.
        double mean = sum / trial.IntermediateValues.Count;
        double bestValue = best.Values[0];
        if (direction == StudyDirection.Minimize ? mean <= bestValue : mean >= bestValue)
        {
            return null;
        }

        return SignedRankTest.PValue(
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(differences), greater: direction == StudyDirection.Minimize);
    }

    private static bool AllFinite(FrozenTrial trial)
    {
        foreach (double value in trial.IntermediateValues.Values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
