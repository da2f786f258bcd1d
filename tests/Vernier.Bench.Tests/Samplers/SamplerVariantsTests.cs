using Vernier.Bench.Samplers;
using Vernier.Runner;

namespace Vernier.Bench.Tests.Samplers;

public class SamplerVariantsTests
{
    [Fact]
    public void Strategy_PlainName_IsTheRegisteredSamplerWithItsDefaults()
    {
        var strategy = SamplerVariants.Strategy("random");

        strategy.Name.ShouldBe("random");
        strategy.Options.ShouldBeEmpty();
    }

    [Fact]
    public void Strategy_Variant_IsItsSamplerWithOptions()
    {
        var strategy = SamplerVariants.Strategy("tpe-multivariate");

        strategy.Name.ShouldBe("tpe");
        strategy.Options["multivariate"].ShouldBe(true);
    }

    [Fact]
    public void AvailableNames_AreTheRegisteredSamplersAndTheVariantsOfRegisteredOnes()
    {
        foreach (string name in StudyComposition.SamplerNames)
        {
            SamplerVariants.AvailableNames.ShouldContain(name);
        }

        foreach (var (variant, (sampler, _)) in SamplerVariants.Table)
        {
            SamplerVariants.AvailableNames.Contains(variant).ShouldBe(StudyComposition.SamplerNames.Contains(sampler), variant);
        }
    }

    [Fact]
    public void Create_EveryDefaultName_BuildsASamplerForAContinuousSpace()
    {
        var catalog = Vernier.Bench.Functions.FunctionCatalog.Load(Repository.FunctionsJson);

        foreach (string name in SamplerVariants.DefaultNames)
        {
            SamplerVariants.Create(name, catalog.Get("branin").Space).ShouldNotBeNull(name);
        }
    }
}
