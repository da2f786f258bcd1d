using Vernier.Runner.Config;
using Vernier.Runner.Trackers;

namespace Vernier.Runner.Tests.Trackers;

public sealed class TrackerSpecTests
{
    [Fact]
    public void Parse_NameAndKeys_ReadsThem()
    {
        TrackerSpec spec = TrackerSpec.Parse("jsonl:path=out/events.jsonl");

        spec.Name.ShouldBe("jsonl");
        spec.Options.ShouldBe(new Dictionary<string, string> { ["path"] = "out/events.jsonl" });
        spec.ToString().ShouldBe("jsonl:path=out/events.jsonl");
    }

    [Fact]
    public void Parse_BareName_HasNoOptions() => TrackerSpec.Parse("console").Options.ShouldBeEmpty();

    [Fact]
    public void Parse_UnknownTracker_NamesTheAllowedOnes() =>
        Should.Throw<FormatException>(() => TrackerSpec.Parse("tensorboard:dir=x")).Message
            .ShouldBe("unknown tracker 'tensorboard'; choose one of console, csv, jsonl, mlflow, wandb.");

    [Fact]
    public void Parse_MissingRequiredKey_NamesIt() =>
        Should.Throw<FormatException>(() => TrackerSpec.Parse("csv")).Message.ShouldContain("tracker 'csv' needs 'path'");

    [Fact]
    public void Parse_UnknownKey_NamesTheTrackersKeys() =>
        Should.Throw<FormatException>(() => TrackerSpec.Parse("jsonl:path=a,file=b")).Message.ShouldBe("tracker 'jsonl' has no key 'file'; its keys are path.");

    [Fact]
    public void Parse_PairWithoutEquals_IsAnError() =>
        Should.Throw<FormatException>(() => TrackerSpec.Parse("jsonl:events.jsonl")).Message.ShouldContain("'events.jsonl' is not key=value");

    private const string Study = """
        space:
          x: {type: float, low: 0, high: 1}
        objective:
          command: echo {x}
          metric: loss
          direction: minimize
        """;

    [Fact]
    public void Loader_TrackersList_AcceptsSpecStringsAndMappings()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(Study + "\ntrackers:\n  - console\n  - \"csv:path=a.csv\"\n  - {name: jsonl, path: e.jsonl}\n", "study.yaml");

        definition.Trackers.Select(t => t.ToString()).ShouldBe(["console", "csv:path=a.csv", "jsonl:path=e.jsonl"]);
    }

    [Fact]
    public void Loader_Trackers_DoNotChangeTheConfigHash()
    {
        string plain = StudyDefinitionLoader.Parse(Study, "study.yaml").ContentHash;

        StudyDefinitionLoader.Parse(Study + "\ntrackers: [console]\n", "study.yaml").ContentHash.ShouldBe(plain);
    }

    [Fact]
    public void Loader_UnknownTracker_IsAConfigErrorNamingTheAllowedOnes() =>
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "\ntrackers: [mlfow]\n", "study.yaml")).Message
            .ShouldContain("unknown tracker 'mlfow'; choose one of console, csv, jsonl, mlflow");

    [Fact]
    public void Loader_MappingWithoutName_IsAConfigError() =>
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Study + "\ntrackers:\n  - {path: e.jsonl}\n", "study.yaml")).Message
            .ShouldContain("needs 'name'");
}
