using System.Text.Json;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using static Vernier.Runner.Tests.Support.Bash;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Real processes receiving a merged base config: the file, VERNIER_CONFIG_FILE, {config}, Hydra arguments.</summary>
public sealed class CommandObjectiveRunnerBaseConfigTests : IDisposable
{
    private const string BaseYaml = "learner:\n  opt: sgd\n  step_size: 0.1\ntrainer: { epochs: 3 }\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static BaseConfig Base(ConfigFileFormat? format = null, bool allowNewKeys = false) =>
        new() { Path = "/repo/base.yaml", Content = BaseYaml, Format = format, AllowNewKeys = allowNewKeys };

    [Fact]
    public async Task RunAsync_BaseConfig_ReachesTheProgramAsEnvironmentVariableAndPlaceholder()
    {
        var options = Options("""cp "$VERNIER_CONFIG_FILE" "$VERNIER_TRIAL_DIR/seen.yaml"; printf '%s\n' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=1""");
        options.Command = [.. options.Command, "--config", "{config}"];
        options.ArgumentStyle = CommandArgumentStyle.None;
        options.BaseConfig = Base();
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 3, P("learner.opt", "adam"), P("learner.step_size", 0.01)));

        result.Status.ShouldBe(CommandTrialStatus.Completed, result.FailureReason);
        string merged = Path.Combine(result.TrialDirectory, "config.yaml");
        File.ReadAllText(merged).ShouldBe("learner:\n  opt: adam\n  step_size: 0.01\ntrainer: {epochs: 3}\n");
        File.ReadAllText(Path.Combine(result.TrialDirectory, "seen.yaml")).ShouldBe(File.ReadAllText(merged));
        File.ReadAllLines(Path.Combine(result.TrialDirectory, "args")).ShouldBe(["--config", merged]);
    }

    [Fact]
    public async Task RunAsync_JsonFormat_WritesConfigJson()
    {
        var options = Options("""echo METRIC val_loss=1""");
        options.BaseConfig = Base(ConfigFileFormat.Json);
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 0, P("trainer.epochs", 5L)));

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.TrialDirectory, "config.json")));
        json.RootElement.GetProperty("trainer").GetProperty("epochs").GetInt64().ShouldBe(5);
        json.RootElement.GetProperty("learner").GetProperty("opt").GetString().ShouldBe("sgd");
    }

    [Fact]
    public async Task RunAsync_HydraStyleWithBaseConfig_PassesConfigPathsWithPlusForNewKeys()
    {
        var options = Options("""printf '%s\n' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=1""");
        options.ArgumentStyle = CommandArgumentStyle.Hydra;
        options.BaseConfig = Base(allowNewKeys: true) with { Overrides = System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("lr", "learner.step_size") };
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 0, P("lr", 0.5), P("learner.opt", "4"), P("learner.beta2", 0.999)));

        File.ReadAllLines(Path.Combine(result.TrialDirectory, "args")).ShouldBe(["learner.step_size=0.5", "learner.opt='4'", "+learner.beta2=0.999"]);
        File.ReadAllText(Path.Combine(result.TrialDirectory, "config.yaml")).ShouldContain("  step_size: 0.5\n  beta2: 0.999\n");
    }

    [Fact]
    public async Task RunAsync_WithoutBaseConfig_RemovesAnInheritedConfigFileVariable()
    {
        var options = Options("""echo "${VERNIER_CONFIG_FILE-unset}" > "$VERNIER_TRIAL_DIR/env"; echo METRIC val_loss=1""");
        options.Environment = new Dictionary<string, string?> { ["VERNIER_CONFIG_FILE"] = "/stale/config.yaml" };
        var runner = new CommandObjectiveRunner(options);

        CommandTrialResult result = await runner.RunAsync(Request(_temp, 0));

        File.ReadAllText(Path.Combine(result.TrialDirectory, "env")).Trim().ShouldBe("unset");
        File.Exists(Path.Combine(result.TrialDirectory, "config.yaml")).ShouldBeFalse();
    }

    [Fact]
    public void Constructor_ConfigPlaceholderWithoutBaseConfig_IsRefused()
    {
        var options = Options("true");
        options.Command = [.. options.Command, "{config}"];

        Should.Throw<ArgumentException>(() => new CommandObjectiveRunner(options)).Message.ShouldContain("Command uses {config}");
    }
}
