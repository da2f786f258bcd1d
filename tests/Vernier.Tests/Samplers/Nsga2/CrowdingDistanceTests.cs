using Vernier.Samplers.Nsga2;

namespace Vernier.Tests.Samplers.Nsga2;

public class CrowdingDistanceTests
{
    [Fact]
    public void Extremes_AreInfinite_AndInteriorIsTheNormalizedNeighbourGap()
    {
        double[][] front = [[0, 4], [1, 3], [3, 1], [4, 0]];
        double[] distance = CrowdingDistance.Of(front);
        distance[0].ShouldBe(double.PositiveInfinity);
        distance[3].ShouldBe(double.PositiveInfinity);
        distance[1].ShouldBe((3 - 0) / 4.0 + (4 - 1) / 4.0, 1e-12);
        distance[2].ShouldBe((4 - 1) / 4.0 + (3 - 0) / 4.0, 1e-12);
    }

    [Fact]
    public void TwoOrFewerPoints_AreAllInfinite()
    {
        CrowdingDistance.Of([[1.0, 2.0], [2.0, 1.0]]).ShouldAllBe(d => double.IsPositiveInfinity(d));
        CrowdingDistance.Of([[1.0]]).ShouldAllBe(d => double.IsPositiveInfinity(d));
        CrowdingDistance.Of(Array.Empty<double[]>()).ShouldBeEmpty();
    }

    [Fact]
    public void IsolatedPoint_IsFartherThanCrowdedOnes()
    {
        double[][] front = [[0, 10], [1, 9], [1.1, 8.9], [1.2, 8.8], [6, 4], [10, 0]];
        double[] distance = CrowdingDistance.Of(front);
        distance[4].ShouldBeGreaterThan(distance[2]);
        distance[4].ShouldBeGreaterThan(distance[1]);
    }

    [Fact]
    public void ConstantObjective_AddsNothing()
    {
        double[] distance = CrowdingDistance.Of([[0, 5], [1, 5], [2, 5]]);
        distance[1].ShouldBe(1.0, 1e-12); // only the first objective contributes: (2 - 0) / 2
    }
}
