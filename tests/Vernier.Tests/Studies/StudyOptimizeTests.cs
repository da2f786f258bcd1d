using Vernier.Samplers;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

public class StudyOptimizeTests
{
    [Fact]
    public async Task Optimize_ObjectiveThrowsOrReturnsNonFinite_FailsThatTrialAndGoesOn()
    {
        await using Study study = await Study.Builder("failures").WithSeed(1).CreateAsync();
        OptimizeResult result = await study.OptimizeAsync(
            trial => trial.Number switch
            {
                1 => throw new InvalidOperationException("diverged"),
                2 => double.NaN,
                3 => double.PositiveInfinity,
                _ => trial.SuggestFloat("x", -1, 1),
            },
            new OptimizeOptions { NTrials = 6 });

        result.ShouldBe(new OptimizeResult(6, OptimizeStopReason.BudgetReached));
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(t => t.State).ShouldBe([TrialState.Complete, TrialState.Failed, TrialState.Failed, TrialState.Failed, TrialState.Complete, TrialState.Complete]);
        trials[1].FailReason.ShouldBe("the objective threw InvalidOperationException: diverged");
        trials[2].FailReason.ShouldBe("the objective returned NaN.");
        trials[3].FailReason.ShouldBe("the objective returned +infinity.");
        trials[1].SystemAttributes["exception"].GetString()!.ShouldContain("diverged");
    }

    [Fact]
    public async Task Optimize_ReportCallbacks_AreToldOfEachValueAfterItIsStored_WhileTheTrialRuns()
    {
        await using Study study = await Study.Builder("report-callbacks").WithSeed(1).CreateAsync();
        var seen = new List<string>();
        var options = new OptimizeOptions { NTrials = 2 };
        options.ReportCallbacks.Add((trial, step, value) =>
        {
            FrozenTrial stored = study.GetTrialsAsync().GetAwaiter().GetResult()[trial.Number];
            seen.Add($"{trial.Number}:{step}={value} stored={stored.IntermediateValues.ContainsKey(step)} state={stored.State}");
        });

        await study.OptimizeAsync(
            trial =>
            {
                trial.Report(0.5, 0);
                trial.Report(0.25, 1);
                return 0.25;
            },
            options);

        seen.ShouldBe(["0:0=0.5 stored=True state=Running", "0:1=0.25 stored=True state=Running", "1:0=0.5 stored=True state=Running", "1:1=0.25 stored=True state=Running"]);
    }

    [Fact]
    public async Task Optimize_Cancelled_MarksRunningTrialInterruptedAndKeepsCompletedOnes()
    {
        await using Study study = await Study.Builder("cancel").CreateAsync();
        using var cts = new CancellationTokenSource();
        Func<Task> run = () => study.OptimizeAsync(
            async (trial, token) =>
            {
                if (trial.Number == 3)
                {
                    await cts.CancelAsync();
                    await Task.Delay(Timeout.Infinite, token);
                }

                return trial.SuggestFloat("x", 0, 1);
            },
            new OptimizeOptions { NTrials = 10 },
            cts.Token);

        await Should.ThrowAsync<OperationCanceledException>(run);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(4);
        trials.Take(3).ShouldAllBe(t => t.State == TrialState.Complete);
        trials[3].State.ShouldBe(TrialState.Failed);
        trials[3].FailReason!.ShouldStartWith("interrupted:");
        TrialBudget.Counts(trials[3]).ShouldBeFalse();
    }

    [Fact]
    public async Task Optimize_PrunedException_RecordsPruned()
    {
        await using Study study = await Study.Builder("pruned").CreateAsync();
        await study.OptimizeAsync(trial =>
        {
            trial.Report(0.5, 0);
            throw new TrialPrunedException();
        }, new OptimizeOptions { NTrials = 1 });
        FrozenTrial trial = (await study.GetTrialsAsync()).Single();
        trial.State.ShouldBe(TrialState.Pruned);
        trial.IntermediateValues.ShouldBe(new Dictionary<long, double> { [0] = 0.5 });
    }

    [Fact]
    public async Task Optimize_TrialTimeout_FailsTheTrialWithTimeoutReason()
    {
        await using Study study = await Study.Builder("timeout").CreateAsync();
        await study.OptimizeAsync(
            async (trial, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return 0.0;
            },
            new OptimizeOptions { NTrials = 1, TrialTimeout = TimeSpan.FromMilliseconds(50) });
        (await study.GetTrialsAsync()).Single().FailReason.ShouldBe("timed out after 0.05 s.");
    }

