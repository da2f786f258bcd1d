using Vernier.Samplers;
using Vernier.Samplers.Nsga2;
using Vernier.SearchSpaces;
using Vernier.Testing;

namespace Vernier.Tests.Samplers.Nsga2;

public class Nsga2SamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new Nsga2Sampler();
}

/// <summary>A small population, so the checks run through several generations.</summary>
public class SmallPopulationNsga2SamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) => new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 6 });
}

public class SbxNsga2SamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) =>
        new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 6, Crossover = Nsga2Crossover.Sbx });
}

public class BlxNsga2SamplerConformanceTests : SamplerConformanceTests
{
    protected override Sampler CreateSampler(SearchSpace space) =>
        new Nsga2Sampler(new Nsga2SamplerOptions { PopulationSize = 6, Crossover = Nsga2Crossover.Blx });
}
