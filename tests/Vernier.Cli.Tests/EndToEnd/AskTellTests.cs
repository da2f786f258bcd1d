using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

public class AskTellTests
{
    private const string Study = """
        name: scripted
        space:
          - { name: x, type: float, low: -1, high: 1 }
          - { name: opt, type: categorical, choices: [adam, sgd] }
        strategy: { name: random, seed: 3 }
        objective: { command: [bash, train.sh], metric: loss }
        resource: { max_concurrent: 2 }
        """;

    [Fact]
    public async Task Ask_BeyondMaxConcurrent_IsRefusedWithTheSchedulersError_UntilATrialIsTold()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult first = await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml");
        first.ExitCode.ShouldBe(0, first.ToString());
        JsonNode trial = JsonNode.Parse(first.Output)!;
        trial["trial_number"]!.GetValue<int>().ShouldBe(0);
        double x = trial["params"]!["x"]!.GetValue<double>();
        x.ShouldBeInRange(-1, 1);
        (await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml")).ExitCode.ShouldBe(0);

        CliResult refused = await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml");
        refused.ExitCode.ShouldBe(3, refused.ToString());
        refused.Error.Trim().ShouldBe("error: 2 trial(s) are already running, the study's max_concurrent limit; tell a result before asking again, or raise max_concurrent.");

        CliResult told = await CliProcess.RunAsync(dir.Path, "tell", "-c", "study.yaml", "--trial", "0", "--value", "0.25");
        told.ExitCode.ShouldBe(0, told.ToString());
        told.Output.Trim().ShouldBe("trial 0: complete 0.25");
        JsonNode third = JsonNode.Parse((await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml")).Output)!;
        third["trial_number"]!.GetValue<int>().ShouldBe(2);

        CliResult failed = await CliProcess.RunAsync(dir.Path, "tell", "-c", "study.yaml", "--trial", "1", "--failed", "out of memory");
        failed.Output.Trim().ShouldBe("trial 1: failed (out of memory)");
        CliResult twice = await CliProcess.RunAsync(dir.Path, "tell", "-c", "study.yaml", "--trial", "0", "--value", "1");
        twice.ExitCode.ShouldBe(1);
        twice.Error.ShouldContain("trial 0 was already complete; this result was not recorded.");

        CliResult best = await CliProcess.RunAsync(dir.Path, "best", "-c", "study.yaml");
        JsonNode bestJson = JsonNode.Parse(best.Output)!;
        bestJson["trial_number"]!.GetValue<int>().ShouldBe(0);
        bestJson["params"]!["x"]!.GetValue<double>().ShouldBe(x);
    }

    [Fact]
    public async Task Heartbeat_Every_KeepsBeatingUntilTheTrialIsTold()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        (await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml")).ExitCode.ShouldBe(0);
        using System.Diagnostics.Process beating = CliProcess.Start(dir.Path, "heartbeat", "-c", "study.yaml", "--trial", "0", "--every", "0.2");
        // The first beat is recorded before this line is printed.
        (await beating.StandardOutput.ReadLineAsync()).ShouldBe("keeping trial 0 alive: a heartbeat every 0.2 s until it finishes or this process is stopped.");

        (await CliProcess.RunAsync(dir.Path, "tell", "-c", "study.yaml", "--trial", "0", "--value", "1")).ExitCode.ShouldBe(0);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await beating.WaitForExitAsync(patience.Token);
        beating.ExitCode.ShouldBe(0);
        (await beating.StandardError.ReadToEndAsync()).ShouldContain("heartbeat stopped: trial 0 is complete, not running");
    }

    [Fact]
    public async Task Heartbeat_Stops_TheNextAskFailsTheTrialAsStaleAndRetriesItsParameters()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study.Replace("resource: { max_concurrent: 2 }", "resource: { max_concurrent: 2, heartbeat_interval: 0.5, stale_after: 1 }")
            .Replace("metric: loss }", "metric: loss, max_retries: 1 }"));
        JsonNode asked = JsonNode.Parse((await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml")).Output)!;
        CliResult beat = await CliProcess.RunAsync(dir.Path, "heartbeat", "-c", "study.yaml", "--trial", "0");
        beat.ExitCode.ShouldBe(0, beat.ToString());

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // the script "died": no more beats, and stale_after passes

        JsonNode retried = JsonNode.Parse((await CliProcess.RunAsync(dir.Path, "ask", "-c", "study.yaml")).Output)!;
        retried["trial_number"]!.GetValue<int>().ShouldBe(1);
        retried["params"]!["x"]!.GetValue<double>().ShouldBe(asked["params"]!["x"]!.GetValue<double>());
        retried["params"]!["opt"]!.GetValue<string>().ShouldBe(asked["params"]!["opt"]!.GetValue<string>());
        CliResult trials = await CliProcess.RunAsync(dir.Path, "trials", "-c", "study.yaml", "--trial", "0");
        trials.Output.ShouldContain("stale: no heartbeat");
        CliResult late = await CliProcess.RunAsync(dir.Path, "heartbeat", "-c", "study.yaml", "--trial", "0");
        late.ExitCode.ShouldBe(1);
        late.Error.ShouldContain("trial 0 is failed, not running");
    }
}
