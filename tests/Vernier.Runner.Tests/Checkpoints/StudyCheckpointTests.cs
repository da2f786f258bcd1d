using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Checkpoints;
using Vernier.Runner.Tests.Support;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Runner.Tests.Support.TrialFactory;

namespace Vernier.Runner.Tests.Checkpoints;

public sealed class StudyCheckpointTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 4, 2, 8, 30, 0, TimeSpan.Zero);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task CaptureWriteLoad_GivesBackTheStudyAndEveryTrial()
    {
        await using Study study = await Study.Builder("cp-roundtrip").UseStorage(new InMemoryStorage())
            .WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).WithSeed(123).CreateAsync();
        Trial first = await study.AskAsync();
        first.SuggestFloat("lr", 1e-4, 0.1, log: true);
        first.SuggestCategorical<object>("opt", ["adam", 3L, 0.5, false]);
        first.Report(double.NaN, 0);
        first.Report(0.5, 1);
        first.SetUserAttribute("note", "a, \"b\"\nc");
        await study.TellAsync(first, [0.25, 0.75]);
        Trial second = await study.AskAsync();
        second.SuggestInt("layers", 1, 8);
        await study.TellFailedAsync(second.Number, "exited with code 2");
        Trial third = await study.AskAsync();
        await study.TellPrunedAsync(third.Number);
        (await study.AskAsync()).SuggestFloat("lr", 1e-4, 0.1, log: true); // left running
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["lr"] = 0.01 });
        string path = _temp.Combine("sub", "study.ckpt.json");

        StudyCheckpoint captured = await StudyCheckpoint.CaptureAsync(study, "hash-1");
        await captured.WriteAsync(path, Now);
        StudyCheckpoint loaded = await StudyCheckpoint.LoadAsync(path);

        loaded.StudyName.ShouldBe("cp-roundtrip");
        loaded.Directions.ShouldBe([StudyDirection.Minimize, StudyDirection.Maximize]);
        loaded.Seed.ShouldBe(123UL);
        loaded.ConfigHash.ShouldBe("hash-1");
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(t => t.State).ShouldBe([TrialState.Complete, TrialState.Failed, TrialState.Pruned, TrialState.Running, TrialState.Waiting]);
        loaded.Trials.Length.ShouldBe(trials.Count);
        for (int i = 0; i < trials.Count; i++)
        {
            loaded.Trials[i].ShouldEqualTrial(trials[i]);
        }

        JsonObject file = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        file.Select(p => p.Key).ShouldBe(["format", "version", "study", "directions", "seed", "config_hash", "written_at", "trials"]);
        file["format"]!.GetValue<string>().ShouldBe("vernier-checkpoint");
        file["version"]!.GetValue<int>().ShouldBe(1);
        file["written_at"]!.GetValue<string>().ShouldBe("2026-04-02T08:30:00.0000000+00:00");
        Directory.GetFileSystemEntries(_temp.Combine("sub")).Select(Path.GetFileName).ShouldBe(["study.ckpt.json"]);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(42UL)]
    [InlineData(9_223_372_036_854_775_808UL)]
    [InlineData(ulong.MaxValue)]
    public async Task WriteThenLoad_AnySeedAndNoConfigHash_RoundTrip(ulong seed)
    {
        string path = _temp.Combine($"seed-{seed}.json");

        await new StudyCheckpoint("s", [StudyDirection.Maximize], seed, null, []).WriteAsync(path, Now);
        StudyCheckpoint loaded = await StudyCheckpoint.LoadAsync(path);

        loaded.Seed.ShouldBe(seed);
        loaded.ConfigHash.ShouldBeNull();
        loaded.Trials.ShouldBeEmpty();
        loaded.Directions.ShouldBe([StudyDirection.Maximize]);
    }

    [Fact]
    public async Task LoadAsync_TrialsOutOfOrderInTheFile_AreSortedByNumber()
    {
        string path = _temp.Combine("c.json");
        await new StudyCheckpoint("s", [StudyDirection.Minimize], 1, null, [Complete(2, 0.2), Complete(0, 0.0), Complete(1, 0.1)]).WriteAsync(path, Now);

        (await StudyCheckpoint.LoadAsync(path)).Trials.Select(t => t.Number).ShouldBe([0, 1, 2]);
    }

    [Fact]
    public async Task RestoreAsync_IntoFreshStorage_KeepsNumbersSeedAndDirectionsAndFailsRunningTrialsAsInterrupted()
    {
        FrozenTrial running = Trial(2, TrialState.Running, P("x", new FloatDistribution(0, 1), 0.5)) with
        {
            StartedAt = T0,
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(0, 0.9),
            SystemAttributes = Attributes("""{"worker": {"Host": "gone", "ProcessId": 9}}"""),
        };
        FrozenTrial waiting = Trial(4, TrialState.Waiting) with { SystemAttributes = Attributes("""{"fixed_params": {"x": 0.25}}""") };
        FrozenTrial[] trials =
        [
            Complete(0, 1.5, P("x", new FloatDistribution(0, 1), 0.1)) with { UserAttributes = Attributes("""{"metrics": {"acc": 0.5}}""") },
            Trial(1, TrialState.Failed) with { FailReason = "exited with code 3", StartedAt = T0, CompletedAt = T0.AddSeconds(2) },
            running,
            Trial(3, TrialState.Pruned) with { IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(3, 0.7) },
            waiting,
        ];
        var checkpoint = new StudyCheckpoint("restored", [StudyDirection.Maximize], 777, "h", [.. trials]);
        var storage = new InMemoryStorage();
        var clock = new ManualTimeProvider(Now);

        int added = await checkpoint.RestoreAsync(storage, clock);

        added.ShouldBe(5);
        await using Study study = await Study.Builder("restored").UseStorage(storage).LoadAsync();
        study.Seed.ShouldBe(777UL);
        study.Directions.ShouldBe([StudyDirection.Maximize]);
        IReadOnlyList<FrozenTrial> restored = await study.GetTrialsAsync();
        restored.Select(t => t.Number).ShouldBe([0, 1, 2, 3, 4]);
        foreach (int i in new[] { 0, 1, 3, 4 })
        {
            restored[i].ShouldEqualTrial(trials[i]);
        }

        FrozenTrial interrupted = restored[2];
        interrupted.State.ShouldBe(TrialState.Failed);
        interrupted.FailReason.ShouldBe("interrupted: it was still running when the checkpoint was written.");
        interrupted.CompletedAt.ShouldBe(Now);
        interrupted.StartedAt.ShouldBe(T0);
        interrupted.SystemAttributes[SystemAttributes.Interrupted].GetBoolean().ShouldBeTrue();
        interrupted.SystemAttributes[SystemAttributes.Worker].GetProperty("Host").GetString().ShouldBe("gone");
        interrupted.Params.ShouldBe(running.Params);
        interrupted.IntermediateValues.ShouldBe(running.IntermediateValues);
        TrialBudget.Counts(interrupted).ShouldBeFalse();
        restored.Count(TrialBudget.Counts).ShouldBe(3);
    }

    [Fact]
    public async Task RestoreAsync_StorageAlreadyHasSomeTrials_AddsOnlyTheMissingOnes()
    {
        FrozenTrial[] trials = [.. Enumerable.Range(0, 5).Select(i => Complete(i, i * 0.5))];
        var storage = new InMemoryStorage();
        await new StudyCheckpoint("partial", [StudyDirection.Minimize], 5, null, [.. trials[..2]]).RestoreAsync(storage, TimeProvider.System);
        IReadOnlyList<FrozenTrial> before = await TrialsOf(storage, "partial");
        var checkpoint = new StudyCheckpoint("partial", [StudyDirection.Minimize], 5, null, [.. trials]);

        int added = await checkpoint.RestoreAsync(storage, TimeProvider.System);
        int again = await checkpoint.RestoreAsync(storage, TimeProvider.System);

        added.ShouldBe(3);
        again.ShouldBe(0);
        IReadOnlyList<FrozenTrial> after = await TrialsOf(storage, "partial");
        after.Select(t => t.Number).ShouldBe([0, 1, 2, 3, 4]);
        after.Select(t => t.Value).ShouldBe([0.0, 0.5, 1.0, 1.5, 2.0]);
        after.Take(2).Select(t => t.TrialId).ShouldBe(before.Select(t => t.TrialId)); // untouched
        (await storage.GetStudiesAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task RestoreAsync_TargetStudyHasAnotherSeed_ThrowsVernierException()
    {
        var storage = new InMemoryStorage();
        await using (await Study.Builder("seeded").UseStorage(storage).WithSeed(7).CreateAsync())
        {
        }

        var error = await Should.ThrowAsync<VernierException>(
            () => new StudyCheckpoint("seeded", [StudyDirection.Minimize], 42, null, [Complete(0, 1)]).RestoreAsync(storage, TimeProvider.System));

        error.Message.ShouldBe(
            "cannot resume into this storage: study 'seeded' was created with seed 7, not 42; a study keeps its seed so that it can be reproduced. Use another study name.");
        (await TrialsOf(storage, "seeded")).ShouldBeEmpty();
    }

    [Fact]
    public async Task RestoreAsync_TargetStudyHasOtherDirections_ThrowsVernierException()
    {
        var storage = new InMemoryStorage();
        await using (await Study.Builder("dirs").UseStorage(storage).Maximize().WithSeed(1).CreateAsync())
        {
        }

        var error = await Should.ThrowAsync<VernierException>(
            () => new StudyCheckpoint("dirs", [StudyDirection.Minimize], 1, null, []).RestoreAsync(storage, TimeProvider.System));

        error.Message.ShouldBe("cannot resume into this storage: study 'dirs' was created to maximize, not minimize; use another study name.");
    }

    public static TheoryData<string, string> BadFiles() => new()
    {
        { "[1, 2]", "is unreadable: it is not a JSON object." },
        { """{"trials": []}""", "is unreadable: it is not a Vernier checkpoint (no \"format\": \"vernier-checkpoint\")." },
        { """{"format": "optuna-journal", "version": 1}""", "is unreadable: it is not a Vernier checkpoint (no \"format\": \"vernier-checkpoint\")." },
        { """{"format": "vernier-checkpoint", "version": 2}""", "is unreadable: it has format version 2; this Vernier reads version 1." },
        { """{"format": "vernier-checkpoint"}""", "is unreadable: it has format version 0; this Vernier reads version 1." },
        { """{"format": "vernier-checkpoint", "version": 1, "directions": ["minimize"], "seed": 1, "trials": []}""", "is unreadable: missing \"study\"." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["sideways"], "seed": 1, "trials": []}""", "is unreadable: unknown direction 'sideways'; expected minimize or maximize." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": "minimize", "seed": 1, "trials": []}""", "is unreadable: \"directions\" must be an array, got \"minimize\"." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": [1], "seed": 1, "trials": []}""", "is unreadable: a direction must be a string, got 1." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["minimize"], "trials": []}""", "is unreadable: missing \"seed\"." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["minimize"], "seed": 1}""", "is unreadable: missing \"trials\"." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["minimize"], "seed": 1, "trials": [3]}""", "is unreadable: a trial must be a JSON object, got 3." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["minimize"], "seed": -1, "trials": []}""", "is unreadable: \"seed\" must be an unsigned 64-bit integer, got -1." },
        { """{"format": "vernier-checkpoint", "version": 1, "study": "s", "directions": ["minimize"], "seed": 1, "trials": [{"state": "complete"}]}""", "is unreadable: invalid trial record: missing \"number\"." },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task LoadAsync_BadFile_ThrowsFormatExceptionSayingWhy(string content, string reason)
    {
        string path = _temp.Combine("bad.json");
        await File.WriteAllTextAsync(path, content);

        var error = await Should.ThrowAsync<FormatException>(() => StudyCheckpoint.LoadAsync(path));

        error.Message.ShouldBe($"checkpoint {path} {reason}");
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("")]
    [InlineData("""{"format": "vernier-checkpoint", "version": 1, "study": "s", """)]
    public async Task LoadAsync_NotJson_ThrowsFormatExceptionWithTheParsersPosition(string content)
    {
        string path = _temp.Combine("bad.json");
        await File.WriteAllTextAsync(path, content);

        var error = await Should.ThrowAsync<FormatException>(() => StudyCheckpoint.LoadAsync(path));

        error.Message.ShouldStartWith($"checkpoint {path} is unreadable: ");
        error.Message.ShouldContain("LineNumber: 0 | BytePositionInLine: ");
        error.InnerException.ShouldBeAssignableTo<JsonException>();
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ThrowsFormatExceptionNamingIt()
    {
        string path = _temp.Combine("nowhere.json");

        var error = await Should.ThrowAsync<FormatException>(() => StudyCheckpoint.LoadAsync(path));

        error.Message.ShouldBe($"cannot read checkpoint {path}: Could not find file '{path}'.");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task ResumeFromCheckpointInFreshStorage_MakesTheSameSuggestionsAsAnUninterruptedRun(int k)
    {
        const int N = 10;
        string path = _temp.Combine($"k{k}.json");
        await using Study straight = await SeededStudy(new InMemoryStorage());
        await straight.OptimizeAsync(DefineByRun, new OptimizeOptions { TotalTrials = N });

        await using (Study first = await SeededStudy(new InMemoryStorage()))
        {
            await first.OptimizeAsync(DefineByRun, new OptimizeOptions { TotalTrials = k });
            await (await StudyCheckpoint.CaptureAsync(first, null)).WriteAsync(path, Now);
        }

        var fresh = new InMemoryStorage();
        (await (await StudyCheckpoint.LoadAsync(path)).RestoreAsync(fresh, TimeProvider.System)).ShouldBe(k);
        await using Study resumed = await Study.Builder("repro").UseStorage(fresh).WithSampler(new RandomSampler()).LoadAsync();
        OptimizeResult result = await resumed.OptimizeAsync(DefineByRun, new OptimizeOptions { TotalTrials = N });

        result.TrialsStarted.ShouldBe(N - k);
        IReadOnlyList<FrozenTrial> expected = await straight.GetTrialsAsync();
        IReadOnlyList<FrozenTrial> actual = await resumed.GetTrialsAsync();
        actual.Count.ShouldBe(N);
        for (int i = 0; i < N; i++)
        {
            actual[i].Params.ShouldBe(expected[i].Params, $"trial {i}");
            actual[i].Value.ShouldBe(expected[i].Value, $"trial {i}");
        }

        expected.Select(t => t.Params["x"]).Distinct().Count().ShouldBe(N); // the suggestions really vary
    }

    [Fact]
    public async Task ResumeFromCheckpointInFreshStorage_DeclaredSpace_MakesTheSameSuggestions()
    {
        var space = new SearchSpace(
        [
            new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam"])),
            new ParameterSpec("momentum", new FloatDistribution(0, 0.99), Condition.Equal("opt", "sgd")),
            new ParameterSpec("layers", new IntDistribution(1, 6)),
        ]);
        Func<Trial, double> objective = t => (long)t.Params["layers"]! + (t.Params.TryGetValue("momentum", out object? m) ? (double)m! : 0);
        await using Study straight = await SeededStudy(new InMemoryStorage());
        await straight.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 8, SearchSpace = space });
        await using Study first = await SeededStudy(new InMemoryStorage());
        await first.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 3, SearchSpace = space });
        string path = _temp.Combine("declared.json");
        await (await StudyCheckpoint.CaptureAsync(first, null)).WriteAsync(path, Now);

        var fresh = new InMemoryStorage();
        await (await StudyCheckpoint.LoadAsync(path)).RestoreAsync(fresh, TimeProvider.System);
        await using Study resumed = await Study.Builder("repro").UseStorage(fresh).LoadAsync();
        await resumed.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 8, SearchSpace = space });

        (await resumed.GetTrialsAsync()).Select(t => JsonSerializer.Serialize(t.Params.OrderBy(p => p.Key)))
            .ShouldBe((await straight.GetTrialsAsync()).Select(t => JsonSerializer.Serialize(t.Params.OrderBy(p => p.Key))));
    }

    private static Task<Study> SeededStudy(IStorage storage) =>
        Study.Builder("repro").UseStorage(storage).WithSampler(new RandomSampler()).WithSeed(2024).CreateAsync();

    private static double DefineByRun(Trial trial)
    {
        double x = trial.SuggestFloat("x", -5, 5);
        double lr = trial.SuggestFloat("lr", 1e-5, 1, log: true);
        int n = trial.SuggestInt("n", 1, 64, step: 3);
        string act = trial.SuggestCategorical("act", ["relu", "tanh", "gelu"]);
        return (x * x) + lr + n + act.Length;
    }

    private static async Task<IReadOnlyList<FrozenTrial>> TrialsOf(IStorage storage, string name)
    {
        StudyRecord record = (await storage.FindStudyAsync(name)).ShouldNotBeNull();
        return await storage.GetTrialsAsync(record.StudyId);
    }
}
