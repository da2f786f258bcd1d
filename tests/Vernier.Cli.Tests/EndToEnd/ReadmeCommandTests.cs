using System.Text.Json.Nodes;
using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.EndToEnd;

/// <summary>The README's two commands are promises: these tests run them as written.</summary>
public class ReadmeCommandTests
{
    private static readonly string[] ReadmeLines = File.ReadAllLines(Path.Combine(CliProcess.RepositoryRoot, "README.md"));

    [Fact]
    public async Task QuickstartCommand_RunsAStudyWritesItsOutputs_AndARerunContinuesIt()
    {
        string command = ReadmeCommand("dotnet run --project examples/Quickstart");
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var dir = new TempDirectory();

        CliResult first = await CliProcess.RunCommandAsync(words[0], CliProcess.RepositoryRoot, TimeSpan.FromMinutes(5), [.. words[1..], "--", "--trials", "3", "--output", dir.Path]);
        first.ExitCode.ShouldBe(0, first.ToString());
        first.Output.ShouldContain("best validation accuracy");
        JsonNode best = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "best.json")))!;
        best["total_trials"]!.GetValue<int>().ShouldBe(3);
        best["params"]!["learning_rate"]!.GetValue<double>().ShouldBeInRange(1e-4, 1e-1);
        File.ReadAllLines(Path.Combine(dir.Path, "runs.csv")).Length.ShouldBe(4);
        File.ReadAllLines(Path.Combine(dir.Path, "trials.jsonl")).Length.ShouldBe(3);

        CliResult second = await CliProcess.RunCommandAsync(words[0], CliProcess.RepositoryRoot, TimeSpan.FromMinutes(5), [.. words[1..], "--", "--trials", "4", "--output", dir.Path]);
        second.ExitCode.ShouldBe(0, second.ToString());
        second.Output.ShouldContain("continuing from 3 done");
        File.ReadAllLines(Path.Combine(dir.Path, "trials.jsonl")).Length.ShouldBe(4);
    }

    [Fact]
    public void TestCommand_IsWhatCiRuns()
    {
        string command = ReadmeCommand("bash scripts/test.sh");
        File.ReadAllText(Path.Combine(CliProcess.RepositoryRoot, ".ci", "run")).ShouldContain(command);
        File.Exists(Path.Combine(CliProcess.RepositoryRoot, "scripts", "test.sh")).ShouldBeTrue();
    }

    private static string ReadmeCommand(string prefix)
    {
        string line = ReadmeLines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"the README has no line starting with '{prefix}'.");
        int comment = line.IndexOf('#', StringComparison.Ordinal);
        return (comment < 0 ? line : line[..comment]).Trim();
    }
}
