using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using Vernier.SearchSpaces;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Runner.Tests.Support.Bash;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Real processes that fail in each way get the right failure class, and retry_on decides which are retried.</summary>
public sealed class CommandFailureClassTests : IDisposable
{
    private static readonly SearchSpace Space = new([new ParameterSpec("x", new FloatDistribution(0, 1))]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<CommandTrialResult> RunAsync(string script, Action<CommandObjectiveOptions>? configure = null, Func<long?>? oomKills = null)
    {
        CommandObjectiveOptions options = Options(script);
        configure?.Invoke(options);
        var runner = new CommandObjectiveRunner(options);
        if (oomKills is not null)
        {
            runner.OomKillCounter = oomKills;
        }

        return await runner.RunAsync(Request(_temp));
    }

    [Theory]
    [InlineData("echo METRIC val_loss=1", CommandFailureClass.None)]
    [InlineData("exit 3", CommandFailureClass.ExitCode)]
    [InlineData("kill -SEGV $$", CommandFailureClass.Signal)]
    [InlineData("kill -9 $$", CommandFailureClass.Signal)]
    [InlineData("sleep 5 & kill -9 $!; wait $!; exit $?", CommandFailureClass.Signal)]
    [InlineData("echo 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB' >&2; exit 1", CommandFailureClass.OutOfMemory)]
    [InlineData("echo 'torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB' >&2; exit 1", CommandFailureClass.OutOfMemory)]
    [InlineData("echo 'RuntimeError: Could not allocate tensor with 234881024 bytes. There is not enough GPU video memory available!' >&2; exit 1", CommandFailureClass.OutOfMemory)]
    [InlineData("echo 'terminate called after throwing an instance of std::bad_alloc' >&2; kill -ABRT $$", CommandFailureClass.OutOfMemory)]
    [InlineData("echo MemoryError >&2; exit 1", CommandFailureClass.OutOfMemory)]
    [InlineData("echo done", CommandFailureClass.NoMetric)]
    [InlineData("echo METRIC val_loss=nan", CommandFailureClass.NoMetric)]
    public async Task RunAsync_FailingCommand_GetsTheClassOfItsFailure(string script, CommandFailureClass expected)
    {
        CommandTrialResult result = await RunAsync(script, oomKills: () => 0);

        result.FailureClass.ShouldBe(expected);
        (result.Status == CommandTrialStatus.Completed).ShouldBe(expected == CommandFailureClass.None);
    }

    [Fact]
    public async Task RunAsync_Timeout_IsClassTimeout()
    {
        CommandTrialResult result = await RunAsync("sleep 30", o => { o.Timeout = TimeSpan.FromMilliseconds(300); o.TerminationGracePeriod = TimeSpan.FromSeconds(2); });

        result.FailureClass.ShouldBe(CommandFailureClass.Timeout);
        result.FailureReason.ShouldNotBeNull().ShouldStartWith("timed out after 300 ms");
    }

    [Fact]
    public async Task RunAsync_SigkillWhileTheCgroupsOomKillCountRises_IsOomKilledAndSaysSo()
    {
        long count = 4;
        CommandTrialResult result = await RunAsync("kill -9 $$", oomKills: () => count++);

        result.FailureClass.ShouldBe(CommandFailureClass.OomKilled);
        result.FailureReason.ShouldNotBeNull().ShouldStartWith(
            "killed by signal 9 (SIGKILL) from the kernel's out-of-memory killer (the cgroup's oom_kill count rose during the trial)");
    }

    [Fact]
    public async Task RunAsync_SegfaultWhileTheOomKillCountRises_IsStillSignal()
    {
        long count = 0;
        CommandTrialResult result = await RunAsync("kill -SEGV $$", oomKills: () => count++);

        result.FailureClass.ShouldBe(CommandFailureClass.Signal);
    }

    [Fact]
    public async Task RunAsync_StoppedOnRequest_IsInterrupted()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        CommandTrialResult result = await new CommandObjectiveRunner(Options("sleep 30")).RunAsync(Request(_temp), null, cancel.Token);

        result.Status.ShouldBe(CommandTrialStatus.Stopped);
        result.FailureClass.ShouldBe(CommandFailureClass.Interrupted);
    }

    [Fact]
    public void ParseOomKills_ReadsTheOomKillLineOfMemoryEventsAndOomControl()
    {
        MemoryEvents.ParseOomKills("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n").ShouldBe(2);
        MemoryEvents.ParseOomKills("oom_kill_disable 0\nunder_oom 0\noom_kill 7\n").ShouldBe(7);
        MemoryEvents.ParseOomKills("low 0\n").ShouldBeNull();
    }

