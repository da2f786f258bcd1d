using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

public sealed class ConfigHashTests
{
    private static string Hash(string text) => StudyDefinitionLoader.Parse(text, "study.yaml").ContentHash;

    [Fact]
    public void ContentHash_IsLowerCaseSha256Hex()
    {
        Hash(StudyDefinitionLoaderTests.ExampleYaml).ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void ContentHash_IgnoresCommentsWhitespaceQuotingAndLayout()
    {
        const string Reformatted = """
            # The same study, written differently.
            name: "mlp-digits"
            storage: 'sqlite:///vernier.db'
            space:
              - name: lr
                type: float
                low: 1e-4          # same number as 0.0001
                high: 0.10
                log: true
              - {name: layers, type: int, min: 2, max: 6, step: 2}
              - { name: activation, type: categorical, values: ["relu", 'gelu', tanh] }
              - { name: opt, type: choice, choices: [sgd, adam, rmsprop] }
              - name: momentum
                type: uniform
                low: 0.0
                high: 0.99
                when:
                  opt: [sgd, adam]
            constraints:
              - when: { opt: adam }
                set: { momentum: 0 }
              - forbid: { lr: { gt: 0.05 }, opt: sgd }
            strategy: { seed: 42, name: random }
            objective:
              command: python3 train.py
              metric: val_loss
              direction: minimize
              timeout: 600.0
            """;

        Hash(Reformatted).ShouldBe(Hash(StudyDefinitionLoaderTests.ExampleYaml));
    }

    [Fact]
    public void ContentHash_IgnoresBudgetsLimitsNameAndStorage()
    {
        string original = Hash(StudyDefinitionLoaderTests.ExampleYaml);
        string resumedWithMore = StudyDefinitionLoaderTests.ExampleYaml
            .Replace("max_trials: 12", "max_trials: 100\ntimeout: 3600", StringComparison.Ordinal)
            .Replace("max_concurrent: 1", "max_concurrent: 4", StringComparison.Ordinal)
            .Replace("name: mlp-digits", "name: renamed", StringComparison.Ordinal)
            .Replace("sqlite:///vernier.db", "memory", StringComparison.Ordinal);

        Hash(resumedWithMore).ShouldBe(original);
    }

    [Theory]
    [InlineData("high: 0.1, log: true", "high: 0.2, log: true")]
    [InlineData("choices: [relu, gelu, tanh]", "choices: [relu, gelu]")]
    [InlineData("when: { opt: [sgd, adam] }", "when: { opt: sgd }")]
    [InlineData("lr: { gt: 0.05 }", "lr: { ge: 0.05 }")]
    [InlineData("seed: 42", "seed: 43")]
    [InlineData("metric: val_loss", "metric: val_acc")]
    [InlineData("maximize: false", "maximize: true")]
    [InlineData("command: [python3, train.py]", "command: [python3, train2.py]")]
    [InlineData("timeout: 600", "timeout: 60")]
    public void ContentHash_ChangesWithWhatTheTrialsMean(string original, string changed)
    {
        StudyDefinitionLoaderTests.ExampleYaml.ShouldContain(original);

        Hash(StudyDefinitionLoaderTests.ExampleYaml.Replace(original, changed, StringComparison.Ordinal))
            .ShouldNotBe(Hash(StudyDefinitionLoaderTests.ExampleYaml));
    }

    [Fact]
    public void ContentHash_ChangesWithParameterOrder()
    {
        const string Ab = "space: { a: { type: int, low: 0, high: 1 }, b: { type: int, low: 0, high: 1 } }\nobjective: { callable: 'x.dll:T.M' }\n";
        const string Ba = "space: { b: { type: int, low: 0, high: 1 }, a: { type: int, low: 0, high: 1 } }\nobjective: { callable: 'x.dll:T.M' }\n";

        Hash(Ab).ShouldNotBe(Hash(Ba));
    }

    [Fact]
    public void ContentHash_TellsAStringChoiceFromANumber()
    {
        Hash("space: { v: { type: choice, values: ['1'] } }\nobjective: { callable: 'x.dll:T.M' }\n")
            .ShouldNotBe(Hash("space: { v: { type: choice, values: [1] } }\nobjective: { callable: 'x.dll:T.M' }\n"));
    }

    [Fact]
    public void ContentHash_OfACopy_FollowsTheCopy()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(StudyDefinitionLoaderTests.ExampleYaml, "study.yaml");

        StudyDefinition reseeded = study with { Strategy = study.Strategy with { Seed = 7 } };

        reseeded.ContentHash.ShouldNotBe(study.ContentHash);
        ConfigHash.CanonicalForm(reseeded).ShouldContain("\"seed\":7");
    }
    private const string Plain = "space: { x: { type: float, low: 0, high: 1 } }\nobjective: { command: [python3, train.py], metric: loss";

    [Theory]
    [InlineData(", repeats: 3")]
    [InlineData(", seeds: [1, 2, 3]")]
    [InlineData(", seeds: generate")]
    public void ContentHash_RunSeeds_ChangeIt(string extra) => Hash(Plain + extra + " }\n").ShouldNotBe(Hash(Plain + " }\n"));

    [Fact]
    public void ContentHash_RepeatsSeedsAndAggregate_EachCount()
    {
        string[] hashes =
        [
            Hash(Plain + ", repeats: 3 }\n"),
            Hash(Plain + ", repeats: 4 }\n"),
            Hash(Plain + ", repeats: 3, aggregate: median }\n"),
            Hash(Plain + ", seeds: [1, 2, 3] }\n"),
            Hash(Plain + ", seeds: [1, 2, 4] }\n"),
        ];

        hashes.Distinct().Count().ShouldBe(hashes.Length);
    }

    [Fact]
    public void ContentHash_WithoutRunSeeds_HasNoRepeatsEntry() =>
        ConfigHash.CanonicalForm(StudyDefinitionLoader.Parse(Plain + ", aggregate: max }\n", "study.yaml")).ShouldNotContain("repeats");

    [Fact]
    public void ContentHash_RunsCsvColumns_DoNotChangeIt() =>
        Hash(Plain + " }\noutputs: { runs_csv: { metrics: [acc] } }\n").ShouldBe(Hash(Plain + " }\n"));
}
