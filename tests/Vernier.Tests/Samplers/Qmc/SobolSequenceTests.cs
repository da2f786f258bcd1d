using Vernier.Randomness;
using Vernier.Samplers.Qmc;

namespace Vernier.Tests.Samplers.Qmc;

public class SobolSequenceTests
{
    [Fact]
    public void Unscrambled_TwoDimensions_FirstPointsAreTheKnownOnes()
    {
        double[][] expected =
        [
            [0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75],
            [0.375, 0.375], [0.875, 0.875], [0.625, 0.125], [0.125, 0.625],
        ];
        for (int n = 0; n < expected.Length; n++)
        {
            SobolSequence.Point(n, 2, null).ShouldBe(expected[n], $"point {n}");
        }
    }

    [Fact]
    public void Unscrambled_ThirdDimension_FollowsItsPolynomial()
    {
        // Dimension 3 of Joe-Kuo: x^2 + x + 1 with m = 1, 3, so m_3 = 2·m_2 ^ 4·m_1 ^ m_1 = 6 ^ 4 ^ 1 = 3: v = 0.1, 0.11, 0.011 in binary.
        double[] third = [.. Enumerable.Range(0, 8).Select(n => SobolSequence.Point(n, 3, null)[2])];
        third.ShouldBe([0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]);
    }

    [Fact]
    public void Table_HasAtLeast201Dimensions()
    {
        SobolSequence.MaxDimensions.ShouldBeGreaterThanOrEqualTo(201);
    }

    [Fact]
    public void Unscrambled_EveryDimension_FirstPowerOfTwoPointsStratify()
    {
        const int m = 10;
        int n = 1 << m;
        for (int j = 0; j < SobolSequence.MaxDimensions; j++)
        {
            var seen = new bool[n];
            for (int i = 0; i < n; i++)
            {
                uint cell = SobolSequence.Digits(i, j) >> (32 - m);
                seen[cell].ShouldBeFalse($"dimension {j + 1}: two of the first {n} points share cell {cell}");
                seen[cell] = true;
            }
        }
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(12345UL)]
    public void Scrambled_PointsStayInUnitIntervalAndFormANet(ulong seed)
    {
        const int m = 8;
        int n = 1 << m;
        double[][] points = [.. Enumerable.Range(0, n).Select(i => SobolSequence.Point(i, 5, Scramble(seed)))];
        points.ShouldAllBe(p => p.All(u => u >= 0 && u < 1));

        for (int j = 0; j < 5; j++)
        {
            points.Select(p => (int)(p[j] * n)).Distinct().Count().ShouldBe(n, $"dimension {j + 1} is not stratified");
        }

        // The first two Sobol dimensions form a (0, m, 2)-net; scrambling keeps it: every 2^-a by 2^-(m-a) box holds one point.
        for (int a = 0; a <= m; a++)
        {
            points.Select(p => ((int)(p[0] * (1 << a)), (int)(p[1] * (1 << (m - a))))).Distinct().Count().ShouldBe(n, $"boxes 2^-{a} x 2^-{m - a}");
        }
    }

    [Fact]
    public void Scrambled_DifferentSeedsGiveDifferentPoints()
    {
        double[] a = SobolSequence.Point(3, 4, Scramble(1));
        double[] b = SobolSequence.Point(3, 4, Scramble(2));
        a.ShouldNotBe(b);
        SobolSequence.Point(3, 4, Scramble(1)).ShouldBe(a);
    }

    [Fact]
    public void Scrambled_PointZeroIsNotTheOrigin()
    {
        SobolSequence.Point(0, 3, Scramble(7)).ShouldAllBe(u => u > 0);
    }

    private static RandomStream Scramble(ulong seed) => RandomStream.Derive(seed, -1, "test");
}
