using Vernier.Bench.Importance;

namespace Vernier.Bench.Tests.Importance;

public class RankCorrelationTests
{
    [Fact]
    public void Spearman_SameOrder_IsOne() =>
        RankCorrelation.Spearman([0.9, 0.05, 0.3], [0.5, 0.1, 0.4])!.Value.ShouldBe(1, 1e-12);

    [Fact]
    public void Spearman_ReversedOrder_IsMinusOne() =>
        RankCorrelation.Spearman([1, 2, 3, 4], [8, 6, 4, 2])!.Value.ShouldBe(-1, 1e-12);

    [Fact]
    public void Spearman_OneSwapOfFour_IsPointEight() =>
        RankCorrelation.Spearman([4, 3, 2, 1], [4, 3, 1, 2])!.Value.ShouldBe(0.8, 1e-12); // 1 − 6·2 / (4·15)

    [Fact]
    public void Spearman_Ties_ShareTheirAverageRank()
    {
        RankCorrelation.Ranks([0.0, 0.5, 0.0, 1.0]).ShouldBe([1.5, 3, 1.5, 4]);
        RankCorrelation.Spearman([0, 0, 1], [1, 2, 3])!.Value.ShouldBe(Math.Sqrt(0.75), 1e-12);
    }

    [Fact]
    public void Spearman_ConstantSample_IsUndefined()
    {
        RankCorrelation.Spearman([0, 0, 0], [1, 2, 3]).ShouldBeNull();
        RankCorrelation.Spearman([1], [1]).ShouldBeNull();
    }

    [Fact]
    public void Spearman_DifferentLengths_Throws() =>
        Should.Throw<ArgumentException>(() => RankCorrelation.Spearman([1, 2], [1, 2, 3]));
}
