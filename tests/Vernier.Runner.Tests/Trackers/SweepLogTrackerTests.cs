using Vernier.Distributions;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

/// <summary>sweep.log, which the StudyRunner keeps in its output folder.</summary>
public sealed class SweepLogTrackerTests : IDisposable
{
    private static readonly SearchSpace Space = new([new ParameterSpec("layers", new IntDistribution(2, 2)), new ParameterSpec("opt", new CategoricalDistribution(["adam"]))]);

    private readonly TempDirectory _temp = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _temp.Dispose();

    private string Log => _temp.Combine("out", "sweep.log");

    [Fact]
    public async Task RunAsync_OutputDirectory_LogsRunStartAndEndAndEachTrialsStartAndEndWithTimestamps()
    {
        await using Study study = await NewStudy();

        await Runner(study, 3).RunAsync(Objective);

        string hash = new string('c', 12);
        (await File.ReadAllLinesAsync(Log)).ShouldBe(
        [
            $"2026-03-01T12:00:00.000Z run started: study {study.Name}, minimize loss, budget 3 trials, config {hash}",
            "2026-03-01T12:00:00.000Z trial 0 started | layers=2, opt=adam",
            "2026-03-01T12:00:02.500Z trial 0 complete in 2.5 s, value 0 | layers=2, opt=adam",
            "2026-03-01T12:00:02.500Z trial 1 started | layers=2, opt=adam",
            "2026-03-01T12:00:05.000Z trial 1 failed in 2.5 s | layers=2, opt=adam | diverged at step 3;\\n  loss=nan",
            "2026-03-01T12:00:05.000Z trial 2 started | layers=2, opt=adam",
            "2026-03-01T12:00:07.500Z trial 2 complete in 2.5 s, value 2, seeds 11, 12 | layers=2, opt=adam",
            "2026-03-01T12:00:07.500Z run finished: 3 trial(s) started, the trial budget was reached; best 0 (trial 0)",
        ]);
    }

    [Fact]
    public async Task RunAsync_ContinuedStudy_AppendsToTheLog()
    {
        await using Study study = await NewStudy();

        await Runner(study, 1).RunAsync(Objective);
        await Runner(study, 3).RunAsync(Objective);

        string[] lines = await File.ReadAllLinesAsync(Log);
        lines.Length.ShouldBe(4 + 6);
        lines.Count(l => l.Contains(" run started: ", StringComparison.Ordinal)).ShouldBe(2);
        lines[^1].ShouldContain("run finished: 2 trial(s) started");
    }

    [Fact]
    public async Task RunAsync_RunNames_NameEachTrialsLines()
    {
        await using Study study = await NewStudy();
        StudyRunner runner = new(study, new StudyRunnerOptions
        {
            TotalTrials = 1,
            SearchSpace = Space,
            OutputDirectory = _temp.Combine("out"),
            Naming = new RunNaming { Name = "{opt}-l{layers}" },
        });

        await runner.RunAsync(Objective);

        string[] lines = await File.ReadAllLinesAsync(Log);
        lines[1].ShouldEndWith("trial 0 (adam-l2) started | layers=2, opt=adam");
        lines[2].ShouldEndWith("trial 0 (adam-l2) complete in 2.5 s, value 0 | layers=2, opt=adam");
    }

    [Fact]
    public async Task RunAsync_NoOutputDirectory_WritesNoLog()
    {
        await using Study study = await NewStudy();

        await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 1, SearchSpace = Space }).RunAsync(Objective);

        Directory.Exists(_temp.Combine("out")).ShouldBeFalse();
    }

    private StudyRunner Runner(Study study, int trials) => new(study, new StudyRunnerOptions
    {
        TotalTrials = trials,
        SearchSpace = Space,
        OutputDirectory = _temp.Combine("out"),
        MetricNames = ["loss"],
        ConfigHash = new string('c', 64),
    });

    private Task<IReadOnlyList<double>> Objective(Trial trial, CancellationToken cancellationToken)
    {
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        if (trial.Number == 1)
        {
            throw new TrialFailedException("diverged at step 3;\n  loss=nan");
        }

        if (trial.Number == 2)
        {
            trial.SetUserAttribute("seeds", new long[] { 11, 12 });
        }

        return Task.FromResult<IReadOnlyList<double>>([trial.Number]);
    }

    private Task<Study> NewStudy() =>
        Study.Builder($"sweep-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(1).Configure(o => o.TimeProvider = _clock).CreateAsync();
}