    [Fact]
    public void Names_AreSnakeCaseAndRoundTrip()
    {
        CommandFailureClasses.AllNames.ShouldBe(["out_of_memory", "oom_killed", "timeout", "signal", "exit_code", "no_metric", "interrupted"]);
        foreach (string name in CommandFailureClasses.AllNames)
        {
            CommandFailureClasses.TryParse(name, out CommandFailureClass parsed).ShouldBeTrue();
            CommandFailureClasses.Name(parsed).ShouldBe(name);
        }

        CommandFailureClasses.TryParse("none", out _).ShouldBeFalse();
        CommandFailureClasses.TryParse("OutOfMemory", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Study_SignalFailureWithDefaultRetryOn_IsRetriedUpToMaxRetriesEachLinkedToTheFirst()
    {
        IReadOnlyList<FrozenTrial> trials = await RunStudyAsync("kill -SEGV $$", new ObjectiveDefinition { Command = ["bash"], MaxRetries = 2, RetryBackoff = TimeSpan.Zero });

        trials.Count.ShouldBe(3);
        trials.ShouldAllBe(t => t.State == TrialState.Failed && t.SystemAttributes[SystemAttributes.FailureClass].GetString() == "signal");
        trials[0].SystemAttributes.ContainsKey(SystemAttributes.RetryOf).ShouldBeFalse();
        trials.Skip(1).Select(t => t.SystemAttributes[SystemAttributes.RetryOf].GetInt32()).ShouldBe([0, 0]);
        trials.Skip(1).Select(t => t.SystemAttributes[SystemAttributes.RetryCount].GetInt32()).ShouldBe([1, 2]);
        trials.Select(t => t.Params["x"]).Distinct().ShouldHaveSingleItem();
        trials[0].FailReason.ShouldNotBeNull().ShouldStartWith("killed by signal 11 (SIGSEGV)");
    }

    [Fact]
    public async Task Study_NoMetricFailureWithDefaultRetryOn_IsNotRetried()
    {
        IReadOnlyList<FrozenTrial> trials = await RunStudyAsync("echo done", new ObjectiveDefinition { Command = ["bash"], MaxRetries = 2, RetryBackoff = TimeSpan.Zero });

        trials.ShouldHaveSingleItem().SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("no_metric");
    }

    [Fact]
    public async Task Study_RetryOnListsExitCode_RetriesExitCodeButNotSignal()
    {
        var objective = new ObjectiveDefinition { Command = ["bash"], MaxRetries = 1, RetryBackoff = TimeSpan.Zero, RetryOn = [CommandFailureClass.ExitCode] };

        (await RunStudyAsync("exit 3", objective)).Count.ShouldBe(2);
        (await RunStudyAsync("kill -SEGV $$", objective)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Study_RetryWithBackoff_StartsNoEarlierThanRetryNotBefore()
    {
        string started = _temp.Combine("started");
        IReadOnlyList<FrozenTrial> trials = await RunStudyAsync(
            $"date +%s.%N >> '{started}'; kill -SEGV $$", new ObjectiveDefinition { Command = ["bash"], MaxRetries = 1, RetryBackoff = TimeSpan.FromSeconds(0.5) });

        trials.Count.ShouldBe(2);
        DateTimeOffset notBefore = trials[1].SystemAttributes[SystemAttributes.RetryNotBefore].GetDateTimeOffset();
        notBefore.ShouldBeGreaterThanOrEqualTo(trials[0].CompletedAt!.Value.AddSeconds(0.5));
        trials[1].StartedAt!.Value.ShouldBeLessThanOrEqualTo(notBefore); // claimed at once, then it waits
        double[] starts = [.. (await File.ReadAllLinesAsync(started)).Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture))];
        starts.Length.ShouldBe(2);
        starts[1].ShouldBeGreaterThanOrEqualTo(notBefore.ToUnixTimeMilliseconds() / 1000.0 - 0.01); // the process did not start before the backoff
    }

    [Fact]
    public void RetryPolicy_CallableOrNoRetries_IsNull()
    {
        StudyComposition.RetryPolicy(new ObjectiveDefinition { MaxRetries = 3 }).ShouldBeNull();
        StudyComposition.RetryPolicy(new ObjectiveDefinition { Command = ["bash"] }).ShouldBeNull();
        new ObjectiveDefinition().RetryOn.ShouldBe([CommandFailureClass.OomKilled, CommandFailureClass.Signal, CommandFailureClass.Timeout]);
        new ObjectiveDefinition().RetryBackoff.ShouldBe(TimeSpan.FromSeconds(5));
    }

    private async Task<IReadOnlyList<FrozenTrial>> RunStudyAsync(string script, ObjectiveDefinition objective)
    {
        await using Study study = await Study.Builder($"retries-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(3)
            .Configure(o =>
            {
                o.MaxRetries = objective.MaxRetries;
                o.RetryBackoff = objective.RetryBackoff;
                o.RetryFailed = StudyComposition.RetryPolicy(objective);
            })
            .CreateAsync();
        var command = new CommandStudyObjective(new CommandObjectiveRunner(Options(script)), _temp.Combine($"trials-{Guid.NewGuid():N}"));
        await study.OptimizeAsync(command.EvaluateAsync, new OptimizeOptions { NTrials = 1, SearchSpace = Space });
        return [.. (await study.GetTrialsAsync()).OrderBy(t => t.Number)];
    }
}
