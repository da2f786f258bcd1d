using Vernier.Runner.Config;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Config;

/// <summary>The objective key <c>steps</c>: a pipeline of commands.</summary>
public sealed class PipelineStepsTests
{
    private const string Pipeline = """
        space: { data_fraction: { type: choice, values: [0.5, 1.0] }, lr: { type: float, low: 0.001, high: 0.1 } }
        objective:
          metric: val_loss
          env: { A: "1" }
          steps:
            - name: prepare
              command: python3 prepare.py --fraction {data_fraction}
              outputs: ["cache/data-{data_fraction}.npz"]
              inputs: [prepare.py, raw/]
              env: { B: "2" }
              timeout: 60
            - name: train
              command: [python3, train.py]
              pass_parameters: flags
            - { name: eval, command: python3 eval.py }
        """;

    private static StudyDefinition Parse(string text) => StudyDefinitionLoader.Parse(text, "study.yaml");

    // A pipeline whose objective mapping holds the given lines (indented under 'objective').
    private static StudyDefinition ParseObjective(string objectiveLines) => Parse(
        "space: { x: { type: float, low: 0, high: 1 } }\nobjective:\n  metric: loss\n" + string.Join("\n", objectiveLines.Split('\n').Select(l => "  " + l)) + "\n");

    [Fact]
    public void Parse_Steps_ReadsEachStepInOrder()
    {
        ObjectiveDefinition objective = Parse(Pipeline).Objective;

        objective.Command.ShouldBeNull();
        PipelineStepDefinition[] steps = [.. objective.Steps!.Value];
        steps.Select(s => s.Name).ShouldBe(["prepare", "train", "eval"]);
        steps[0].Command.ShouldBe(["python3", "prepare.py", "--fraction", "{data_fraction}"]);
        steps[0].Outputs.ShouldBe(["cache/data-{data_fraction}.npz"]);
        steps[0].Inputs.ShouldBe(["prepare.py", "raw/"]);
        steps[0].Environment.ShouldBe(new Dictionary<string, string?> { ["B"] = "2" });
        steps[0].Timeout.ShouldBe(TimeSpan.FromSeconds(60));
        steps[1].Outputs.ShouldBeEmpty();
        objective.Environment.ShouldBe(new Dictionary<string, string?> { ["A"] = "1" });
    }

    [Fact]
    public void Parse_PassParameters_DefaultsToNoneForStepsAndAStepMayOverrideIt()
    {
        ObjectiveDefinition objective = Parse(Pipeline).Objective;

        objective.PassParameters.ShouldBe(CommandArgumentStyle.None);
        objective.Steps!.Value.Select(s => s.PassParameters).ShouldBe([CommandArgumentStyle.None, CommandArgumentStyle.Flags, CommandArgumentStyle.None]);
    }

    [Fact]
    public void Parse_ObjectivePassParameters_IsTheDefaultOfEveryStep()
    {
        ObjectiveDefinition objective = ParseObjective("pass_parameters: key_value\nsteps: [{ name: a, command: a }, { name: b, command: b, pass_parameters: none }]").Objective;

        objective.Steps!.Value.Select(s => s.PassParameters).ShouldBe([CommandArgumentStyle.KeyValue, CommandArgumentStyle.None]);
    }

    [Fact]
    public void Parse_PipelineWithRetries_GetsTheRetryPolicyOfACommand()
    {
        ObjectiveDefinition objective = ParseObjective("max_retries: 2\nsteps: [{ name: a, command: a }]").Objective;

        StudyComposition.RetryPolicy(objective).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("steps: [{ name: a, command: a }, { name: a, command: b }]", "study.yaml:4:44: step name 'a' is used twice in 'steps'; give each step its own name")]
    [InlineData("command: [a]\nsteps: [{ name: a, command: a }]", "'objective' has both 'steps' and 'command'")]
    [InlineData("steps: [{ name: a, command: a }]\ncallable: \"a.dll:N.T.M\"", "'objective' has both 'steps' and 'callable'")]
    [InlineData("steps: []", "'steps' is empty")]
    [InlineData("steps: { name: a }", "'steps' must be a list, got a mapping")]
    [InlineData("steps: [{ name: a }]", "missing required key 'command' in step 'a'")]
    [InlineData("steps: [{ command: a }]", "missing required key 'name' in step 1 of 'steps'")]
    [InlineData("steps: [{ name: 'a b', command: a }]", "'a b' is not a valid step name")]
    [InlineData("steps: [{ name: a, command: a, output: [x] }]", "unknown key 'output' in step 'a'; did you mean 'outputs'?")]
    [InlineData("steps: [{ name: a, command: a, outputs: x.txt }]", "'outputs' must be a list, got 'x.txt'")]
    [InlineData("steps: [{ name: a, command: a, inputs: [''] }]", "a path in 'inputs' must not be empty")]
    [InlineData("steps: [{ name: a, command: a, timeout: 0 }]", "timeout must be a positive number of seconds")]
    [InlineData("steps: [{ name: a, command: '' }]", "the command names no program")]
    [InlineData("steps: [{ name: a, command: a, pass_parameters: flag }]", "unknown pass_parameters 'flag'; did you mean 'flags'?")]
    public void Parse_BadSteps_NamesTheProblem(string objectiveLines, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => ParseObjective(objectiveLines));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void ContentHash_ChangesWithAStepsOutputsAndKeepsTheHashOfStudiesWithoutSteps()
    {
        string Hash(string text) => Parse(text).ContentHash;

        Hash(Pipeline).ShouldNotBe(Hash(Pipeline.Replace("cache/data-", "cache/d-", StringComparison.Ordinal)));
        Hash(Pipeline).ShouldNotBe(Hash(Pipeline.Replace("[prepare.py, raw/]", "[prepare.py]", StringComparison.Ordinal)));
        ConfigHash.CanonicalForm(Parse(StudyDefinitionLoaderTests.ExampleYaml)).ShouldNotContain("steps");
    }
}
