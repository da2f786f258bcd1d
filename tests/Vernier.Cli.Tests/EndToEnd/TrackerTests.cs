using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

public class TrackerTests
{
    private const string Study = """
        name: tracked
        space:
          - { name: layers, type: int, low: 2, high: 6 }
        strategy: { name: random, seed: 7 }
        objective:
          command: [bash, -c, 'echo "METRIC val_loss=$(( {layers} * 7 % 5 ))"']
          pass_parameters: none
          metric: val_loss
        max_trials: 3
        trackers:
          - { name: csv, path: out/trials.csv }
        """;

    [Fact]
    public async Task Search_TrackerFlagAndFileTrackers_WriteTheEvents()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///s.db", "--tracker", "jsonl:path=events.jsonl", "--tracker", "console");

        run.ExitCode.ShouldBe(0, run.ToString());
        JsonObject[] events = [.. File.ReadAllLines(Path.Combine(dir.Path, "events.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject())];
        events.Select(e => e["event"]!.GetValue<string>()).ShouldBe(
        [
            "study_started",
            "trial_started", "trial_finished",
            "trial_started", "trial_finished",
            "trial_started", "trial_finished",
            "study_finished",
        ]);
        events[0]["study"]!.GetValue<string>().ShouldBe("tracked");
        events[0]["metrics"]![0]!.GetValue<string>().ShouldBe("val_loss");
        int layers = events[1]["params"]!["layers"]!.GetValue<int>();
        events[2]["trial"]!["values"]![0]!.GetValue<double>().ShouldBe(layers * 7 % 5);
        events[^1]["status"]!.GetValue<string>().ShouldBe("finished");
        File.ReadAllLines(Path.Combine(dir.Path, "out", "trials.csv")).Length.ShouldBe(4);
        run.Error.ShouldContain("[tracker] study tracked finished: 3 trial(s) started");
    }

    [Fact]
    public async Task Search_WandbWithoutTheWandbPackage_WarnsOnceAndTheStudyCompletes()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        // An isolated Python without site-packages: wandb cannot be imported even where it is installed.
        string python = dir.Write("isolated-python", "#!/bin/sh\nexec python3 -I -S \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///s.db", "--tracker", "wandb:project=demo,python=./isolated-python");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("ran 3 trial(s)");
        run.Error.Split('\n').Count(l => l.Contains("tracker WandbTracker failed", StringComparison.Ordinal)).ShouldBe(1, run.Error);
        run.Error.ShouldContain("cannot import wandb: ModuleNotFoundError");
    }

    [Fact]
    public async Task Search_UnknownTracker_IsAUsageErrorNamingTheAllowedOnes()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///s.db", "--tracker", "mlfow");

        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("--tracker: unknown tracker 'mlfow'; choose one of console, csv, jsonl, mlflow, wandb.");
    }
}
