using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;
using Vernier.Runner;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>
/// Every sampler, run by the real CLI in separate processes: the same seed gives the same trials,
/// and a study stopped halfway and continued by a new process matches one run straight through.
/// </summary>
public class SamplerReproducibilityTests
{
    private const string Study = """
        name: reproducible
        space:
          - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
          - { name: layers, type: int, low: 1, high: 6 }
          - { name: dropout, type: float, low: 0.0, high: 0.5 }
          - { name: activation, type: categorical, choices: [relu, gelu, tanh] }
        objective:
          command: [awk, -v, 'lr={lr}', -v, 'l={layers}', -v, 'd={dropout}', -v, 'a={activation}', 'BEGIN { x = log(lr) + 6; print "METRIC loss=" (x * x + (l - 3) * (l - 3) + d + (a == "gelu" ? 0 : 1)) }']
          pass_parameters: none
          metric: loss
        max_trials: 24
        """;

    /// <summary>Every sampler that can run a continuous space (the grid needs a finite one and has its own tests).</summary>
    public static TheoryData<string> Samplers => [.. StudyComposition.SamplerNames.Where(n => n != "grid")];

    [Theory]
    [MemberData(nameof(Samplers))]
    public async Task SameSeedInNewProcesses_AndResumeHalfway_GiveTheSameTrials(string sampler)
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        string[] common = ["search", "-c", "study.yaml", "--sampler", sampler, "--seed", "5"];

        CliResult straight = await CliProcess.RunAsync(dir.Path, [.. common, "--storage", "sqlite:///straight.db", "--output-dir", "straight"]);
        straight.ExitCode.ShouldBe(0, straight.ToString());
        CliResult half = await CliProcess.RunAsync(dir.Path, [.. common, "--storage", "sqlite:///resumed.db", "--output-dir", "resumed", "--n-trials", "12"]);
        half.ExitCode.ShouldBe(0, half.ToString());
        CliResult rest = await CliProcess.RunAsync(dir.Path, [.. common, "--storage", "sqlite:///resumed.db", "--output-dir", "resumed"]);
        rest.ExitCode.ShouldBe(0, rest.ToString());

        string[] expected = ParamsByTrial(Path.Combine(dir.Path, "straight", "trials.jsonl"));
        expected.Length.ShouldBe(24);
        expected.Distinct().Count().ShouldBeGreaterThan(20, "a sampler that repeats itself cannot show reproducibility");
        ParamsByTrial(Path.Combine(dir.Path, "resumed", "trials.jsonl")).ShouldBe(expected);
    }

    private static string[] ParamsByTrial(string jsonl) =>
        [.. File.ReadAllLines(jsonl).Select(line => JsonNode.Parse(line)!).Select(t => $"{t["number"]}:{t["state"]}:{t["params"]!.ToJsonString()}")];
}
