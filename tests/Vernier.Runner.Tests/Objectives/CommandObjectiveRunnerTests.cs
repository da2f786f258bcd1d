using System.Text.Json;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using static Vernier.Runner.Tests.Support.Bash;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Runs real processes: parameters, environment, files and the METRIC protocol on the happy path.</summary>
public sealed class CommandObjectiveRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_FlagsStyle_AppendsParametersAsFlags()
    {
        var runner = new CommandObjectiveRunner(Options("""printf '%s\n' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=0.5"""));

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 0, P("lr", 0.001), P("layers", 4L), P("opt", "sgd"), P("bn", true), P("w", 1.0)));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        File.ReadAllLines(Path.Combine(result.TrialDirectory, "args")).ShouldBe(["--lr=0.001", "--layers=4", "--opt=sgd", "--bn=true", "--w=1.0"]);
    }

    [Fact]
    public async Task RunAsync_Placeholders_AreSubstitutedIncludingTrialNumberAndDirectory()
    {
        var options = Options("""printf '%s\n' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=1""");
        options.Command = [.. options.Command, "--lr", "{lr}", "--save={trial_dir}/ckpt-{trial_number}", "{{literal}}"];
        options.ArgumentStyle = CommandArgumentStyle.None;
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 12, P("lr", 0.25), P("unused", 1L)));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        File.ReadAllLines(Path.Combine(result.TrialDirectory, "args"))
            .ShouldBe(["--lr", "0.25", $"--save={result.TrialDirectory}/ckpt-12", "{literal}"]);
        runner.PlaceholderNames.ShouldBe(["lr"]);
    }

    [Fact]
    public async Task RunAsync_ArgumentsWithSpacesQuotesAndShellCharacters_ArriveIntact()
    {
        // NUL-separated, so any byte sequence other than NUL can be compared exactly.
        var options = Options("""printf '%s\0' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=1""");
        options.Command = [.. options.Command, "two words", "it's \"quoted\"", "$HOME", "*", "; rm -rf /", "back\\slash", "tab\there", ""];
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 0, P("name", "a b 'c' \"d\" $(x) `y`"), P("emoji", "é→✓")));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        string[] args = File.ReadAllText(Path.Combine(result.TrialDirectory, "args")).Split('\0')[..^1];
        args.ShouldBe(["two words", "it's \"quoted\"", "$HOME", "*", "; rm -rf /", "back\\slash", "tab\there", "", "--name=a b 'c' \"d\" $(x) `y`", "--emoji=é→✓"]);
    }

    [Fact]
    public async Task RunAsync_SetsEnvironmentAndWritesParamsFile()
    {
        var options = Options("""
            env | grep -E '^(VERNIER_|PYTHONUNBUFFERED=|FROM_)' | grep -v '^VERNIER_TEST_' | sort > "$VERNIER_TRIAL_DIR/env"
            echo METRIC val_loss=1
            """);
        options.Environment = new Dictionary<string, string?> { ["FROM_OPTIONS"] = "o", ["FROM_BOTH"] = "options" };
        var runner = new CommandObjectiveRunner(options);
        var request = Request(_temp, 3, P("lr", 0.5), P("opt", "adam"), P("depth", null)) with
        {
            Environment = new Dictionary<string, string?> { ["FROM_BOTH"] = "request", ["FROM_REQUEST"] = "r" },
        };

        CommandTrialResult result = await runner.RunAsync(request);

        string dir = result.TrialDirectory;
        Path.IsPathRooted(dir).ShouldBeTrue();
        string paramsFile = Path.Combine(dir, "params.json");
        File.ReadAllLines(Path.Combine(dir, "env")).ShouldBe(
        [
            "FROM_BOTH=request", "FROM_OPTIONS=o", "FROM_REQUEST=r", "PYTHONUNBUFFERED=1",
            $"VERNIER_CHECKPOINT_DIR={Path.Combine(dir, "checkpoint")}", $"VERNIER_PARAMS_FILE={paramsFile}", $"VERNIER_TRIAL_DIR={dir}", "VERNIER_TRIAL_NUMBER=3",
        ]);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(paramsFile));
        json.RootElement.GetProperty("lr").GetDouble().ShouldBe(0.5);
        json.RootElement.GetProperty("opt").GetString().ShouldBe("adam");
        json.RootElement.GetProperty("depth").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task RunAsync_NullEnvironmentValue_RemovesInheritedVariable()
    {
        var options = Options("""echo "home=${HOME-unset}" > "$VERNIER_TRIAL_DIR/env"; echo METRIC val_loss=1""");
        options.Environment = new Dictionary<string, string?> { ["HOME"] = null };

        CommandTrialResult result = await new CommandObjectiveRunner(options).RunAsync(Request(_temp));

        File.ReadAllText(Path.Combine(result.TrialDirectory, "env")).Trim().ShouldBe("home=unset");
    }

    [Fact]
    public async Task RunAsync_RunsInWorkingDirectory_AndClosesStandardInput()
    {
        string work = Directory.CreateDirectory(_temp.Combine("work")).FullName;
        var options = Options("""read -r line; echo "read=$? pwd=$PWD" > "$VERNIER_TRIAL_DIR/out"; echo METRIC val_loss=1""");
        options.WorkingDirectory = work;

        CommandTrialResult result = await new CommandObjectiveRunner(options).RunAsync(Request(_temp));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        File.ReadAllText(Path.Combine(result.TrialDirectory, "out")).Trim().ShouldBe($"read=1 pwd={work}");
    }

    [Fact]
    public async Task RunAsync_ProcessLeadsItsOwnProcessGroupAndSession()
    {
        // Fields 5 and 6 of /proc/<pid>/stat are the process group and the session ("bash" has no spaces in its name).
        var runner = new CommandObjectiveRunner(Options("""
            read -r pid comm state ppid pgrp session rest < /proc/$$/stat
            echo "$$ $pgrp $session" > "$VERNIER_TRIAL_DIR/ids"
            echo METRIC val_loss=1
            """));

        CommandTrialResult result = await runner.RunAsync(Request(_temp));

        string[] ids = File.ReadAllText(Path.Combine(result.TrialDirectory, "ids")).Split(' ', StringSplitOptions.TrimEntries);
        ids[1].ShouldBe(ids[0]);
        ids[2].ShouldBe(ids[0]);
    }

    [Fact]
    public async Task RunAsync_CapturesLogsByteForByte()
    {
        var runner = new CommandObjectiveRunner(Options("""
            echo "hello out"; echo "hello err" >&2
            printf 'progress 10%%\rprogress 100%%\n' >&2
            echo "METRIC val_loss=0.3"
            printf 'no newline at end'
            """));

        CommandTrialResult result = await runner.RunAsync(Request(_temp));

        File.ReadAllText(Path.Combine(result.TrialDirectory, "stdout.log")).ShouldBe("hello out\nMETRIC val_loss=0.3\nno newline at end");
        File.ReadAllText(Path.Combine(result.TrialDirectory, "stderr.log")).ShouldBe("hello err\nprogress 10%\rprogress 100%\n");
        result.StderrTail.ShouldBe(["hello err", "progress 100%"]);
    }

    [Fact]
    public async Task RunAsync_FinalMetrics_LastPrintedWinsAndExtrasAreKept()
    {
        var options = Options("""
            echo "METRIC val_loss=0.9 acc=0.1"
            echo "METRIC step=1 val_loss=0.7"
            echo "METRIC val_loss=4.2e-1"
            echo "METRIC f1 0.75"
            """);
        options.ExtraMetrics = ["acc"];

        CommandTrialResult result = await new CommandObjectiveRunner(options).RunAsync(Request(_temp));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        result.FailureReason.ShouldBeNull();
        result.ObjectiveValue.ShouldBe(0.42);
        result.ObjectiveValues.ShouldBe([0.42, 0.1]);
        result.Metrics.ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.42, ["acc"] = 0.1, ["f1"] = 0.75 }, ignoreOrder: true);
        result.ExitCode.ShouldBe(0);
        result.Signal.ShouldBeNull();
        result.Duration.ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task RunAsync_IntermediateReports_ReachCallbackWhileProcessRuns()
    {
        // The script waits for the callback's acknowledgement before it goes on: it only
        // completes if each report is delivered as soon as its line is printed.
        var runner = new CommandObjectiveRunner(Options("""
            for step in 1 2 3; do
              echo "METRIC step=$step val_loss=0.$((9 - step)) acc=0.$step"
              for i in $(seq 100); do [ -f "$VERNIER_TRIAL_DIR/ack-$step" ] && break; sleep 0.02; done
              [ -f "$VERNIER_TRIAL_DIR/ack-$step" ] || { echo "no ack for step $step" >&2; exit 7; }
            done
            echo "METRIC val_loss=0.5"
            """));
        var seen = new List<IntermediateReport>();

        CommandTrialResult result = await runner.RunAsync(Request(_temp), (report, _) =>
        {
            seen.Add(report);
            File.WriteAllText(_temp.Combine("trial-0", $"ack-{report.Step}"), "");
            return ValueTask.CompletedTask;
        });

        result.Status.ShouldBe(CommandTrialStatus.Completed, result.FailureReason);
        seen.Select(r => r.Step).ShouldBe([1L, 2, 3]);
        seen[1].Values.ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.7, ["acc"] = 0.2 });
        result.IntermediateReports.Select(r => r.Values["val_loss"]).ShouldBe([0.8, 0.7, 0.6]);
    }

    [Fact]
    public async Task RunAsync_SlowCallbackAfterExit_StillReadsAllOutput()
    {
        // The process exits at once; the callback takes longer than the runner waits for silent pipes.
        var runner = new CommandObjectiveRunner(Options("""
            for step in 1 2 3; do echo "METRIC step=$step val_loss=0.$step"; done
            echo "METRIC val_loss=0.3"
            echo "last line"
            """));
        int calls = 0;

        CommandTrialResult result = await runner.RunAsync(Request(_temp), async (report, _) =>
        {
            Interlocked.Increment(ref calls);
            if (report.Step == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(2.3));
            }
        });
        int callsWhenReturned = calls;
        await Task.Delay(100);

        result.Status.ShouldBe(CommandTrialStatus.Completed, result.FailureReason);
        result.Warnings.ShouldBeEmpty();
        callsWhenReturned.ShouldBe(3);
        calls.ShouldBe(3);
        File.ReadAllText(Path.Combine(result.TrialDirectory, "stdout.log")).ShouldEndWith("last line\n");
    }

    [Fact]
    public async Task RunAsync_MalformedMetricLine_IsWarningNotFailure()
    {
        var runner = new CommandObjectiveRunner(Options("""
            echo "METRIC val_loss=tensor(0.5)"
            echo "METRIC val_loss=0.5"
            """));

        CommandTrialResult result = await runner.RunAsync(Request(_temp));

        result.Status.ShouldBe(CommandTrialStatus.Completed);
        result.Warnings.ShouldHaveSingleItem().ShouldBe(
            "stdout line 1: METRIC line ignored, value 'tensor(0.5)' for 'val_loss' is not a number: METRIC val_loss=tensor(0.5)");
        File.ReadAllText(Path.Combine(result.TrialDirectory, "stdout.log")).ShouldContain("tensor(0.5)");
    }

    [Fact]
    public async Task RunAsync_ManyTrialsAtOnce_KeepTheirOwnFiles()
    {
        var runner = new CommandObjectiveRunner(Options("""echo "METRIC val_loss=$VERNIER_TRIAL_NUMBER" """));

        CommandTrialResult[] results = await Task.WhenAll(Enumerable.Range(0, 6).Select(n => runner.RunAsync(Request(_temp, n, P("x", (long)n)))));

        results.Select(r => r.ObjectiveValue).ShouldBe([0.0, 1, 2, 3, 4, 5]);
        results.Select(r => File.ReadAllText(Path.Combine(r.TrialDirectory, "params.json")).Contains($"\"x\": {Array.IndexOf(results, r)}")).ShouldAllBe(b => b);
    }
}
