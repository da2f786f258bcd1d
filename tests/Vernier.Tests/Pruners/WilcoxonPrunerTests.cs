using System.Collections.Immutable;
using Vernier.Pruners;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Tests.Pruners.PrunerTables;

namespace Vernier.Tests.Pruners;

public class WilcoxonPrunerTests
{
    /// <summary>Per-instance scores of the best trial (instances 0..9 of varied difficulty); its value is their mean, 4.5.</summary>
    private static readonly double[] BestScores = [1, 5, 2, 8, 3, 7, 4, 6, 0, 9];

    private static readonly WilcoxonPruner Default = new();

    [Theory]
    [InlineData(2, false)] // p = 1/4
    [InlineData(3, false)] // p = 1/8
    [InlineData(4, true)] // p = 1/16 < 0.1
    public void Prune_WorseOnEveryInstance_PrunedOnceThePValueFallsBelowTheThreshold(int instances, bool expected)
    {
        FrozenTrial trial = Scores(50, TrialState.Running, [.. Enumerable.Range(0, instances).Select(i => ((long)i, BestScores[i] + 1))]);
        Default.Prune(Context(trial, [BestTrial()])).ShouldBe(expected);
    }

    [Fact]
    public void Prune_EqualOnEveryInstance_NeverPrunes()
    {
        FrozenTrial trial = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 10).Select(i => ((long)i, BestScores[i]))]);
        Default.Prune(Context(trial, [BestTrial()])).ShouldBeFalse();
    }

    [Fact]
    public void Prune_MeanAsGoodAsTheBestValue_KeptBySafeguard()
    {
        // Worse than the best on each of its four instances (p = 1/16) but they are easy ones: mean 2.5 ≤ 4.5.
        FrozenTrial easy = Scores(50, TrialState.Running, (0, 2), (2, 3), (4, 4), (8, 1));
        Default.Prune(Context(easy, [BestTrial()])).ShouldBeFalse();

        // The same margins on hard instances (mean 8.5 > 4.5): pruned.
        FrozenTrial hard = Scores(50, TrialState.Running, (1, 6), (3, 9), (5, 8), (9, 10));
        Default.Prune(Context(hard, [BestTrial()])).ShouldBeTrue();
    }

    [Fact]
    public void Prune_Maximize_PrunesTheTrialThatIsLower()
    {
        FrozenTrial best = Scores(0, TrialState.Complete, [.. BestScores.Select((v, i) => ((long)i, v))]);
        FrozenTrial lower = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 5).Select(i => ((long)i, BestScores[i] - 1))]);
        FrozenTrial higher = Scores(51, TrialState.Running, [.. Enumerable.Range(0, 5).Select(i => ((long)i, BestScores[i] + 1))]);
        Default.Prune(Context(lower, [best], StudyDirection.Maximize)).ShouldBeTrue();
        Default.Prune(Context(higher, [best], StudyDirection.Maximize)).ShouldBeFalse();
    }

    [Fact]
    public void Prune_FewerSharedStepsThanStartup_NeverPrunes()
    {
        var patient = new WilcoxonPruner(new WilcoxonPrunerOptions { StartupSteps = 6 });
        FrozenTrial trial = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 5).Select(i => ((long)i, BestScores[i] + 1))]);
        patient.Prune(Context(trial, [BestTrial()])).ShouldBeFalse();

        // Steps the best trial never reported are not shared: 20 of them, none compared.
        FrozenTrial elsewhere = Scores(51, TrialState.Running, [.. Enumerable.Range(100, 20).Select(i => ((long)i, 100.0))]);
        Default.Prune(Context(elsewhere, [BestTrial()])).ShouldBeFalse();
    }

    [Fact]
    public void Prune_ThresholdIsStrict()
    {
        // Four shared steps, all worse: p = 1/16 exactly.
        FrozenTrial trial = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 4).Select(i => ((long)i, BestScores[i] + 1))]);
        new WilcoxonPruner(new WilcoxonPrunerOptions { PValueThreshold = 0.0625 }).Prune(Context(trial, [BestTrial()])).ShouldBeFalse();
        new WilcoxonPruner(new WilcoxonPrunerOptions { PValueThreshold = 0.0626 }).Prune(Context(trial, [BestTrial()])).ShouldBeTrue();
    }

    [Fact]
    public void Prune_ComparesWithTheBestCompleteTrialOnly()
    {
        // A running trial and a pruned one scored 0 everywhere; the best complete one (value 4.5) is the reference.
        FrozenTrial worse = Scores(1, TrialState.Complete, [.. BestScores.Select((v, i) => ((long)i, v + 10))]);
        FrozenTrial running = Scores(2, TrialState.Running, [.. BestScores.Select((_, i) => ((long)i, 0.0))]);
        FrozenTrial pruned = Scores(3, TrialState.Pruned, [.. BestScores.Select((_, i) => ((long)i, 0.0))]);
        FrozenTrial equal = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 6).Select(i => ((long)i, BestScores[i]))]);
        Default.Prune(Context(equal, [BestTrial(), worse, running, pruned])).ShouldBeFalse();
    }

    [Fact]
    public void Prune_NoCompleteTrialOrBestWithoutSteps_NeverPrunes()
    {
        FrozenTrial trial = Scores(50, TrialState.Running, [.. Enumerable.Range(0, 8).Select(i => ((long)i, BestScores[i] + 5))]);
        Default.Prune(Context(trial, [Scores(0, TrialState.Running, (0, 0.0), (1, 0.0))])).ShouldBeFalse();
        Default.Prune(Context(trial, [Scores(0, TrialState.Complete) with { Values = [0.0] }])).ShouldBeFalse();
        Default.Prune(Context(Scores(51, TrialState.Running), [BestTrial()])).ShouldBeFalse();
    }

    [Fact]
    public void Prune_NonFiniteValues_NeverPrunes()
    {
        (long, double)[] worse = [.. Enumerable.Range(0, 8).Select(i => ((long)i, BestScores[i] + 5))];
        Default.Prune(Context(Scores(50, TrialState.Running, [.. worse, (8, double.NaN)]), [BestTrial()])).ShouldBeFalse();
        Default.Prune(Context(Scores(50, TrialState.Running, [.. worse, (8, double.PositiveInfinity)]), [BestTrial()])).ShouldBeFalse();

        FrozenTrial nanBest = Scores(0, TrialState.Complete, [.. BestScores.Select((v, i) => ((long)i, i == 9 ? double.NaN : v))]) with { Values = [4.5] };
        Default.Prune(Context(Scores(50, TrialState.Running, worse), [nanBest])).ShouldBeFalse();
        Default.Prune(Context(Scores(50, TrialState.Running, worse), [BestTrial()])).ShouldBeTrue();
    }

    [Fact]
    public void Prune_SeveralObjectives_ThrowsSayingWhy()
    {
        FrozenTrial trial = Scores(50, TrialState.Running, (0, 1.0));
        var context = new PrunerContext([StudyDirection.Minimize, StudyDirection.Maximize], trial, [BestTrial()]);
        Should.Throw<VernierException>(() => Default.Prune(context)).Message.ShouldContain("single objective");
    }

    [Theory]
    [InlineData(-0.1, 2)]
    [InlineData(1.1, 2)]
    [InlineData(double.NaN, 2)]
    [InlineData(0.1, -1)]
    public void Constructor_OutOfRange_Throws(double threshold, int startup) =>
        Should.Throw<ArgumentException>(() => new WilcoxonPruner(new WilcoxonPrunerOptions { PValueThreshold = threshold, StartupSteps = startup }));

    [Fact]
    public void Options_Defaults_AreOptunas()
    {
        var options = new WilcoxonPrunerOptions();
        options.PValueThreshold.ShouldBe(0.1);
        options.StartupSteps.ShouldBe(2);
        Default.Name.ShouldBe("wilcoxon");
    }

    [Fact]
    public async Task Optimize_ClearlyWorseTrialPrunedEarly_EqualTrialCompletes()
    {
        // 20 instances of varied difficulty, evaluated in a shuffled order; loss = difficulty + x².
        double[] difficulty = [.. Enumerable.Range(0, 20).Select(i => i * 7 % 20 / 4.0)];
        long[] order = [3, 17, 8, 0, 12, 5, 19, 1, 14, 9, 6, 16, 2, 11, 18, 4, 13, 7, 15, 10];
        await using Study study = await Study.Builder("wilcoxon-instances").WithSeed(3).WithPruner(new WilcoxonPruner()).CreateAsync();
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["x"] = 0.0 });
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["x"] = 1.0 });
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["x"] = 0.0 });
        await study.OptimizeAsync(
            trial =>
            {
                double x = trial.SuggestFloat("x", -2, 2);
                double sum = 0;
                int count = 0;
                foreach (long instance in order)
                {
                    double loss = difficulty[instance] + x * x;
                    sum += loss;
                    count++;
                    trial.Report(loss, instance);
                    if (trial.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return sum / count;
            },
            new OptimizeOptions { NTrials = 3 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials[0].State.ShouldBe(TrialState.Complete);
        trials[1].State.ShouldBe(TrialState.Pruned);
        trials[1].IntermediateValues.Count.ShouldBe(4); // pruned at p = 1/16, after 4 of 20 instances
        trials[2].State.ShouldBe(TrialState.Complete);
        trials[2].IntermediateValues.Count.ShouldBe(20);
    }

    private static FrozenTrial BestTrial() => Scores(0, TrialState.Complete, [.. BestScores.Select((v, i) => ((long)i, v))]);

    /// <summary>A trial with per-instance scores; a complete one's value is their mean.</summary>
    private static FrozenTrial Scores(int number, TrialState state, params (long Step, double Value)[] values) => new()
    {
        TrialId = number + 100,
        Number = number,
        State = state,
        Values = state == TrialState.Complete && values.Length > 0 ? [values.Average(v => v.Value)] : [],
        IntermediateValues = values.ToImmutableSortedDictionary(v => v.Step, v => v.Value),
    };
}
