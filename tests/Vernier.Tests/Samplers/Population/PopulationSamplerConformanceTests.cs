using Vernier.Samplers;
using Vernier.Samplers.Population;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.Population;

/// <summary>
/// The conformance suite with a population of 8 (the suite's parallel check asks 8 trials before
/// any tell, the most a population of 8 runs at once) and short segments, so that its 40 trials
/// go through several rounds of exploit and explore.
/// </summary>
public class PopulationSamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) =>
        new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 8, PerturbationInterval = 2 });
}
