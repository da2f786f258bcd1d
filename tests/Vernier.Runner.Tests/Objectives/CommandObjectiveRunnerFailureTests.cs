using System.Diagnostics;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using static Vernier.Runner.Tests.Support.Bash;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Runs real processes that fail, hang or are stopped, and checks the reason a user would read.</summary>
public sealed class CommandObjectiveRunnerFailureTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<CommandTrialResult> RunAsync(string script, Action<CommandObjectiveOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        CommandObjectiveOptions options = Options(script);
        configure?.Invoke(options);
        return await new CommandObjectiveRunner(options).RunAsync(Request(_temp), null, cancellationToken);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReportsCodeAndLastLinesOfStderr()
    {
        CommandTrialResult result = await RunAsync("""
            echo "METRIC val_loss=0.1"
            for i in $(seq 30); do echo "noise $i" >&2; done
            echo "Traceback (most recent call last):" >&2
            echo "ValueError: bad learning rate" >&2
            exit 3
            """);

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.ExitCode.ShouldBe(3);
        result.Signal.ShouldBeNull();
        result.ObjectiveValues.ShouldBeEmpty();
        result.ObjectiveValue.ShouldBe(0.1);
        result.FailureReason.ShouldBe(
            "exited with code 3; last lines of stderr:\n  noise 28\n  noise 29\n  noise 30\n  Traceback (most recent call last):\n  ValueError: bad learning rate");
        result.StderrTail.Count.ShouldBe(20);
        result.StderrTail[^1].ShouldBe("ValueError: bad learning rate");
    }

    [Fact]
    public async Task RunAsync_CudaOutOfMemory_IsNamedInReason()
    {
        CommandTrialResult result = await RunAsync("""
            echo "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity)" >&2
            exit 1
            """);

        result.OutOfMemory.ShouldBeTrue();
        result.FailureReason.ShouldNotBeNull().ShouldStartWith("CUDA out of memory; exited with code 1; last lines of stderr:");
    }

    [Fact]
    public async Task RunAsync_PlainOutOfMemory_IsNamedInReason()
    {
        CommandTrialResult result = await RunAsync("echo MemoryError >&2; exit 1");

        result.FailureReason.ShouldNotBeNull().ShouldStartWith("out of memory; exited with code 1");
    }

    [Theory]
    [InlineData("kill -9 $$", 9, "killed by signal 9 (SIGKILL), possibly by the kernel's out-of-memory killer")]
    [InlineData("kill -SEGV $$", 11, "killed by signal 11 (SIGSEGV)")]
    [InlineData("sleep 5 & kill -9 $!; wait $!; exit $?", 9, "killed by signal 9 (SIGKILL)")]
    [InlineData("kill -ABRT $$", 6, "killed by signal 6 (SIGABRT)")]
    public async Task RunAsync_KilledBySignal_ReportsSignal(string script, int signal, string reason)
    {
        // Covers the process itself being signalled (.NET reports 128 + n) and a shell reporting a signalled child (exit 128 + n).
        CommandTrialResult result = await RunAsync("echo dying >&2; " + script);

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.Signal.ShouldBe(signal);
        result.ExitCode.ShouldBe(128 + signal);
        result.FailureReason.ShouldNotBeNull().ShouldStartWith(reason);
        result.FailureReason.ShouldContain("; last lines of stderr:\n  dying");
    }

    [Fact]
    public async Task RunAsync_ExitZeroWithoutMetric_SaysWhichMetricIsMissing()
    {
        CommandTrialResult result = await RunAsync("""
            echo "METRIC step=1 val_loss=0.5"
            echo "METRIC loss=0.5"
            echo "METRIC val_loss=oops"
            """);

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.ExitCode.ShouldBe(0);
        result.FailureReason.ShouldNotBeNull().ShouldStartWith("exited with code 0 but printed no METRIC line for 'val_loss'");
        result.FailureReason.ShouldContain("intermediate values");
        result.FailureReason.ShouldContain("final metrics printed: loss");
        result.FailureReason.ShouldContain("value 'oops' for 'val_loss' is not a number");
    }

    [Fact]
    public async Task RunAsync_ExitZeroWithNoOutput_SaysNoMetric()
    {
        CommandTrialResult result = await RunAsync("true");

        result.FailureReason.ShouldBe("exited with code 0 but printed no METRIC line for 'val_loss'");
    }

    [Fact]
    public async Task RunAsync_MissingExtraMetric_Fails()
    {
        CommandTrialResult result = await RunAsync("echo METRIC val_loss=1", o => o.ExtraMetrics = ["latency"]);

        result.FailureReason.ShouldNotBeNull().ShouldStartWith("exited with code 0 but printed no METRIC line for 'latency'");
    }

    [Theory]
    [InlineData("nan", "reported val_loss=NaN")]
    [InlineData("inf", "reported val_loss=Infinity")]
    [InlineData("-Infinity", "reported val_loss=-Infinity")]
    public async Task RunAsync_NonFiniteObjective_Fails(string printed, string reason)
    {
        CommandTrialResult result = await RunAsync($"echo METRIC val_loss={printed}");

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.FailureReason.ShouldBe(reason);
        result.Metrics.ContainsKey("val_loss").ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_CommandNotFound_FailsWithoutLaunching()
    {
        var options = new CommandObjectiveOptions { Command = ["vernier-no-such-program", "x"], Metric = "m" };

        CommandTrialResult result = await new CommandObjectiveRunner(options).RunAsync(Request(_temp));

        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.ExitCode.ShouldBeNull();
        result.FailureReason.ShouldBe("could not start the command: 'vernier-no-such-program' was not found on PATH");
    }

    [Fact]
    public async Task RunAsync_UnknownPlaceholder_ThrowsBeforeLaunch()
    {
        CommandObjectiveOptions options = Options("touch \"$VERNIER_TRIAL_DIR/ran\"");
        options.Command = [.. options.Command, "--lr={learning_rate}"];
        var runner = new CommandObjectiveRunner(options);

        var error = await Should.ThrowAsync<CommandObjectiveException>(() => runner.RunAsync(Request(_temp, 0, P("lr", 0.1))));

        error.Message.ShouldContain("{learning_rate}");
        File.Exists(_temp.Combine("trial-0", "ran")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeLaunch_Throws()
    {
        await Should.ThrowAsync<OperationCanceledException>(() => RunAsync("touch should-not-exist", cancellationToken: new CancellationToken(true)));
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsWholeTreeIncludingGrandchild()
    {
        // The shell ignores SIGTERM and so do its children (ignored signals survive exec): only SIGKILL after the grace ends them.
        var clock = Stopwatch.StartNew();
        CommandTrialResult result = await RunAsync("""
            trap '' TERM
            sleep 300 &
            echo $! > "$VERNIER_TRIAL_DIR/grandchild.pid"
            echo "METRIC step=1 val_loss=0.5"
            wait
            """, o => { o.Timeout = TimeSpan.FromSeconds(1); o.TerminationGracePeriod = TimeSpan.FromMilliseconds(300); });

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(6));
        result.Status.ShouldBe(CommandTrialStatus.Failed);
        result.TimedOut.ShouldBeTrue();
        result.FailureReason.ShouldBe("timed out after 1 s; process tree killed (SIGKILL after the 300 ms grace period)");
        result.Signal.ShouldBe(9);
        result.IntermediateReports.ShouldHaveSingleItem().Step.ShouldBe(1);
        int grandchild = Processes.ReadPid(_temp.Combine("trial-0", "grandchild.pid"));
        (await Processes.IsGoneWithinAsync(grandchild, TimeSpan.FromSeconds(2))).ShouldBeTrue($"grandchild {grandchild} survived");
    }

    [Fact]
    public async Task RunAsync_Timeout_SigtermIsEnoughForAWellBehavedTree()
    {
        var clock = Stopwatch.StartNew();
        CommandTrialResult result = await RunAsync("""
            sleep 300 &
            echo $! > "$VERNIER_TRIAL_DIR/grandchild.pid"
            wait
            """, o => o.Timeout = TimeSpan.FromSeconds(1));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        result.FailureReason.ShouldBe("timed out after 1 s; process tree terminated (SIGTERM)");
        result.Signal.ShouldBe(15);
        int grandchild = Processes.ReadPid(_temp.Combine("trial-0", "grandchild.pid"));
        (await Processes.IsGoneWithinAsync(grandchild, TimeSpan.FromSeconds(2))).ShouldBeTrue($"grandchild {grandchild} survived");
    }

    [Fact]
    public async Task RunAsync_CancelledFromCallback_StopsWithinGracePeriodAndLetsProcessCleanUp()
    {
        // A pruner's path: the callback sees step 2 and cancels; the program handles SIGTERM and exits on its own.
        // Steps are 1 s apart: with 0.3 s, a loaded machine (2 cores, other tests starting processes) sometimes let step 3 through.
        using var prune = new CancellationTokenSource();
        var runner = new CommandObjectiveRunner(Options("""
            trap 'echo "got TERM, saving"; exit 0' TERM
            for step in 1 2 3 4 5 6 7 8 9; do echo "METRIC step=$step val_loss=0.$step"; sleep 1; done
            echo "METRIC val_loss=0.1"
            """));
        var clock = Stopwatch.StartNew();

        CommandTrialResult result = await runner.RunAsync(Request(_temp), async (report, ct) =>
        {
            if (report.Step == 2)
            {
                await prune.CancelAsync();
            }
        }, prune.Token);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3.5)); // step 2 comes at 1 s; well under the 5 s grace period
        result.Status.ShouldBe(CommandTrialStatus.Stopped);
        result.FailureReason.ShouldBe("stopped on request; process tree terminated (SIGTERM)");
        result.IntermediateReports.Select(r => r.Step).ShouldBe([1L, 2]);
        result.ExitCode.ShouldBe(0);
        File.ReadAllText(_temp.Combine("trial-0", "stdout.log")).ShouldContain("got TERM, saving");
    }

    [Fact]
    public async Task RunAsync_CancelledProcessIgnoringSigterm_IsKilledAfterGrace()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();

        CommandTrialResult result = await RunAsync(
            "trap '' TERM; sleep 300",
            o => o.TerminationGracePeriod = TimeSpan.FromMilliseconds(400),
            cancel.Token);

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(650));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        result.Status.ShouldBe(CommandTrialStatus.Stopped);
        result.Signal.ShouldBe(9);
        result.FailureReason.ShouldBe("stopped on request; process tree killed (SIGKILL after the 400 ms grace period)");
    }

    [Fact]
    public async Task RunAsync_BackgroundProcessLeftBehind_IsStoppedAndDoesNotHoldTheTrial()
    {
        var clock = Stopwatch.StartNew();
        CommandTrialResult result = await RunAsync("""
            sleep 300 &
            echo $! > "$VERNIER_TRIAL_DIR/orphan.pid"
            echo "METRIC val_loss=0.2"
            """);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
        result.Status.ShouldBe(CommandTrialStatus.Completed);
        result.Warnings.ShouldHaveSingleItem().ShouldContain("left processes running");
        int orphan = Processes.ReadPid(_temp.Combine("trial-0", "orphan.pid"));
        (await Processes.IsGoneWithinAsync(orphan, TimeSpan.FromSeconds(2))).ShouldBeTrue($"orphan {orphan} survived");
    }

    [Fact]
    public async Task RunAsync_DaemonHoldingOutputOpen_DoesNotHangTheTrial()
    {
        // A process that starts its own session leaves the group on purpose and is not killed, but it must
        // not keep the trial waiting for end-of-file on the pipe it inherited.
        var clock = Stopwatch.StartNew();
        CommandTrialResult result = await RunAsync("""
            setsid sleep 30 &
            daemon=$!
            echo $daemon > "$VERNIER_TRIAL_DIR/daemon.pid"
            # Exit only once the daemon leads its own group; before that it would still be stopped as a leftover.
            for i in $(seq 200); do read -r _ _ _ _ pgrp _ < /proc/$daemon/stat; [ "$pgrp" = "$daemon" ] && break; sleep 0.01; done
            echo "METRIC val_loss=0.2"
            """);
        int daemon = Processes.ReadPid(_temp.Combine("trial-0", "daemon.pid"));
        Process.GetProcessById(daemon).Kill();

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8));
        result.Status.ShouldBe(CommandTrialStatus.Completed);
        result.Warnings.ShouldHaveSingleItem().ShouldContain("output pipes stayed open");
    }

    [Fact]
    public async Task RunAsync_CallbackThrows_StopsTreeAndRethrows()
    {
        var runner = new CommandObjectiveRunner(Options("""
            echo $$ > "$VERNIER_TRIAL_DIR/pid"
            echo "METRIC step=1 val_loss=0.5"
            sleep 300
            """));

        var error = await Should.ThrowAsync<InvalidOperationException>(() =>
            runner.RunAsync(Request(_temp), (_, _) => throw new InvalidOperationException("storage is down")));

        error.Message.ShouldBe("storage is down");
        Processes.IsAlive(Processes.ReadPid(_temp.Combine("trial-0", "pid"))).ShouldBeFalse();
    }
}
