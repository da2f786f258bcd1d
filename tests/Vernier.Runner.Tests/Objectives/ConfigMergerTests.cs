using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Merging a trial's parameters into a base config: nested paths, key order, types, new keys, formats.</summary>
public sealed class ConfigMergerTests
{
    private const string BaseYaml = """
        # a research repo's base config
        data: { path: data/train.csv, batch_size: 32 }
        model:
          layers: [64, 64]
          dropout: 0.1
        learner:
          opt: sgd
          step_size: 0.1
          momentum: 0.9
          nesterov: false
          tag: "7"
        trainer:
          epochs: 10
        """;

    private static ConfigMerger Merger(string content = BaseYaml, bool allowNewKeys = false, ConfigFileFormat? format = null, params (string Parameter, string Path)[] overrides) =>
        new(new BaseConfig
        {
            Path = "/repo/configs/base.yaml",
            Content = content,
            AllowNewKeys = allowNewKeys,
            Format = format,
            Overrides = overrides.ToImmutableSortedDictionary(o => o.Parameter, o => o.Path, StringComparer.Ordinal),
        });

    private static string Render(ConfigMerger merger, params KeyValuePair<string, object?>[] parameters) => Encoding.UTF8.GetString(merger.Render(parameters));

    private static KeyValuePair<string, object?> P(string name, object? value) => new(name, value);

    [Fact]
    public void Render_DottedParameters_SetNestedValuesAndKeepTheRestAsWritten()
    {
        string merged = Render(Merger(), P("learner.opt", "adam"), P("learner.step_size", 0.01), P("trainer.epochs", 20L));

        merged.ShouldBe("""
            data: {path: data/train.csv, batch_size: 32}
            model:
              layers: [64, 64]
              dropout: 0.1
            learner:
              opt: adam
              step_size: 0.01
              momentum: 0.9
              nesterov: false
              tag: "7"
            trainer:
              epochs: 20

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Render_ValuesKeepTheirTypesInAnyYamlReader()
    {
        string merged = Render(
            Merger(),
            P("learner.opt", "yes"), P("learner.step_size", 1e-5), P("learner.momentum", 3.0), P("learner.nesterov", true), P("learner.tag", "4"), P("trainer.epochs", 5L));

        // "yes" would be a boolean and 1e-05 a string to PyYAML; "4" a number to everyone.
        merged.ShouldContain("opt: \"yes\"");
        merged.ShouldContain("step_size: 1.0e-05");
        merged.ShouldContain("momentum: 3.0");
        merged.ShouldContain("nesterov: true");
        merged.ShouldContain("tag: \"4\"");
        merged.ShouldContain("epochs: 5");
    }

    [Fact]
    public void Render_Json_WritesTypedValuesInTheBaseKeyOrder()
    {
        string merged = Render(Merger(format: ConfigFileFormat.Json), P("learner.opt", "adam"), P("learner.momentum", 0L), P("learner.tag", "4"));

        using JsonDocument json = JsonDocument.Parse(merged);
        JsonElement root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["data", "model", "learner", "trainer"]);
        JsonElement learner = root.GetProperty("learner");
        learner.EnumerateObject().Select(p => p.Name).ShouldBe(["opt", "step_size", "momentum", "nesterov", "tag"]);
        learner.GetProperty("opt").GetString().ShouldBe("adam");
        learner.GetProperty("step_size").GetDouble().ShouldBe(0.1);
        learner.GetProperty("momentum").GetRawText().ShouldBe("0");
        learner.GetProperty("nesterov").ValueKind.ShouldBe(JsonValueKind.False);
        learner.GetProperty("tag").ValueKind.ShouldBe(JsonValueKind.String);
        root.GetProperty("data").GetProperty("path").GetString().ShouldBe("data/train.csv");
        root.GetProperty("model").GetProperty("layers").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public void Render_JsonBase_StaysJsonByDefault()
    {
        var merger = Merger("""{ "learner": { "opt": "sgd", "step_size": 0.1 } }""");

        merger.FileName.ShouldBe("config.json");
        JsonDocument.Parse(Render(merger, P("learner.step_size", 0.5))).RootElement.GetProperty("learner").GetProperty("step_size").GetDouble().ShouldBe(0.5);
    }

    [Fact]
    public void Render_UnknownPath_IsRefusedWithTheClosestPath()
    {
        var error = Should.Throw<CommandObjectiveException>(() => Render(Merger(), P("learner.optt", "adam")));

        error.Message.ShouldContain("parameter 'learner.optt' cannot be merged into the base config /repo/configs/base.yaml: 'learner.optt' is not in the base config; did you mean 'learner.opt'?");
    }

    [Fact]
    public void Render_NewKeyWithAllowNewKeys_AddsItAndItsMappings()
    {
        string merged = Render(Merger(allowNewKeys: true), P("learner.beta2", 0.999), P("scheduler.kind", "cosine"));

        merged.ShouldContain("  tag: \"7\"\n  beta2: 0.999\n");
        merged.ShouldEndWith("scheduler:\n  kind: cosine\n");
    }

    [Theory]
    [InlineData("learner", "'learner' is a mapping in the base config, and a single value cannot replace it; override the keys inside it, e.g. learner.opt")]
    [InlineData("model.layers", "'model.layers' is a list in the base config, and a single value cannot replace it")]
    [InlineData("learner.opt.beta", "'learner.opt' is a value in the base config, not a mapping, so 'learner.opt.beta' cannot be set under it")]
    public void Render_PathThatCannotHoldAValue_IsRefusedEvenWithAllowNewKeys(string parameter, string expected)
    {
        var error = Should.Throw<CommandObjectiveException>(() => Render(Merger(allowNewKeys: true), P(parameter, 1L)));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Render_Overrides_MapAParameterToAnotherPath()
    {
        var merger = Merger(overrides: ("lr", "learner.step_size"));

        Render(merger, P("lr", 0.3)).ShouldContain("step_size: 0.3");
        merger.ArgumentName("lr", CommandArgumentStyle.Hydra).ShouldBe("learner.step_size");
    }

    [Fact]
    public void ArgumentName_Hydra_MarksANewKeyWithPlus()
    {
        var merger = Merger(allowNewKeys: true);

        merger.ArgumentName("learner.beta2", CommandArgumentStyle.Hydra).ShouldBe("+learner.beta2");
        merger.ArgumentName("learner.opt", CommandArgumentStyle.Hydra).ShouldBe("learner.opt");
        merger.ArgumentName("learner.beta2", CommandArgumentStyle.KeyValue).ShouldBe("learner.beta2");
    }

    [Fact]
    public void Render_EachTrial_StartsFromTheBase()
    {
        var merger = Merger();

        Render(merger, P("learner.opt", "adam"));
        Render(merger).ShouldContain("opt: sgd");
    }

    [Fact]
    public void Constructor_BaseThatIsNotAMapping_IsRefused() =>
        Should.Throw<ArgumentException>(() => Merger("- a\n- b\n")).Message.ShouldContain("does not hold a mapping at the top level");
}
