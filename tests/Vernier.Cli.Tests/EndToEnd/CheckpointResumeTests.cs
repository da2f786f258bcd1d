using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

public class CheckpointResumeTests
{
    private const string Study = """
        name: resume-demo
        space:
          - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
          - { name: layers, type: int, low: 2, high: 6 }
          - { name: activation, type: categorical, choices: [relu, gelu, tanh] }
        strategy: { name: random, seed: 42 }
        objective:
          command: [bash, -c, 'echo "METRIC val_loss=$(( {layers} * 7 % 5 ))"']
          pass_parameters: none
          metric: val_loss
        max_trials: 10
        """;

    [Fact]
    public async Task Search_CheckpointThenResumeIntoFreshStorage_ContinuesExactlyAsUninterrupted()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);

        CliResult first = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///first.db", "--n-trials", "4", "--checkpoint", "study.ckpt.json");
        first.ExitCode.ShouldBe(0, first.ToString());
        JsonNode checkpoint = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "study.ckpt.json")))!;
        checkpoint["trials"]!.AsArray().Count.ShouldBe(4);

        CliResult resumed = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--resume", "study.ckpt.json", "--storage", "sqlite:///fresh.db", "--output-dir", "resumed");
        resumed.ExitCode.ShouldBe(0, resumed.ToString());
        resumed.Output.ShouldContain("resumed study 'resume-demo' from the checkpoint: 4 trial(s) restored.");

        CliResult straight = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///straight.db", "--output-dir", "straight");
        straight.ExitCode.ShouldBe(0, straight.ToString());

        string[] resumedParams = ParamsByTrial(Path.Combine(dir.Path, "resumed", "trials.jsonl"));
        string[] straightParams = ParamsByTrial(Path.Combine(dir.Path, "straight", "trials.jsonl"));
        resumedParams.Length.ShouldBe(10);
        resumedParams.ShouldBe(straightParams);
    }

    [Fact]
    public async Task Search_ResumeWithChangedConfig_IsRefused()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        (await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--storage", "sqlite:///a.db", "--n-trials", "2", "--checkpoint", "ckpt.json")).ExitCode.ShouldBe(0);
        dir.Write("study.yaml", Study.Replace("high: 6", "high: 8", StringComparison.Ordinal));

        CliResult refused = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--resume", "ckpt.json", "--storage", "sqlite:///b.db");
        refused.ExitCode.ShouldBe(2, refused.ToString());
        refused.Error.ShouldContain("the checkpoint ckpt.json was written for a different config");
    }

    [Fact]
    public async Task Search_RunAgain_ContinuesTheStudyInsteadOfStartingOver()
    {
        using var dir = new TempDirectory();
        dir.Write("study.yaml", Study);
        (await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--n-trials", "3")).ExitCode.ShouldBe(0);
        CliResult again = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--n-trials", "5");
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Output.ShouldContain("ran 2 trial(s)");
        ParamsByTrial(Path.Combine(dir.Path, "runs", "resume-demo", "trials.jsonl")).Length.ShouldBe(5);

        CliResult fresh = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml", "--n-trials", "2", "--fresh");
        fresh.ExitCode.ShouldBe(0, fresh.ToString());
        ParamsByTrial(Path.Combine(dir.Path, "runs", "resume-demo", "trials.jsonl")).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Search_ConfigsRelativeSqlitePath_IsRelativeToTheConfigFileNotTheWorkingDirectory()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "project"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "elsewhere"));
        dir.Write("project/study.yaml", "storage: sqlite:///data/studies.db\n" + Study);

        CliResult run = await CliProcess.RunAsync(Path.Combine(dir.Path, "elsewhere"), "search", "-c", "../project/study.yaml", "--n-trials", "2");
        run.ExitCode.ShouldBe(0, run.ToString());
        File.Exists(Path.Combine(dir.Path, "project", "data", "studies.db")).ShouldBeTrue();
        File.Exists(Path.Combine(dir.Path, "elsewhere", "data", "studies.db")).ShouldBeFalse();
    }

    private static string[] ParamsByTrial(string trialsJsonl) =>
        [.. File.ReadAllLines(trialsJsonl).Select(line => JsonNode.Parse(line)!).OrderBy(t => (int)t["number"]!).Select(t => $"{t["number"]}:{t["params"]!.ToJsonString()}")];
}
