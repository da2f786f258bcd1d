using Vernier.Samplers;
using Vernier.Samplers.Qmc;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.Qmc;

public class SobolQmcSamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new QmcSampler();
}

public class HaltonQmcSamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new QmcSampler(new QmcSamplerOptions { Sequence = QmcSequence.Halton });
}

public class UnscrambledSobolQmcSamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new QmcSampler(new QmcSamplerOptions { Scramble = false });
}
