using Vernier.Importance;
using Vernier.Importance.PedAnova;

namespace Vernier.Tests.Importance;

public class ImportanceEvaluatorsTests
{
    [Theory]
    [InlineData("ped-anova")]
    [InlineData("pedanova")]
    [InlineData("ped_anova")]
    [InlineData(" PED-ANOVA ")]
    public void Create_NameOrAlias_GivesTheEvaluator(string name) =>
        ImportanceEvaluators.Create(name).ShouldBeOfType<PedAnovaImportanceEvaluator>();

    [Fact]
    public void Names_StartWithTheDefault() => ImportanceEvaluators.Names[0].ShouldBe("ped-anova");

    [Fact]
    public void Create_UnknownName_ThrowsListingTheKnownOnes()
    {
        var error = Should.Throw<ArgumentException>(() => ImportanceEvaluators.Create("anova"));

        error.Message.ShouldBe($"unknown importance evaluator 'anova'; known evaluators: {string.Join(", ", ImportanceEvaluators.Names)}.");
    }
}
