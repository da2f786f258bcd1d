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
    public void Strategy_VariantOfARegisteredSampler_LoadsWithItsOptions()
    {
        foreach (var (variant, (sampler, _)) in SamplerVariants.Table.Where(v => StudyComposition.SamplerNames.Contains(v.Value.Sampler)))
        {
            var strategy = SamplerVariants.Strategy(variant);

            strategy.Name.ShouldBe(sampler);
            strategy.Options.ShouldNotBeEmpty(variant);
        }
    }

    [Fact]
    public void Strategy_VariantOfASamplerThisBuildLacks_FailsClearly()
    {
        foreach (var (variant, _) in SamplerVariants.Table.Where(v => !StudyComposition.SamplerNames.Contains(v.Value.Sampler)))
        {
            Should.Throw<VernierException>(() => SamplerVariants.Strategy(variant)).Message.ShouldContain(variant);
        }
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
