using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

public sealed class RunNamingKeysTests
{
    private const string Study = """
        space:
          - { name: opt, type: categorical, choices: [sgd, adam] }
          - { name: lr, type: float, low: 0.001, high: 0.1, log: true }
        objective: { command: [python3, train.py], metric: loss }
        """ + "\n";

    [Fact]
    public void Run_NameGroupAndTags_AreRead()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(
            Study + """run: { name: "{opt}-lr{lr}-{trial_number}", group: "{study}/{opt}", tags: [sweep-a, "{opt}"] }""" + "\n", "s.yaml");

        study.Run.ShouldNotBeNull();
        study.Run.Name.ShouldBe("{opt}-lr{lr}-{trial_number}");
        study.Run.Group.ShouldBe("{study}/{opt}");
        study.Run.Tags.ShouldBe(["sweep-a", "{opt}"]);
    }

    [Fact]
    public void Run_Absent_IsNull() => StudyDefinitionLoader.Parse(Study, "s.yaml").Run.ShouldBeNull();

    [Fact]
    public void Run_IsNotPartOfTheConfigHash() =>
        StudyDefinitionLoader.Parse(Study + "run: { name: \"{opt}\" }\n", "s.yaml").ContentHash.ShouldBe(StudyDefinitionLoader.Parse(Study, "s.yaml").ContentHash);

    [Fact]
    public void Run_UnknownPlaceholder_IsAnErrorNamingItTheKeyAndTheKnownOnes()
    {
        ConfigException error = Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "run: { name: \"{otp}-{lr}\" }\n", "s.yaml"));

        error.Message.ShouldStartWith("s.yaml:5:14: 'run.name' uses the placeholder {otp}, which is not a parameter");
        error.Message.ShouldContain("did you mean {opt}?");
        error.Message.ShouldContain("known placeholders: {opt}, {lr}, {trial_number}, {study}");
    }

    [Fact]
    public void Run_UnknownPlaceholderInATag_NamesTheTags()
    {
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "run: { tags: [ok, \"{seed}\"] }\n", "s.yaml"))
            .Message.ShouldContain("a tag in 'run.tags' uses the placeholder {seed}");
    }

    [Fact]
    public void Run_UnknownKey_SuggestsTheRightOne()
    {
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "run: { nme: x }\n", "s.yaml"))
            .Message.ShouldContain("unknown key 'nme' in 'run'; did you mean 'name'?");
    }

    [Fact]
    public void Run_NotAMapping_IsAnError()
    {
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "run: my-run\n", "s.yaml"))
            .Message.ShouldContain("'run' must be a mapping");
    }
}
