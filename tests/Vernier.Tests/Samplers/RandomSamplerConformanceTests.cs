using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers;

public class RandomSamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new RandomSampler();
}
