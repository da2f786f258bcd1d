using System.Reflection;
using System.Runtime.ExceptionServices;
using Vernier.Samplers;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

/// <summary>Inside OptimizeAsync a parameter's write goes out in the background; it is stored before the trial finishes.</summary>
public class StudyBackgroundWritesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Optimize_ParameterWriteInFlight_ObjectiveRunsOnAndTheFinishedTrialHasTheParameter()
    {
        IStorage storage = HeldParameterWrites.Wrap(new InMemoryStorage(), out HeldParameterWrites held);
        await using Study study = await Study.Builder("behind").UseStorage(storage).WithSampler(new RandomSampler()).WithSeed(1).CreateAsync();
        bool ranWhileWriteHeld = false;
        FrozenTrial? seenByCallback = null;

        await study.OptimizeAsync(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                ranWhileWriteHeld = !held.Released; // a suggest that waited for its write would never get here
                held.Release();
                return x;
            },
            new OptimizeOptions { NTrials = 1, Callbacks = { (_, finished) => seenByCallback = finished } }).WaitAsync(Patience);

        ranWhileWriteHeld.ShouldBeTrue();
        seenByCallback!.State.ShouldBe(TrialState.Complete);
        seenByCallback.Params.ContainsKey("x").ShouldBeTrue();
        (await study.GetTrialAsync(0)).Params["x"].ShouldBe(seenByCallback.Values[0]);
    }

    [Fact]
    public async Task Optimize_ParameterWriteFails_TrialFailsWithTheStorageErrorAndTheNextTrialRuns()
    {
        IStorage storage = HeldParameterWrites.Wrap(new InMemoryStorage(), out HeldParameterWrites held, failFirst: new IOException("disk went away"));
        await using Study study = await Study.Builder("failing").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();
        held.Release();

        OptimizeResult result = await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 2 }).WaitAsync(Patience);

        result.TrialsStarted.ShouldBe(2);
        FrozenTrial first = await study.GetTrialAsync(0);
        first.State.ShouldBe(TrialState.Failed);
        first.FailReason!.ShouldContain("disk went away");
        (await study.GetTrialAsync(1)).State.ShouldBe(TrialState.Complete);
    }

    [Fact]
    public async Task Optimize_ObjectiveThrowsWhileAWriteIsInFlight_WriteLandsBeforeTheFailureIsRecorded()
    {
        IStorage storage = HeldParameterWrites.Wrap(new InMemoryStorage(), out HeldParameterWrites held);
        await using Study study = await Study.Builder("throwing").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();

        await study.OptimizeAsync(
            t =>
            {
                t.SuggestFloat("x", 0, 1);
                _ = Task.Delay(100).ContinueWith(_ => held.Release(), TaskScheduler.Default);
                throw new InvalidOperationException("diverged");
            },
            new OptimizeOptions { NTrials = 1 }).WaitAsync(Patience);

        FrozenTrial trial = await study.GetTrialAsync(0);
        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason!.ShouldContain("diverged");
        trial.Params.ContainsKey("x").ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldPrune_WaitsForTheParameterWritesFirst()
    {
        IStorage storage = HeldParameterWrites.Wrap(new InMemoryStorage(), out HeldParameterWrites held);
        await using Study study = await Study.Builder("prune").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();
        bool storedWhenPruneReturned = false;

        await study.OptimizeAsync(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                _ = Task.Delay(100).ContinueWith(_ => held.Release(), TaskScheduler.Default);
                t.ShouldPrune();
                storedWhenPruneReturned = t.Study.GetTrialAsync(t.Number).GetAwaiter().GetResult().Params.ContainsKey("x");
                return x;
            },
            new OptimizeOptions { NTrials = 1 }).WaitAsync(Patience);

        storedWhenPruneReturned.ShouldBeTrue();
    }

    [Fact]
    public async Task Ask_Suggest_IsStoredBeforeItReturns()
    {
        IStorage storage = HeldParameterWrites.Wrap(new InMemoryStorage(), out HeldParameterWrites held);
        await using Study study = await Study.Builder("ask").UseStorage(storage).WithSampler(new RandomSampler()).CreateAsync();
        Trial trial = await study.AskAsync();
        _ = Task.Delay(100).ContinueWith(_ => held.Release(), TaskScheduler.Default);

        await Task.Run(() => trial.SuggestFloat("x", 0, 1)).WaitAsync(Patience);

        held.Released.ShouldBeTrue();
        (await study.GetTrialAsync(trial.Number)).Params.ContainsKey("x").ShouldBeTrue();
    }

    /// <summary>A storage whose parameter writes complete only once <see cref="Release"/> is called (and can fail the first).</summary>
    public class HeldParameterWrites : DispatchProxy
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IStorage _inner = null!;
        private Exception? _failFirst;

        public bool Released => _gate.Task.IsCompleted;

        public static IStorage Wrap(IStorage inner, out HeldParameterWrites held, Exception? failFirst = null)
        {
            IStorage proxy = Create<IStorage, HeldParameterWrites>();
            held = (HeldParameterWrites)(object)proxy;
            held._inner = inner;
            held._failFirst = failFirst;
            return proxy;
        }

        public void Release() => _gate.TrySetResult();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name == nameof(IStorage.SetTrialParameterAsync))
            {
                return WriteWhenReleasedAsync(targetMethod, args);
            }

            return Call(targetMethod, args);
        }

        private async Task WriteWhenReleasedAsync(MethodInfo method, object?[]? args)
        {
            await _gate.Task;
            if (Interlocked.Exchange(ref _failFirst, null) is { } failure)
            {
                throw failure;
            }

            await (Task)Call(method, args)!;
        }

        private object? Call(MethodInfo method, object?[]? args)
        {
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
