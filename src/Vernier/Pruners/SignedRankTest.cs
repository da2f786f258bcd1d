using Vernier.Distributions;

namespace Vernier.Pruners;

/// <summary>
/// The one-sided Wilcoxon signed-rank test of paired differences (Wilcoxon, "Individual Comparisons
/// by Ranking Methods", Biometrics Bulletin 1945), used by <see cref="WilcoxonPruner"/>.
/// </summary>
/// <remarks>
/// <para>Ranks: the absolute differences, zeros included, are ranked from 1, tied values sharing
/// the average of their ranks. Zeros follow Wilcoxon's "zsplit": a zero difference keeps its rank
/// and adds half of it to each side, so it moves the ranks of the others but carries no evidence.
/// The statistic is T+ (the rank sum of the positive differences plus half the zeros' ranks).</para>
/// <para>The p-value is exact when at most <see cref="ExactLimit"/> differences are non-zero: the
/// distribution of T+ under the null (each non-zero difference positive or negative with
/// probability ½, ranks as observed, ties included) is counted by dynamic programming over rank
/// sums in half-rank units. Above, the normal approximation with the same conditional moments
/// (mean Σr/2, variance Σr²/4 over the non-zero differences, which is the usual tie correction
/// n(n+1)(2n+1)/24 − Σ(t³−t)/48 with the zeros' share removed), without continuity correction.</para>
/// </remarks>
internal static class SignedRankTest
{
    /// <summary>The largest number of non-zero differences whose p-value is computed exactly.</summary>
    public const int ExactLimit = 50;

    /// <summary>
    /// The p-value of the one-sided test: with <paramref name="greater"/>, that the differences tend
    /// to be positive (P(T+ ≥ observed) under the null); otherwise that they tend to be negative
    /// (P(T+ ≤ observed)). 1 when there is no non-zero difference. Differences must be finite.
    /// </summary>
    public static double PValue(ReadOnlySpan<double> differences, bool greater)
    {
        int n = differences.Length;
        var order = new int[n];
        var magnitudes = new double[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            magnitudes[i] = Math.Abs(differences[i]);
        }

        Array.Sort((double[])magnitudes.Clone(), order);

        // Doubled average ranks (integers): a tie group at sorted positions a..b (1-based) has rank (a+b)/2.
        var doubledRanks = new int[n];
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && magnitudes[order[end + 1]] == magnitudes[order[start]])
            {
                end++;
            }

            for (int k = start; k <= end; k++)
            {
                doubledRanks[order[k]] = start + 1 + end + 1;
            }

            start = end + 1;
        }

        // Only the non-zero differences are random; the zeros add a constant to T+.
        int nonZero = 0, total = 0, observed = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            if (differences[i] != 0)
            {
                nonZero++;
                total += doubledRanks[i];
                sumSquares += (double)doubledRanks[i] * doubledRanks[i];
                if (differences[i] > 0)
                {
                    observed += doubledRanks[i];
                }
            }
        }

        if (nonZero == 0)
        {
            return 1.0;
        }

        if (nonZero > ExactLimit)
        {
            // Doubled units: mean total/2, variance Σ(2r)²/4.
            double z = (observed - total / 2.0) / Math.Sqrt(sumSquares / 4);
            return greater ? NormalMath.UpperTail(z) : NormalMath.UpperTail(-z);
        }

        // P(S = s) for S = Σ over non-zero differences of 2r·(sign is +), each sign a fair coin.
        var probability = new double[total + 1];
        probability[0] = 1;
        int reach = 0;
        for (int i = 0; i < n; i++)
        {
            int r = doubledRanks[i];
            if (differences[i] == 0)
            {
                continue;
            }

            reach += r;
            for (int s = reach; s >= 0; s--)
            {
                probability[s] = 0.5 * (probability[s] + (s >= r ? probability[s - r] : 0));
            }
        }

        double p = 0;
        if (greater)
        {
            for (int s = observed; s <= total; s++)
            {
                p += probability[s];
            }
        }
        else
        {
            for (int s = 0; s <= observed; s++)
            {
                p += probability[s];
            }
        }

        return Math.Min(p, 1.0);
    }
}
