using System.Collections.Concurrent;
using System.Reflection;
using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Samplers.Tpe;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

/// <summary>What the ask path asks of the storage: on a shared server every call is a round trip per trial.</summary>
public class StudyAskStorageTests
{
    [Fact]
    public async Task Optimize_RandomSamplerWithTotalTrials_ReadsTheStudyOnceAndLetsTheStorageHoldTheBudget()
    {
        IStorage storage = StorageSpy.Wrap(new InMemoryStorage(), out StorageSpy spy);
        await using Study study = await Study.Builder("random").UseStorage(storage).WithSampler(new RandomSampler()).WithSeed(3).CreateAsync();

        OptimizeResult result = await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { TotalTrials = 6 });

        result.TrialsStarted.ShouldBe(6);
        spy.Calls(nameof(IStorage.GetTrialsAsync)).ShouldBe(1); // once, at the first ask: the distributions earlier trials used
        (await study.GetTrialsAsync()).Count.ShouldBe(6);
    }

    [Fact]
    public async Task Ask_DeclaredSpace_WritesTheDrawsInOneStorageCall()
    {
        IStorage storage = StorageSpy.Wrap(new InMemoryStorage(), out StorageSpy spy);
        await using Study study = await Study.Builder("declared").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();
        var space = new SearchSpace(
            [
                new ParameterSpec("lr", new FloatDistribution(1e-4, 1, log: true)),
                new ParameterSpec("layers", new IntDistribution(1, 4)),
                new ParameterSpec("opt", new CategoricalDistribution(["adam", "sgd"])),
            ]);

        Trial trial = await study.AskAsync(space);

        spy.Calls("SetTrialParametersAsync").ShouldBe(1);
        spy.Calls(nameof(IStorage.SetTrialParameterAsync)).ShouldBe(0);
        (await study.GetTrialAsync(trial.Number)).Params.Keys.ShouldBe(["layers", "lr", "opt"], ignoreOrder: true);
    }

    [Fact]
    public async Task Optimize_RandomSampler_DrawsTheSameTrialsWhateverTheBudgetKind()
    {
        await using Study first = await Study.Builder("a").WithSampler(new RandomSampler()).WithSeed(11).CreateAsync();
        await using Study second = await Study.Builder("b").WithSampler(new RandomSampler()).WithSeed(11).CreateAsync();

        await first.OptimizeAsync(t => t.SuggestFloat("x", -3, 3), new OptimizeOptions { TotalTrials = 5 });
        await second.OptimizeAsync(t => t.SuggestFloat("x", -3, 3), new OptimizeOptions { NTrials = 5 });

        (await first.GetTrialsAsync()).Select(t => t.Params["x"]).ShouldBe((await second.GetTrialsAsync()).Select(t => t.Params["x"]));
    }

    [Fact]
    public async Task Suggest_RandomSamplerOtherHandleUsedAnotherDistribution_IsRefused()
    {
        var storage = new InMemoryStorage();
        await using (Study first = await Study.Builder("shared").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync())
        {
            await first.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { TotalTrials = 1 });
        }

        await using Study second = await Study.Builder("shared").UseStorage(storage).WithSampler(new RandomSampler()).LoadAsync();
        await second.OptimizeAsync(t => t.SuggestInt("x", 0, 1), new OptimizeOptions { TotalTrials = 2 });

        (await second.GetTrialAsync(1)).FailReason!.ShouldContain("in an earlier trial of this study");
    }

    [Fact]
    public async Task Suggest_RandomSamplerSameHandleFinishedTrialUsedAnotherDistribution_IsRefused()
    {
        await using Study study = await Study.Builder("own").WithSampler(new RandomSampler()).CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 1 });

        await study.OptimizeAsync(t => t.SuggestInt("x", 0, 1), new OptimizeOptions { NTrials = 1 });

        (await study.GetTrialAsync(1)).FailReason!.ShouldContain("in an earlier trial of this study");
    }

    [Fact]
    public async Task Optimize_ModelBasedSampler_StillReadsTheStudyPerAsk()
    {
        IStorage storage = StorageSpy.Wrap(new InMemoryStorage(), out StorageSpy spy);
        await using Study study = await Study.Builder("tpe").UseStorage(storage).WithSampler(new TpeSampler()).CreateAsync();

        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { TotalTrials = 3 });

        spy.Calls(nameof(IStorage.GetTrialsAsync)).ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Optimize_FirstHeartbeat_IsRecordedWithTheNewTrial()
    {
        IStorage storage = StorageSpy.Wrap(new InMemoryStorage(), out StorageSpy spy);
        await using Study study = await Study.Builder("beat").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();
        IReadOnlyList<FrozenTrial>? staleDuringTheTrial = null;

        await study.OptimizeAsync(
            async (t, token) =>
            {
                // A cut-off in the future: every running trial that has beaten at least once is "stale" by it.
                staleDuringTheTrial = await storage.GetStaleTrialsAsync(study.StudyId, DateTimeOffset.MaxValue, token);
                return t.SuggestFloat("x", 0, 1);
            },
            new OptimizeOptions { NTrials = 1 });

        spy.Calls(nameof(IStorage.RecordHeartbeatAsync)).ShouldBe(0);
        staleDuringTheTrial.ShouldNotBeNull().Select(t => t.Number).ShouldBe([0]);
    }

    [Fact]
    public async Task Ask_ByAScript_RecordsNoHeartbeat_SoTheTrialIsNeverStale()
    {
        var storage = new InMemoryStorage();
        await using Study study = await Study.Builder("script").UseStorage(storage).CreateAsync();

        await study.AskAsync();

        (await storage.GetStaleTrialsAsync(study.StudyId, DateTimeOffset.MaxValue)).ShouldBeEmpty();
    }

    /// <summary>Counts the calls made through it to a storage.</summary>
    public class StorageSpy : DispatchProxy
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
        private IStorage _inner = null!;

        public static IStorage Wrap(IStorage inner, out StorageSpy spy)
        {
            IStorage proxy = Create<IStorage, StorageSpy>();
            spy = (StorageSpy)(object)proxy;
            spy._inner = inner;
            return proxy;
        }

        public int Calls(string method) => _calls.GetValueOrDefault(method);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            _calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
