using Vernier.Samplers;
using Vernier.Samplers.Tpe;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.Tpe;

public class UnivariateTpeSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 30;

    protected override Sampler CreateSampler(SearchSpace space) => new TpeSampler();
}

public class MultivariateTpeSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 30;

    protected override Sampler CreateSampler(SearchSpace space) => new TpeSampler(new TpeSamplerOptions { Multivariate = true });
}

public class GroupTpeSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 30;

    protected override Sampler CreateSampler(SearchSpace space) =>
        new TpeSampler(new TpeSamplerOptions { Multivariate = true, Group = true, ConstantLiar = false, StartupTrials = 5 });
}
