using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>examples/python-sweep: the same training script swept as a command and as a Python callable, as its README says.</summary>
public class PythonSweepExampleTests
{
    private static readonly string Example = Path.Combine(CliProcess.RepositoryRoot, "examples", "python-sweep");

    [Fact]
    public async Task CommandAndCallableStudies_RunTheScript_AndAgreeTrialForTrial()
    {
        _ = Vernier.Runner.Tests.Support.Python.Interpreter; // the example runs python3 from PATH: say so clearly if it is missing
        using var dir = new TempDirectory();

        JsonNode[] command = await SearchAsync(dir, "study.yaml", "python-sweep");
        JsonNode[] callable = await SearchAsync(dir, "study-callable.yaml", "python-sweep-callable");

        foreach (JsonNode[] trials in new[] { command, callable })
        {
            trials.Length.ShouldBe(6);
            trials.Select(t => t["state"]!.GetValue<string>()).ShouldAllBe(s => s == "complete" || s == "pruned");
            JsonNode first = trials[0];
            first["state"]!.GetValue<string>().ShouldBe("complete");
            first["values"]![0]!.GetValue<double>().ShouldBeInRange(0.2, 0.75); // a logistic loss on a 10%-noisy problem
            first["intermediate_values"]!.AsObject().Count.ShouldBe(20); // one report per epoch
            first["params"]!["batch_size"]!.GetValue<long>().ShouldBeOneOf(8, 16, 32, 64);
        }

        // Same seed, same script: the process-per-trial command and the imported function compute the same losses.
        for (int i = 0; i < 5; i++)
        {
            callable[i]["params"]!.ToJsonString().ShouldBe(command[i]["params"]!.ToJsonString());
            callable[i]["values"]![0]!.GetValue<double>().ShouldBe(command[i]["values"]![0]!.GetValue<double>(), 1e-12);
        }
    }

    [Fact]
    public async Task DryRun_OfTheCallableStudy_ShowsTheInterpreterAndTheBridgeCommand()
    {
        using var dir = new TempDirectory();

        CliResult run = await CliProcess.RunAsync(dir.Path, "search", "--config", Path.Combine(Example, "study-callable.yaml"), "--storage", "memory:", "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Output.ShouldContain("objective  python callable train:objective, minimize val_loss");
        run.Output.ShouldContain("python     python3: /");
        run.Output.ShouldContain("vernier_callable.py train:objective val_loss with its parameters in VERNIER_PARAMS_FILE");
        run.Output.ShouldContain("trial 0: batch_size="); // the parameters in name order
    }

    private static async Task<JsonNode[]> SearchAsync(TempDirectory dir, string studyFile, string name)
    {
        string output = Path.Combine(dir.Path, name);
        CliResult run = await CliProcess.RunAsync(
            dir.Path, "search", "--config", Path.Combine(Example, studyFile), "--n-trials", "6", "--storage", $"sqlite:///{Path.Combine(dir.Path, "studies.db")}", "--output-dir", output);
        run.ExitCode.ShouldBe(0, run.ToString());
        return [.. File.ReadAllLines(Path.Combine(output, "trials.jsonl")).Select(l => JsonNode.Parse(l)!).OrderBy(t => t["number"]!.GetValue<int>())];
    }
}