    [Fact]
    public async Task Optimize_SameSeed_SameSuggestionsInANewStudy()
    {
        async Task<double[]> Run()
        {
            await using Study study = await Study.Builder("seeded").WithSeed(1234).CreateAsync();
            await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1) + t.SuggestInt("n", 1, 100, log: true), new OptimizeOptions { NTrials = 15 });
            return [.. (await study.GetTrialsAsync()).Select(t => t.Value!.Value)];
        }

        (await Run()).ShouldBe(await Run());
    }

    [Fact]
    public async Task Optimize_StoppedAndResumed_ContinuesExactlyAsUninterrupted()
    {
        var storage = new InMemoryStorage();
        await using (Study first = await Study.Builder("resume").UseStorage(storage).WithSeed(7).CreateAsync())
        {
            await first.OptimizeAsync(Objective, new OptimizeOptions { NTrials = 4 });
        }

        await using Study resumed = await Study.Builder("resume").UseStorage(storage).LoadAsync();
        resumed.Seed.ShouldBe(7UL);
        await resumed.OptimizeAsync(Objective, new OptimizeOptions { TotalTrials = 10 });

        await using Study straight = await Study.Builder("straight").WithSeed(7).CreateAsync();
        await straight.OptimizeAsync(Objective, new OptimizeOptions { NTrials = 10 });

        (await resumed.GetTrialsAsync()).Select(t => t.Params["a"]).ShouldBe((await straight.GetTrialsAsync()).Select(t => t.Params["a"]));

        static double Objective(Trial t) => t.SuggestFloat("a", -5, 5) + (t.SuggestCategorical("c", ["p", "q"]) == "p" ? 1 : 0);
    }

    [Fact]
    public async Task Optimize_TotalTrials_CountsEarlierRunsButNotInterruptedTrials()
    {
        await using Study study = await Study.Builder("budget").CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { TotalTrials = 3 });
        OptimizeResult second = await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { TotalTrials = 5 });
        second.TrialsStarted.ShouldBe(2);
        (await study.GetTrialsAsync()).Count.ShouldBe(5);
    }

    [Fact]
    public async Task Optimize_Parallel_RunsTrialsConcurrentlyWithDistinctNumbers()
    {
        await using Study study = await Study.Builder("parallel").CreateAsync();
        int current = 0, peak = 0;
        await study.OptimizeAsync(
            async (trial, token) =>
            {
                int now = Interlocked.Increment(ref current);
                InterlockedMax(ref peak, now);
                await Task.Delay(30, token);
                Interlocked.Decrement(ref current);
                return trial.SuggestFloat("x", 0, 1);
            },
            new OptimizeOptions { NTrials = 12, MaxConcurrency = 4 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, 12));
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        peak.ShouldBeInRange(2, 4);
    }

    [Fact]
    public async Task Optimize_BlockingSynchronousObjective_RunsMaxConcurrencyTrialsAtOnceBeyondTheThreadPoolMinimum()
    {
        // Every call blocks until all have started: on thread-pool threads, calls beyond the pool's minimum would wait for the
        // pool to add threads (about two a second), so the barrier would time out.
        ThreadPool.GetMinThreads(out int poolMinimum, out _);
        int concurrency = poolMinimum + 8;
        await using Study study = await Study.Builder("blocking-sync").CreateAsync();
        using var allStarted = new Barrier(concurrency);
        int timedOut = 0;
        await study.OptimizeAsync(
            trial =>
            {
                if (!allStarted.SignalAndWait(TimeSpan.FromSeconds(2)))
                {
                    Interlocked.Increment(ref timedOut);
                }

                return trial.SuggestFloat("x", 0, 1);
            },
            new OptimizeOptions { NTrials = concurrency, MaxConcurrency = concurrency });

        timedOut.ShouldBe(0);
        (await study.GetTrialsAsync()).ShouldAllBe(t => t.State == TrialState.Complete);
    }

    [Fact]
    public async Task Optimize_SynchronousObjective_SeesTheCallersAsyncLocals()
    {
        await using Study study = await Study.Builder("sync-context").CreateAsync();
        var ambient = new AsyncLocal<string?> { Value = "caller" };
        string? seen = null;
        await study.OptimizeAsync(_ => { seen = ambient.Value; return 0.0; }, new OptimizeOptions { NTrials = 1 });
        seen.ShouldBe("caller");
    }

    [Fact]
    public async Task Optimize_CallbackRequestsStop_NoFurtherTrialsStart()
    {
        await using Study study = await Study.Builder("stop").CreateAsync();
        var options = new OptimizeOptions { NTrials = 100 };
        options.Callbacks.Add((s, t) =>
        {
            if (t.Number == 2)
            {
                s.RequestStop();
            }
        });
        OptimizeResult result = await study.OptimizeAsync(t => 1.0, options);
        result.ShouldBe(new OptimizeResult(3, OptimizeStopReason.StopRequested));
    }

    [Fact]
    public async Task Optimize_GridSampler_VisitsEveryPointOnceThenStops()
    {
        var space = new Vernier.SearchSpaces.SearchSpace(
        [
            new("opt", new Vernier.Distributions.CategoricalDistribution(["adam", "sgd", "rmsprop"])),
            new("layers", new Vernier.Distributions.IntDistribution(1, 4)),
        ]);
        await using Study study = await Study.Builder("grid").WithSampler(new GridSampler(space)).CreateAsync();
        OptimizeResult result = await study.OptimizeAsync(t => 0.0, new OptimizeOptions { NTrials = 100, SearchSpace = space });

        result.ShouldBe(new OptimizeResult(12, OptimizeStopReason.SamplerExhausted));
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(t => $"{t.Params["opt"]}/{t.Params["layers"]}").Distinct().Count().ShouldBe(12);
    }

    [Fact]
    public async Task Optimize_GridOrder_IsShuffledBySeedAndReproducible()
    {
        var space = new Vernier.SearchSpaces.SearchSpace([new("n", new Vernier.Distributions.IntDistribution(0, 19))]);
        async Task<long[]> Order(ulong seed)
        {
            await using Study study = await Study.Builder("g").WithSampler(new GridSampler(space)).WithSeed(seed).CreateAsync();
            await study.OptimizeAsync(t => 0.0, new OptimizeOptions { SearchSpace = space });
            return [.. (await study.GetTrialsAsync()).Select(t => (long)t.Params["n"]!)];
        }

        long[] first = await Order(1);
        first.Order().ShouldBe(Enumerable.Range(0, 20).Select(i => (long)i));
        first.ShouldNotBe(Enumerable.Range(0, 20).Select(i => (long)i));
        (await Order(1)).ShouldBe(first);
        (await Order(2)).ShouldNotBe(first);
    }

    [Fact]
    public async Task Optimize_MinInterval_SpacesTrialStartsEvenWhenSlotsAreFree()
    {
        await using Study study = await Study.Builder("interval").CreateAsync();
        await study.OptimizeAsync(t => 0.0, new OptimizeOptions { NTrials = 4, MaxConcurrency = 4, MinInterval = TimeSpan.FromMilliseconds(100) });
        DateTimeOffset[] starts = [.. (await study.GetTrialsAsync()).Select(t => t.StartedAt!.Value).Order()];
        starts.Zip(starts.Skip(1), (a, b) => b - a).ShouldAllBe(gap => gap >= TimeSpan.FromMilliseconds(95));
    }

    [Fact]
    public async Task Optimize_GridWithInterruptedAndEnqueuedTrials_EvaluatesEveryPointExactlyOnce()
    {
        var space = new Vernier.SearchSpaces.SearchSpace([new("n", new Vernier.Distributions.IntDistribution(0, 4))]);
        await using Study study = await Study.Builder("grid-recovery").WithSampler(new GridSampler(space)).WithSeed(2).CreateAsync();
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["n"] = 3L }, space);
        using (var cts = new CancellationTokenSource())
        {
            await Should.ThrowAsync<OperationCanceledException>(() => study.OptimizeAsync(
                async (trial, token) =>
                {
                    if (trial.Number == 1)
                    {
                        await cts.CancelAsync();
                        await Task.Delay(Timeout.Infinite, token);
                    }

                    return 0.0;
                },
                new OptimizeOptions { SearchSpace = space },
                cts.Token));
        }

        OptimizeResult rest = await study.OptimizeAsync(t => 0.0, new OptimizeOptions { SearchSpace = space });
        rest.StopReason.ShouldBe(OptimizeStopReason.SamplerExhausted);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials[0].Params["n"].ShouldBe(3L);
        trials.Where(t => t.State == TrialState.Complete).Select(t => (long)t.Params["n"]!).Order().ShouldBe([0L, 1, 2, 3, 4]);
    }

    [Fact]
    public async Task Optimize_CallbackThrowsInAParallelRun_StopsStartingTrialsAndRethrows()
    {
        await using Study study = await Study.Builder("callback-throws").CreateAsync();
        var options = new OptimizeOptions { NTrials = 40, MaxConcurrency = 4 };
        options.Callbacks.Add((_, t) => throw new InvalidOperationException($"callback failed at trial {t.Number}"));
        await Should.ThrowAsync<InvalidOperationException>(() => study.OptimizeAsync(async (t, token) =>
        {
            await Task.Delay(20, token);
            return 0.0;
        }, options));
        (await study.GetTrialsAsync()).Count.ShouldBeLessThanOrEqualTo(8);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
