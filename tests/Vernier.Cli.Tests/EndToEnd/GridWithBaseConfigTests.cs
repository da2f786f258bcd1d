using System.Text.Json;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>examples/grid-with-base-config run as a user would, and the grid's size line.</summary>
public class GridWithBaseConfigTests
{
    private const string GridLine = "11 points (1 forbidden combination left out, 4 merged by 'set')";

    private static string Example => Path.Combine(CliProcess.RepositoryRoot, "examples", "grid-with-base-config");

    [Fact]
    public async Task Search_Example_RunsEveryGridPointWithItsMergedConfig()
    {
        using var dir = new TempDirectory();

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "--config", Path.Combine(Example, "sweep.yaml"));

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain($"grid: {GridLine}");
        run.Output.ShouldContain("ran 11 trial(s); the sampler visited every point of the grid. The study has 11 complete");
        string trials = Path.Combine(dir.Path, "runs", "grid-with-base-config", "trials");
        var seen = new HashSet<(string, double, double)>();
        foreach (string trial in Directory.GetDirectories(trials))
        {
            // Three seeded runs per point, each in its own folder with its own copy of the config, on one of the two devices.
            string[] logs = [.. Enumerable.Range(1, 3).Select(run => File.ReadAllText(Path.Combine(trial, $"run-{run}", "stdout.log")))];
            logs.Select(log => log[log.IndexOf("seed=", StringComparison.Ordinal)..].Split(' ')[0]).Distinct().Count().ShouldBe(3, "the runs of a point share a seed");
            logs.ShouldAllBe(log => log.Contains("device=0") || log.Contains("device=1"));
            using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(trial, "run-1", "config.json")));
            using JsonDocument parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(trial, "params.json")));
            JsonElement learner = config.RootElement.GetProperty("learner");
            string opt = learner.GetProperty("opt").GetString()!;
            double step = learner.GetProperty("step_size").GetDouble();
            double momentum = learner.GetProperty("momentum").GetDouble();

            // The trial's values are merged in; the rest of the base config is untouched.
            opt.ShouldBe(parameters.RootElement.GetProperty("learner.opt").GetString());
            step.ShouldBe(parameters.RootElement.GetProperty("learner.step_size").GetDouble());
            learner.GetProperty("weight_decay").GetDouble().ShouldBe(0.0001);
            config.RootElement.GetProperty("trainer").GetProperty("epochs").GetInt32().ShouldBe(8);
            if (opt == "adam")
            {
                momentum.ShouldBe(0.0);
            }

            (opt == "sgd" && step == 0.3 && momentum == 0.9).ShouldBeFalse("the forbidden combination ran");
            seen.Add((opt, step, momentum)).ShouldBeTrue("a grid point ran twice");
            logs[0].ShouldContain($"trained mlp on synthetic-regression with {opt}");
        }

        seen.Count.ShouldBe(11);
        File.ReadAllText(Path.Combine(Example, "configs", "base.yaml")).ShouldContain("  step_size: 0.1\n");
    }

    [Fact]
    public async Task DryRun_Example_PrintsTheGridSizeAndWhereTheMergedConfigGoes()
    {
        using var dir = new TempDirectory();

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "--config", Path.Combine(Example, "sweep.yaml"), "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain($"grid       {GridLine}");
        run.Output.ShouldContain($"config     {Path.Combine(Example, "configs", "base.yaml")}, merged with each trial's parameters into its config.json");
        run.Output.ShouldContain("runs       3 per trial, 33 in all");
        run.Output.ShouldContain("devices    0, 1 (1 trial per device)");
        run.Output.ShouldMatch(@"\n  run: name (sgd|adam)-lr[0-9.]+-m[0-9.]+, group (sgd|adam)\n");
        run.Output.ShouldContain($"python3 train.py --config {Path.Combine(dir.Path, "runs", "grid-with-base-config", "trials", "0000", "run-1", "config.json")}");
        Directory.Exists(Path.Combine(dir.Path, "runs")).ShouldBeFalse();
    }

    [Fact]
    public async Task DryRun_GridWithoutConstraints_PrintsOnlyThePointCount()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", """
            space:
              a: { type: categorical, choices: [x, y] }
              b: { type: int, low: 1, high: 3 }
            strategy: grid
            objective: { command: [bash, -c, 'echo METRIC loss=1'], metric: loss, pass_parameters: none }
            storage: memory
            """);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "--config", "study.yaml", "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("grid       6 points\n");
        run.Output.ShouldNotContain("config     ");
    }

    [Fact]
    public async Task Search_UnknownOverridePath_FailsBeforeAnyTrialNamingTheClosestPath()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "configs"));
        dir.Write("configs/base.yaml", "learner: { opt: sgd, step_size: 0.1 }\n");
        dir.Write("study.yaml", """
            space:
              learner.stepsize: { type: categorical, choices: [0.1, 0.01] }
            strategy: grid
            objective: { command: [bash, -c, 'echo METRIC loss=1'], metric: loss, base_config: configs/base.yaml }
            storage: memory
            """);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "--config", "study.yaml");

        run.ExitCode.ShouldNotBe(0);
        run.Error.ShouldContain("study.yaml:2:3: parameter 'learner.stepsize': 'learner.stepsize' is not in the base config (configs/base.yaml); did you mean 'learner.step_size'?");
        Directory.Exists(Path.Combine(dir.Path, "runs")).ShouldBeFalse();
    }
}
