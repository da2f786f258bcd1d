using Vernier.Randomness;
using Vernier.Samplers.Qmc;

namespace Vernier.Tests.Samplers.Qmc;

public class HaltonSequenceTests
{
    [Fact]
    public void Primes_AreTheFirstPrimes()
    {
        HaltonSequence.Primes(10).ShouldBe([2, 3, 5, 7, 11, 13, 17, 19, 23, 29]);
    }

    [Fact]
    public void Unscrambled_FirstPointsAreRadicalInverses()
    {
        double[][] expected = [[0, 0], [0.5, 1.0 / 3], [0.25, 2.0 / 3], [0.75, 1.0 / 9], [0.125, 4.0 / 9]];
        for (int n = 0; n < expected.Length; n++)
        {
            double[] point = HaltonSequence.Point(n, 2, null);
            point[0].ShouldBe(expected[n][0], 1e-15);
            point[1].ShouldBe(expected[n][1], 1e-15);
        }
    }

    [Theory]
    [InlineData(0, 7)]  // base 2: 128 points
    [InlineData(1, 4)]  // base 3: 81 points
    [InlineData(4, 2)]  // base 11: 121 points
    public void Scrambled_FirstPowerOfTheBasePointsStratify(int dimension, int m)
    {
        int b = HaltonSequence.Primes(dimension + 1)[dimension];
        int n = (int)Math.Pow(b, m);
        int[] cells = [.. Enumerable.Range(0, n).Select(i => (int)(HaltonSequence.Point(i, dimension + 1, RandomStream.Derive(3, -1, "t"))[dimension] * n))];
        cells.Distinct().Count().ShouldBe(n);
        cells.ShouldAllBe(c => c >= 0 && c < n);
    }

    [Fact]
    public void Scrambled_DifferentSeedsDiffer_AndTheSameSeedRepeats()
    {
        double[] a = HaltonSequence.Point(5, 6, RandomStream.Derive(1, -1, "t"));
        HaltonSequence.Point(5, 6, RandomStream.Derive(2, -1, "t")).ShouldNotBe(a);
        HaltonSequence.Point(5, 6, RandomStream.Derive(1, -1, "t")).ShouldBe(a);
        a.ShouldAllBe(u => u >= 0 && u < 1);
    }
}
