using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;
using Vernier.Trials;

namespace Vernier.Cli.Tests.EndToEnd;

public class CallableObjectiveTests
{
    [Fact]
    public async Task Search_CallableObjective_RunsTheMethodInProcessAndRecordsItsReports()
    {
        using var dir = new TempDirectory();
        string assembly = typeof(CallableObjectives).Assembly.Location;
        dir.Write("study.yaml", $$"""
            name: in-process
            space:
              - { name: x, type: float, low: -2, high: 2 }
            strategy: { name: random, seed: 9 }
            objective:
              callable: "{{assembly}}:{{typeof(CallableObjectives).FullName}}.Quadratic"
              metric: loss
            max_trials: 5
            """);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml");
        run.ExitCode.ShouldBe(0, run.ToString());

        JsonNode[] trials = [.. File.ReadAllLines(Path.Combine(dir.Path, "runs", "in-process", "trials.jsonl")).Select(l => JsonNode.Parse(l)!)];
        trials.Length.ShouldBe(5);
        foreach (JsonNode trial in trials)
        {
            double x = trial["params"]!["x"]!.GetValue<double>();
            trial["values"]![0]!.GetValue<double>().ShouldBe(x * x, 1e-12);
            trial["intermediate_values"]!["0"]!.GetValue<double>().ShouldBe(Math.Abs(x), 1e-12);
        }
    }
}

/// <summary>Objectives a study file names as <c>callable</c>; loaded by the CLI from this test assembly.</summary>
public static class CallableObjectives
{
    public static double Quadratic(Trial trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        double x = trial.SuggestFloat("x", -2, 2);
        trial.Report(Math.Abs(x), 0);
        return x * x;
    }
}
