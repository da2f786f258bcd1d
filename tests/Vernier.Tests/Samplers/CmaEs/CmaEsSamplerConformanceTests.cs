using Vernier.Samplers;
using Vernier.Samplers.CmaEs;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.CmaEs;

public class CmaEsSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 40;

    protected override Sampler CreateSampler(SearchSpace space) => new CmaEsSampler();
}
