using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>A sweep whose trials each run a Python training script three times with generated seeds.</summary>
public class RepeatsTests
{
    private const string Script = """
        import argparse, json, os
        parser = argparse.ArgumentParser()
        parser.add_argument("--lr", type=float, required=True)
        parser.add_argument("--seed", type=int, required=True)
        args = parser.parse_args()
        seen = {"flag": args.seed, "env": int(os.environ["VERNIER_SEED"]), "run": int(os.environ["VERNIER_RUN_INDEX"])}
        with open(os.path.join(os.environ["VERNIER_TRIAL_DIR"], "seen.json"), "w") as f:
            json.dump(seen, f)
        print(f"METRIC step=1 loss={args.lr + 1000}")
        print(f"METRIC loss={args.lr + args.seed % 100} acc={seen['run']} extra=1")
        """;

    private const string Study = """
        name: repeated
        space:
          - { name: lr, type: float, low: 0.1, high: 0.9, step: 0.4 }
        strategy: { name: grid, seed: 3 }
        objective:
          command: [python3, train.py]
          metric: loss
          repeats: 3
          seeds: generate
          aggregate: mean
        outputs:
          runs_csv: { metrics: [acc, loss] }
        max_trials: 2
        """;

    [Fact]
    public async Task Search_RepeatsWithGeneratedSeeds_RunsEachTrialThreeTimesAndRecordsTheMeanAndTheSeeds()
    {
        using var dir = new TempDirectory();
        dir.Write("train.py", Script);
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///s.db");

        run.ExitCode.ShouldBe(0, run.ToString());
        string output = Path.Combine(dir.Path, "runs", "repeated");
        JsonNode[] trials = [.. File.ReadAllLines(Path.Combine(output, "trials.jsonl")).Select(l => JsonNode.Parse(l)!)];
        trials.Length.ShouldBe(2);
        foreach (JsonNode trial in trials)
        {
            trial["state"]!.GetValue<string>().ShouldBe("complete");
            double lr = trial["params"]!["lr"]!.GetValue<double>();
            long[] seeds = [.. trial["user_attrs"]!["seeds"]!.AsArray().Select(s => s!.GetValue<long>())];
            seeds.Length.ShouldBe(3);
            seeds.Distinct().Count().ShouldBe(3);
            trial["values"]![0]!.GetValue<double>().ShouldBe(seeds.Average(s => lr + s % 100), 1e-9);
            trial["user_attrs"]!["runs"]!.AsArray().Select(r => r!["seed"]!.GetValue<long>()).ShouldBe(seeds);
            trial["intermediate_values"]!["1"]!.GetValue<double>().ShouldBe(lr + 1000, 1e-9);
            string folder = Path.Combine(output, "trials", trial["number"]!.GetValue<int>().ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
            File.Exists(Path.Combine(folder, "params.json")).ShouldBeTrue();
            for (int i = 0; i < 3; i++)
            {
                JsonNode seen = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, $"run-{i + 1}", "seen.json")))!;
                seen["flag"]!.GetValue<long>().ShouldBe(seeds[i]);
                seen["env"]!.GetValue<long>().ShouldBe(seeds[i]);
                seen["run"]!.GetValue<int>().ShouldBe(i + 1);
                File.ReadAllText(Path.Combine(folder, $"run-{i + 1}", "stdout.log")).ShouldContain("METRIC loss=");
            }
        }

        string[] header = File.ReadLines(Path.Combine(output, "runs.csv")).First().Split(',');
        header.Where(h => h.StartsWith("metric_", StringComparison.Ordinal)).ShouldBe(["metric_acc", "metric_loss"]);

        string[] log = File.ReadAllLines(Path.Combine(output, "sweep.log"));
        log.Length.ShouldBe(6);
        log[0].ShouldEndWith(" run started: study repeated, minimize loss, budget 2 trials, config " + log[0][^12..]);
        string lr0 = trials[0]["params"]!["lr"]!.ToJsonString();
        log[1].ShouldEndWith($" trial 0 started | lr={lr0}");
        log[2].ShouldContain(" trial 0 complete in ");
        log[2].ShouldEndWith($", seeds {string.Join(", ", Seeds(trials[0]))} | lr={lr0}");
        log[5].ShouldContain(" run finished: 2 trial(s) started, the trial budget was reached; best ");

        // A dry run, in a scratch copy of the study with the same seed, shows the same seeds.
        CliResult dry = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///other.db", "--dry-run");
        dry.Output.ShouldContain($"trial 0 (seeds {string.Join(", ", Seeds(trials[0]))}): python3 train.py --lr={lr0} --seed={Seeds(trials[0])[0]}");
        dry.Output.ShouldContain($"trial 1 (seeds {string.Join(", ", Seeds(trials[1]))}): ");
    }

    private static long[] Seeds(JsonNode trial) => [.. trial["user_attrs"]!["seeds"]!.AsArray().Select(s => s!.GetValue<long>())];

    [Fact]
    public async Task Search_DryRunWithRepeats_ShowsTheNumberOfRunsAndEachTrialsSeeds()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study.Replace("seeds: generate", "seeds: [11, 22, 33]", StringComparison.Ordinal));

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///s.db", "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("runs       3 per trial, 6 in all, seeds listed, aggregate mean");
        run.Output.ShouldContain("trial 0 (seeds 11, 22, 33): python3 train.py --lr=0.9 --seed=11");
        run.Output.ShouldContain("trial 1 (seeds 11, 22, 33): python3 train.py --lr=0.1 --seed=11");
        Directory.Exists(Path.Combine(dir.Path, "runs")).ShouldBeFalse();
    }
}
