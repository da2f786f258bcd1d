using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Tests.Support;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

public class StudyDeterministicParallelTests
{
    private static readonly SearchSpace Space = new([new ParameterSpec("x", new FloatDistribution(0, 1))]);

    [Fact]
    public async Task SameSeed_GivesTheSameStudy_WhateverTheWorkersAndDurations()
    {
        string oneWorker = await RunAsync(workers: 1, delayOf: _ => 0);
        string fourWorkersUneven = await RunAsync(workers: 4, delayOf: n => n % 3 == 0 ? 40 : n % 5);
        string fourWorkersOtherDurations = await RunAsync(workers: 4, delayOf: n => n % 4 == 1 ? 30 : 0);
        fourWorkersUneven.ShouldBe(oneWorker);
        fourWorkersOtherDurations.ShouldBe(oneWorker);
    }

    [Fact]
    public async Task SamplerSeesTrialsWithinTheWindowAsRunning_AndEarlierOnesAsTheyAre()
    {
        var sampler = new RecordingSampler();
        await using Study study = await Study.Builder("window").WithSampler(sampler)
            .Configure(o => { o.MaxConcurrent = 3; o.DeterministicParallel = true; }).CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 6 });

        sampler.Views[5].ShouldBe("0:complete 1:complete 2:complete 3:running 4:running");
        sampler.Views[1].ShouldBe("0:running");
    }

    [Fact]
    public async Task FreeMode_ShowsTheRealStates()
    {
        var sampler = new RecordingSampler();
        await using Study study = await Study.Builder("free").WithSampler(sampler).Configure(o => o.MaxConcurrent = 3).CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 3 });
        sampler.Views[2].ShouldBe("0:complete 1:complete");
    }

    [Fact]
    public async Task Deterministic_WithoutMaxConcurrent_IsRejectedWithAClearError()
    {
        var e = await Should.ThrowAsync<ArgumentException>(() => Study.Builder("bad").Configure(o => o.DeterministicParallel = true).CreateAsync());
        e.Message.ShouldContain("DeterministicParallel needs MaxConcurrent");
    }

    [Fact]
    public async Task WaitingAsk_IsCancellable_AndLeavesNoTrialRunningForever()
    {
        await using Study study = await Study.Builder("cancel")
            .Configure(o => { o.MaxConcurrent = 2; o.DeterministicParallel = true; }).CreateAsync();
        Trial first = await study.AskAsync();
        await study.AskAsync();
        await study.TellAsync(first.Number, [1.0]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Trial 2 may start (trial 0 finished) but trial 3 must wait for trial 1.
        Trial third = await study.AskAsync(timeout.Token);
        third.Number.ShouldBe(2);
        await study.TellAsync(third.Number, [1.0]);
        await Should.ThrowAsync<OperationCanceledException>(() => study.AskAsync(timeout.Token));
        (await study.GetTrialAsync(3)).State.ShouldBe(TrialState.Failed);
    }

    private static async Task<string> RunAsync(int workers, Func<int, int> delayOf)
    {
        await using Study study = await Study.Builder("deterministic").WithSampler(new HistoryEchoSampler()).WithSeed(11)
            .Configure(o => { o.MaxConcurrent = 4; o.DeterministicParallel = true; }).CreateAsync();
        await study.OptimizeAsync(
            async (trial, token) =>
            {
                await Task.Delay(delayOf(trial.Number), token);
                return Math.Round((double)trial.Params["x"]! * 100) / 100;
            },
            new OptimizeOptions { NTrials = 24, MaxConcurrency = workers, SearchSpace = Space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(24);
        return string.Join(" ", trials.OrderBy(t => t.Number).Select(t => $"{t.Number}:{t.Params["x"]}={t.Value}"));
    }

    private sealed class RecordingSampler : Sampler
    {
        public Dictionary<int, string> Views { get; } = [];

        public override string Name => "recording";

        public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
        {
            lock (Views)
            {
                Views[context.TrialNumber] = string.Join(" ", context.History.Select(t => $"{t.Number}:{t.State.ToString().ToLowerInvariant()}"));
            }

            return 0.5;
        }
    }
}
