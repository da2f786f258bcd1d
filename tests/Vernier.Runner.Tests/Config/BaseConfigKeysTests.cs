using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;

namespace Vernier.Runner.Tests.Config;

/// <summary>The objective keys base_config, config_format, allow_new_keys and overrides.</summary>
public sealed class BaseConfigKeysTests : IDisposable
{
    private const string BaseYaml = """
        data: { path: data/train.csv }
        model: { layers: [64, 64] }
        learner:
          opt: sgd
          step_size: 0.1
          momentum: 0.9
        trainer:
          epochs: 10
        """;

    private const string Space = """
        space:
          learner.opt: { type: categorical, choices: [sgd, adam] }
          learner.step_size: { type: categorical, choices: [0.1, 0.01] }

        """;

    private readonly TempDirectory _temp = new();

    public BaseConfigKeysTests()
    {
        Directory.CreateDirectory(_temp.Combine("configs"));
        File.WriteAllText(_temp.Combine("configs", "base.yaml"), BaseYaml);
    }

    public void Dispose() => _temp.Dispose();

    private StudyDefinition Load(string objectiveExtra, string space = Space)
    {
        string path = _temp.Combine("sweep.yaml");
        File.WriteAllText(path, space + "objective:\n  command: [python3, train.py]\n  metric: loss\n" + objectiveExtra);
        return StudyDefinitionLoader.Load(path);
    }

    private string Error(string objectiveExtra, string space = Space) =>
        Should.Throw<ConfigException>(() => Load(objectiveExtra, space)).Message.Replace(_temp.Path, "<dir>", StringComparison.Ordinal);

    [Fact]
    public void Load_BaseConfig_IsReadRelativeToTheStudyFileAndDefaultsToPassingNothing()
    {
        ObjectiveDefinition objective = Load("  base_config: configs/base.yaml\n").Objective;

        BaseConfig config = objective.BaseConfig.ShouldNotBeNull();
        config.Path.ShouldBe(_temp.Combine("configs", "base.yaml"));
        config.Content.ShouldBe(BaseYaml);
        config.EffectiveFormat.ShouldBe(ConfigFileFormat.Yaml);
        config.AllowNewKeys.ShouldBeFalse();
        objective.PassParameters.ShouldBe(CommandArgumentStyle.None);
    }

    [Fact]
    public void Load_AllKeys_AreRead()
    {
        ObjectiveDefinition objective = Load(
            "  base_config: configs/base.yaml\n  config_format: json\n  allow_new_keys: true\n  overrides: { lr: learner.step_size }\n  pass_parameters: hydra\n",
            "space:\n  learner.opt: { type: categorical, choices: [sgd, adam] }\n  lr: { type: float, low: 0.01, high: 0.1 }\n  learner.beta2: { type: categorical, choices: [0.99, 0.999] }\n").Objective;

        BaseConfig config = objective.BaseConfig.ShouldNotBeNull();
        config.Format.ShouldBe(ConfigFileFormat.Json);
        config.AllowNewKeys.ShouldBeTrue();
        config.Overrides.ShouldBe(new Dictionary<string, string> { ["lr"] = "learner.step_size" });
        config.PathOf("lr").ShouldBe("learner.step_size");
        objective.PassParameters.ShouldBe(CommandArgumentStyle.Hydra);
    }

    [Fact]
    public void Load_UnknownPath_NamesTheParameterAndTheClosestPath()
    {
        Error("  base_config: configs/base.yaml\n", "space:\n  learner.optt: { type: categorical, choices: [sgd, adam] }\n")
            .ShouldBe("<dir>/sweep.yaml:2:3: parameter 'learner.optt': 'learner.optt' is not in the base config (configs/base.yaml); did you mean 'learner.opt'? (or allow new keys with allow_new_keys: true)");
    }

    [Fact]
    public void Load_UnknownPathFarFromAnyKey_ListsTheKeysWhereItWasLooked()
    {
        Error("  base_config: configs/base.yaml\n", "space:\n  learner.beta2: { type: categorical, choices: [0.99] }\n")
            .ShouldContain("the keys under 'learner' are opt, step_size, momentum (or allow new keys with allow_new_keys: true)");
    }

    [Fact]
    public void Load_UnknownPathWithAllowNewKeys_IsAccepted()
    {
        Load("  base_config: configs/base.yaml\n  allow_new_keys: true\n", "space:\n  learner.beta2: { type: categorical, choices: [0.99] }\n")
            .Objective.BaseConfig.ShouldNotBeNull().AllowNewKeys.ShouldBeTrue();
    }

