using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers;

public class GridSamplerConformanceTests : SamplerConformanceTests
{
    // A grid needs finite values: the suite's space with its continuous floats stepped.
    protected override SearchSpace Space { get; } = new(
    [
        new ParameterSpec("x", new FloatDistribution(-3, 3, step: 1)),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.25)),
        new ParameterSpec("units", new IntDistribution(8, 64, step: 8)),
        new ParameterSpec("batch", new IntDistribution(16, 64, step: 16)),
        new ParameterSpec("activation", new CategoricalDistribution(["relu", "tanh", "gelu"])),
        new ParameterSpec("flag", new CategoricalDistribution([true, false])),
        new ParameterSpec("momentum", new FloatDistribution(0, 0.9, step: 0.3), Condition.Equal("activation", "tanh")),
    ]);

    protected override Sampler CreateSampler(SearchSpace space) => new GridSampler(space);
}
