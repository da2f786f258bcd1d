using Vernier.Pruners;

namespace Vernier.Tests.Pruners;

public class SignedRankTestTests
{
    // Exact p-values: brute-force enumeration of every sign assignment (no dynamic programming) with
    // average ranks and zsplit zeros, in Python with exact fractions (scipy was not installed); the n = 8
    // values are also the classical table entries P(T+ ≤ 5) = 10/256 and P(T+ ≤ 8) = 25/256.
    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, true, 0.03125)]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, false, 1.0)]
    [InlineData(new[] { 1.0, -2, -3, 4, -5, -6, -7, -8 }, false, 0.0390625)]
    [InlineData(new[] { 1.0, 2, -3, -4, 5, -6, -7, -8 }, false, 0.09765625)]
    [InlineData(new[] { -8.0, 7, 6, -5, -4, -3, -2, -1 }, true, 0.76953125)]
    [InlineData(new[] { 0, 1.5, -1.5, 2, 2, 3, -0.5, 4, 0, 2.5 }, true, 0.03125)]
    [InlineData(new[] { 0, 1.5, -1.5, 2, 2, 3, -0.5, 4, 0, 2.5 }, false, 0.9765625)]
    [InlineData(new[] { 0.3, -0.1, 0.8, 1.2, -0.4, 0.9, 0.05, -0.7, 1.1, 0.6, 0.2, -0.25 }, true, 0.07568359375)]
    public void PValue_SmallSamples_MatchesBruteForceEnumeration(double[] differences, bool greater, double expected) =>
        SignedRankTest.PValue(differences, greater).ShouldBe(expected, 1e-12);

    [Fact]
    public void PValue_AllZero_IsOne()
    {
        SignedRankTest.PValue([0.0, 0.0, 0.0], greater: true).ShouldBe(1.0);
        SignedRankTest.PValue([], greater: false).ShouldBe(1.0);
    }

    [Fact]
    public void PValue_AboveTheExactLimit_UsesTheTieAndZeroCorrectedNormalApproximation()
    {
        // 60 differences with ties and one zero. Expected: Python, from the textbook formula
        // z = (T+ − n(n+1)/4) / √(n(n+1)(2n+1)/24 − Σ(t³−t)/48 − Σ zero ranks²/4), p = ½erfc(z/√2).
        double[] differences = [.. Enumerable.Range(0, 60).Select(i => ((i * 37 % 61) - 20) / 4.0)];
        SignedRankTest.PValue(differences, greater: true).ShouldBe(0.00011282305242432341, 1e-9);
        SignedRankTest.PValue(differences, greater: false).ShouldBe(0.9998871769475757, 1e-9);

        double[] linear = [.. Enumerable.Range(1, 60).Select(i => i - 15.0)];
        SignedRankTest.PValue(linear, greater: true).ShouldBe(1.4107472516217872e-07, 1e-12);
    }

    [Fact]
    public void PValue_AtTheExactLimit_AgreesWithTheApproximationRoughly()
    {
        // 50 non-zero differences (exact) against 51 (approximate): the same data trend gives close p-values.
        double[] fifty = [.. Enumerable.Range(0, 50).Select(i => (i % 3 == 0 ? -1.0 : 1.0) * (i + 1))];
        double[] fiftyOne = [.. fifty, 51.0];
        double exact = SignedRankTest.PValue(fifty, greater: true);
        double approximate = SignedRankTest.PValue(fiftyOne, greater: true);
        exact.ShouldBeInRange(0.0, 0.2);
        approximate.ShouldBe(exact, 0.05);
    }

    [Fact]
    public void PValue_OneSided_SumsOverBothTailsToOneWithTheObservedAtom()
    {
        double[] differences = [0.3, -0.1, 0.8, 1.2, -0.4, 0.9];
        double upper = SignedRankTest.PValue(differences, greater: true);
        double lower = SignedRankTest.PValue(differences, greater: false);
        (upper + lower).ShouldBeGreaterThan(1.0);
        (upper + lower).ShouldBeLessThan(1.0 + 0.2);
    }
}
