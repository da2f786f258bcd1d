using Vernier.Samplers;
using Vernier.Samplers.GaussianProcess;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class GpSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 20;

    protected override Sampler CreateSampler(SearchSpace space) => new GpSampler(new GpSamplerOptions { NStartupTrials = 10 });
}
