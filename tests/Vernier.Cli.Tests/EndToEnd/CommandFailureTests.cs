using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

public class CommandFailureTests
{
    // One trial per failure mode: the grid visits each mode exactly once.
    private const string Script = """
        #!/usr/bin/env bash
        case "$1" in
          --mode=exit)    echo "loading data" >&2; echo "ValueError: bad shape" >&2; exit 3 ;;
          --mode=signal)  kill -9 $$ ;;
          --mode=timeout) sleep 30 ;;
          --mode=silent)  echo "training done, forgot to report" ;;
          --mode=nan)     echo "METRIC loss=nan" ;;
          --mode=ok)      echo "METRIC step=0 loss=0.9"; echo "METRIC loss=0.5 acc=0.8" ;;
        esac
        """;

    private const string Study = """
        name: failures
        space:
          - { name: mode, type: categorical, choices: [exit, signal, timeout, silent, nan, ok] }
        strategy: { name: grid, seed: 1 }
        objective: { command: [bash, objective.sh], metric: loss, timeout: 1 }
        max_trials: 20
        """;

    [Fact]
    public async Task Search_EveryFailureMode_GivesAFailedTrialWithItsReason_AndTheStudyFinishes()
    {
        using var dir = new TempDirectory();
        dir.Write("objective.sh", Script);
        dir.Write("study.yaml", Study);

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "-c", "study.yaml");
        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("ran 6 trial(s); the sampler visited every point of the grid.");

        Dictionary<string, JsonNode> byMode = File.ReadAllLines(Path.Combine(dir.Path, "runs", "failures", "trials.jsonl"))
            .Select(l => JsonNode.Parse(l)!)
            .ToDictionary(t => t["params"]!["mode"]!.GetValue<string>());
        string Reason(string mode) => byMode[mode]["fail_reason"]?.GetValue<string>() ?? "";

        byMode["ok"]["state"]!.GetValue<string>().ShouldBe("complete");
        byMode["ok"]["values"]![0]!.GetValue<double>().ShouldBe(0.5);
        byMode["ok"]["intermediate_values"]!["0"]!.GetValue<double>().ShouldBe(0.9);
        byMode["ok"]["user_attrs"]!["metrics"]!["acc"]!.GetValue<double>().ShouldBe(0.8);
        foreach (string mode in new[] { "exit", "signal", "timeout", "silent", "nan" })
        {
            byMode[mode]["state"]!.GetValue<string>().ShouldBe("failed", mode);
        }

        Reason("exit").ShouldStartWith("exited with code 3; last lines of stderr:");
        Reason("exit").ShouldContain("ValueError: bad shape");
        Reason("signal").ShouldStartWith("killed by signal 9 (SIGKILL)");
        Reason("timeout").ShouldStartWith("timed out after 1 s");
        Reason("silent").ShouldStartWith("exited with code 0 but printed no METRIC line for 'loss'");
        Reason("nan").ShouldStartWith("reported loss=NaN");

        string trialDir = byMode["exit"]["user_attrs"]!["trial_dir"]!.GetValue<string>();
        File.ReadAllText(Path.Combine(trialDir, "stderr.log")).ShouldContain("ValueError: bad shape");
        File.Exists(Path.Combine(trialDir, "params.json")).ShouldBeTrue();

        string csv = File.ReadAllText(Path.Combine(dir.Path, "runs", "failures", "runs.csv"));
        csv.ShouldContain("killed by signal 9 (SIGKILL)");
    }
}
