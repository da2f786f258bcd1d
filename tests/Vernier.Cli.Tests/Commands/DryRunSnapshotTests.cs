using Vernier.Cli.Tests.Support;

namespace Vernier.Cli.Tests.Commands;

/// <summary>
/// The whole output of <c>vernier search --dry-run</c> for a representative study, compared with an approved snapshot
/// (<c>Snapshots/*.approved.txt</c>). On a difference the output is written next to it as <c>*.received.txt</c>;
/// copy it over the approved file when the change is meant.
/// </summary>
public sealed class DryRunSnapshotTests
{
    private const string Study = """
        name: devices-demo
        space:
          - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
          - { name: opt, type: categorical, choices: [sgd, adam] }
        strategy: { name: random, seed: 7 }
        objective:
          command: [python3, train.py, --epochs, "3"]
          metric: val_loss
          env: { WANDB_MODE: offline, MKL_NUM_THREADS: 1 }
        resource: { max_concurrent: 3, devices: [0, 1], cpus: 2, cpu_count: 8 }
        max_trials: 4
        """;

    [Fact]
    public async Task Search_DryRunWithDevices_PrintsThePlanCommandsEnvironmentAndPlacement()
    {
        using var dir = new TempDirectory();
        string config = dir.Write("sweep.yaml", Study);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await VernierApp.RunAsync(["search", "-c", config, "--storage", "memory:", "--output-dir", Path.Combine(dir.Path, "runs"), "--dry-run"], output, error);

        exit.ShouldBe(0, error.ToString());
        string text = output.ToString().Replace(dir.Path, "<dir>", StringComparison.Ordinal).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null)
        {
            // The thread counts are set only when Vernier's own environment does not set them.
            Approve(text, "search-dry-run-devices");
        }

        text.ShouldNotContain("MKL_NUM_THREADS=2"); // the objective's env sets it
        Directory.Exists(Path.Combine(dir.Path, "runs")).ShouldBeFalse();
    }

    private static void Approve(string text, string name, [System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(source)!, "Snapshots");
        string approved = Path.Combine(folder, $"{name}.approved.txt");
        string received = Path.Combine(folder, $"{name}.received.txt");
        string expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : "";
        if (text != expected)
        {
            File.WriteAllText(received, text);
            text.ShouldBe(expected, $"the dry-run output changed; if that is meant, copy {received} over {approved}");
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }
    }
}
