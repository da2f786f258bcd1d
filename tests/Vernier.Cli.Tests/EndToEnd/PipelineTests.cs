using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

public class PipelineTests
{
    private const string Study = """
        name: pipeline
        space:
          - { name: frac, type: categorical, choices: [0.5] }
          - { name: lr, type: float, low: 0.001, high: 0.1 }
        strategy: { name: random, seed: 1 }
        objective:
          metric: val_loss
          steps:
            - name: prepare
              command: [bash, -c, 'mkdir -p cache; echo data > cache/data-$1.txt', --, "{frac}"]
              outputs: ["cache/data-{frac}.txt"]
            - name: train
              command: [bash, -c, 'echo METRIC step=1 val_loss=0.9; echo model > "$VERNIER_TRIAL_DIR/model.bin"', --, "{lr}"]
              outputs: ["{trial_dir}/model.bin"]
            - { name: eval, command: "bash -c 'echo METRIC val_loss=0.25'" }
        max_trials: 2
        """;

    [Fact]
    public async Task Search_DryRun_ListsTheStepsOfTheFirstTrial()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "memory:", "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("objective  pipeline prepare → train → eval, minimize val_loss");
        string[] lines = run.Output.Split('\n');
        lines.Count(l => l.StartsWith("  step ", StringComparison.Ordinal)).ShouldBe(3);
        lines.ShouldContain("  step prepare: bash -c 'mkdir -p cache; echo data > cache/data-$1.txt' -- 0.5");
        lines.ShouldContain("  step eval: bash -c 'echo METRIC val_loss=0.25'");
        Directory.Exists(Path.Combine(dir.Path, "cache")).ShouldBeFalse();
    }

    [Fact]
    public async Task Search_Pipeline_CachesPrepareForTheSecondTrialAndRecordsTheSteps()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "memory:");

        run.ExitCode.ShouldBe(0, run.ToString());
        JsonNode[] trials = [.. File.ReadAllLines(Path.Combine(dir.Path, "runs", "pipeline", "trials.jsonl")).Select(l => JsonNode.Parse(l)!)];
        trials.Select(t => t["values"]![0]!.GetValue<double>()).ShouldBe([0.25, 0.25]);
        string Steps(JsonNode trial) => string.Join(" ", trial["user_attrs"]!["steps"]!.AsArray().Select(s => $"{s!["name"]}:{s["status"]}"));
        Steps(trials[0]).ShouldBe("prepare:ran train:ran eval:ran");
        Steps(trials[1]).ShouldBe("prepare:cached train:ran eval:ran");
        File.Exists(Path.Combine(dir.Path, "runs", "pipeline", "trials", "0001", "steps", "train", "stdout.log")).ShouldBeTrue();
    }
}