    [Theory]
    [InlineData("learner", "parameter 'learner': 'learner' is a mapping in the base config, and a single value cannot replace it (configs/base.yaml); override the keys inside it, e.g. learner.opt")]
    [InlineData("model.layers", "parameter 'model.layers': 'model.layers' is a list in the base config, and a single value cannot replace it")]
    [InlineData("trainer.epochs.max", "'trainer.epochs' is a value in the base config, not a mapping, so 'trainer.epochs.max' cannot be set under it")]
    public void Load_PathThatCannotHoldAValue_IsRefusedEvenWithAllowNewKeys(string parameter, string expected)
    {
        Error("  base_config: configs/base.yaml\n  allow_new_keys: true\n", $"space:\n  {parameter}: {{ type: categorical, choices: [1, 2] }}\n").ShouldContain(expected);
    }

    [Fact]
    public void Load_OverrideToAnUnknownPath_PointsAtTheOverride()
    {
        Error("  base_config: configs/base.yaml\n  overrides: { lr: learner.stepsize }\n", "space:\n  lr: { type: float, low: 0.01, high: 0.1 }\n")
            .ShouldStartWith("<dir>/sweep.yaml:7:20: parameter 'lr' (config path 'learner.stepsize'): 'learner.stepsize' is not in the base config (configs/base.yaml); did you mean 'learner.step_size'?");
    }

    [Theory]
    [InlineData("  base_config: configs/missing.yaml\n", "sweep.yaml:7:16: cannot read base_config 'configs/missing.yaml': the file does not exist; the path is relative to the study file's folder, so it is <dir>/configs/missing.yaml")]
    [InlineData("  base_config: configs/base.yaml\n  config_format: jsn\n", "unknown config_format 'jsn'; did you mean 'json'? allowed: yaml, json")]
    [InlineData("  base_config: configs/base.yaml\n  allow_new_keys: sometimes\n", "allow_new_keys must be true or false, got 'sometimes'")]
    [InlineData("  base_config: configs/base.yaml\n  overrides: { lrr: learner.step_size }\n", "'overrides' names 'lrr', which is not a parameter of the space; the parameters are learner.opt, learner.step_size")]
    [InlineData("  base_config: configs/base.yaml\n  overrides: { learner.opt: 'learner..opt' }\n", "'learner..opt' is not a config path")]
    [InlineData("  base_config: configs/base.yaml\n  overrides: { learner.opt: learner.step_size }\n", "parameters 'learner.opt' and 'learner.step_size' both set 'learner.step_size' in the base config")]
    [InlineData("  allow_new_keys: true\n", "sweep.yaml:7:3: 'allow_new_keys' needs 'base_config'")]
    public void Load_BadBaseConfigKey_NamesTheProblem(string extra, string expected)
    {
        Error(extra).ShouldContain(expected);
    }

    [Fact]
    public void Load_BaseConfigWithSyntaxError_PointsIntoTheBaseFile()
    {
        File.WriteAllText(_temp.Combine("configs", "bad.yaml"), "learner:\n  opt: [sgd\n");

        Error("  base_config: configs/bad.yaml\n").ShouldStartWith("<dir>/configs/bad.yaml:3:1: invalid YAML");
    }

    [Fact]
    public void Load_ConfigPlaceholderWithoutBaseConfig_IsRefused()
    {
        string path = _temp.Combine("sweep.yaml");
        File.WriteAllText(path, Space + "objective: { command: [python3, train.py, --config, '{config}'], metric: loss }\n");

        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Load(path)).Message.ShouldContain("the command uses {config}, but the objective has no 'base_config'");
    }

    [Fact]
    public void Load_BaseConfigForACallable_IsRefused()
    {
        string path = _temp.Combine("sweep.yaml");
        File.WriteAllText(path, Space + "objective: { callable: \"a.dll:N.T.M\", base_config: configs/base.yaml }\n");

        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Load(path)).Message.ShouldContain("'base_config' applies only to a command objective");
    }

    [Fact]
    public void ContentHash_ChangesWithTheBaseConfigsContentButNotItsPath()
    {
        string first = Load("  base_config: configs/base.yaml\n").ContentHash;
        File.Copy(_temp.Combine("configs", "base.yaml"), _temp.Combine("configs", "copy.yaml"));
        string moved = Load("  base_config: configs/copy.yaml\n").ContentHash;
        File.WriteAllText(_temp.Combine("configs", "base.yaml"), BaseYaml.Replace("epochs: 10", "epochs: 20", StringComparison.Ordinal));
        string edited = Load("  base_config: configs/base.yaml\n").ContentHash;

        moved.ShouldBe(first);
        edited.ShouldNotBe(first);
        Load("").ContentHash.ShouldNotBe(first);
    }
}
