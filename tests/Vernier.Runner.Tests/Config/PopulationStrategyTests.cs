using Vernier.Runner.Config;
using Vernier.Samplers.Population;

namespace Vernier.Runner.Tests.Config;

public class PopulationStrategyTests
{
    private const string Yaml = """
        space:
          lr: { type: float, low: 0.0001, high: 0.1, log: true }
          momentum: { type: float, low: 0.5, high: 0.99 }
          layers: { type: int, low: 1, high: 4 }
        objective: { command: [python3, train.py], metric: val_loss }
        strategy: { name: population, seed: 1, population_size: 6, perturbation_interval: 5, max_steps: 50, quantile_fraction: 0.5, resample_probability: 0.1, perturbation_factors: [1.5, 0.5], mutations: [lr, momentum] }
        """;

    [Fact]
    public void Parse_PopulationStrategy_BuildsTheSamplerWithEveryOption()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(Yaml, "s.yaml");
        var sampler = StudyComposition.CreateSampler(definition.Strategy, definition.Space).ShouldBeOfType<PopulationSampler>();
        PopulationSamplerOptions options = sampler.Options;
        (options.PopulationSize, options.PerturbationInterval, options.MaxSteps, options.QuantileFraction, options.ResampleProbability)
            .ShouldBe((6, 5L, (long?)50, 0.5, 0.1));
        options.PerturbationFactors.ShouldBe([1.5, 0.5]);
        options.Mutations.ShouldBe(["lr", "momentum"]);
    }

    [Fact]
    public void Parse_PopulationStrategyWithDefaults_UsesTheSamplersDefaults()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            "space: { x: { type: float, low: 0, high: 1 } }\nobjective: { command: [a], metric: m }\nstrategy: population\n", "s.yaml");
        PopulationSamplerOptions options = StudyComposition.CreateSampler(definition.Strategy, definition.Space).ShouldBeOfType<PopulationSampler>().Options;
        (options.PopulationSize, options.PerturbationInterval, options.MaxSteps, options.QuantileFraction, options.ResampleProbability, options.Mutations)
            .ShouldBe((8, 10L, (long?)null, 0.25, 0.25, (IReadOnlyList<string>?)null));
        options.PerturbationFactors.ShouldBe([1.2, 0.8]);
    }

    [Fact]
    public void Parse_UnknownMutation_IsAConfigErrorNamingIt()
    {
        ConfigException error = Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Yaml.Replace("[lr, momentum]", "[lr, momentun]", StringComparison.Ordinal), "s.yaml"));
        error.Message.ShouldContain("s.yaml:6:");
        error.Message.ShouldContain("mutations names 'momentun', which is not a parameter of the space");
        error.Message.ShouldContain("did you mean 'momentum'?");
    }

    [Theory]
    [InlineData("perturbation_factors: [1.5, 0.5]", "perturbation_factors: 1.5", "option 'perturbation_factors' must be a list of numbers")]
    [InlineData("perturbation_factors: [1.5, 0.5]", "perturbation_factors: [1.5, fast]", "option 'perturbation_factors' must be a list of numbers, got fast")]
    [InlineData("quantile_fraction: 0.5", "quantile_fraction: 0.75", "QuantileFraction (quantile_fraction) must lie in (0, 0.5]")]
    [InlineData("max_steps: 50", "max_steps: 2.5", "option 'max_steps' must be an integer")]
    public void CreateSampler_BadOptionValue_SaysWhichOption(string good, string bad, string expected)
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(Yaml.Replace(good, bad, StringComparison.Ordinal), "s.yaml");
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(definition.Strategy, definition.Space)).Message.ShouldContain(expected);
    }

    [Fact]
    public void ConfigHash_ListOptions_AreHashed()
    {
        StudyDefinition a = StudyDefinitionLoader.Parse(Yaml, "s.yaml");
        StudyDefinition b = StudyDefinitionLoader.Parse(Yaml.Replace("[1.5, 0.5]", "[1.5, 0.6]", StringComparison.Ordinal), "s.yaml");
        ConfigHash.Compute(a).ShouldNotBe(ConfigHash.Compute(b));
    }
}
