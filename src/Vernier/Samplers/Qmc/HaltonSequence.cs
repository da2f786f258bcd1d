using Vernier.Randomness;

namespace Vernier.Samplers.Qmc;

/// <summary>
/// The Halton sequence: coordinate j of point n is the radical inverse of n in the j-th prime
/// base (Halton, 1960), optionally scrambled by random digit permutations.
/// </summary>
/// <remarks>
/// Scrambling draws, for each dimension and each digit position, an independent random permutation
/// of the base's digits, and applies it to every digit position down to the precision of a double
/// (leading zeros included), as in the random-permutation scrambles surveyed by Owen (2017) and
/// Mascagni &amp; Chi (2004). The first b^m points of a dimension in base b still fall one in each
/// interval of width b^-m, and the poor correlations of unscrambled Halton in high dimensions
/// (dimensions with large neighbouring primes) are broken up.
/// </remarks>
internal static class HaltonSequence
{
    /// <summary>The first <paramref name="count"/> primes.</summary>
    /// <param name="count">How many.</param>
    public static int[] Primes(int count)
    {
        var primes = new int[count];
        int found = 0;
        for (int candidate = 2; found < count; candidate++)
        {
            bool prime = true;
            for (int i = 0; i < found && primes[i] * primes[i] <= candidate; i++)
            {
                if (candidate % primes[i] == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (prime)
            {
                primes[found++] = candidate;
            }
        }

        return primes;
    }

    /// <summary>Point <paramref name="index"/> in [0, 1)^<paramref name="dimensions"/>.</summary>
    /// <param name="index">The point's index (point 0 is the origin when unscrambled).</param>
    /// <param name="dimensions">How many coordinates.</param>
    /// <param name="scramble">The stream the permutations are drawn from, or null for the plain sequence.</param>
    public static double[] Point(long index, int dimensions, RandomStream? scramble)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int[] bases = Primes(dimensions);
        var point = new double[dimensions];
        int[] permutation = [];
        for (int j = 0; j < dimensions; j++)
        {
            int b = bases[j];
            if (scramble is null)
            {
                point[j] = RadicalInverse(index, b);
                continue;
            }

            if (permutation.Length < b)
            {
                permutation = new int[b];
            }

            // Digit positions down to about 2^-52: b^depth <= 2^52.
            int depth = (int)Math.Floor(52 / Math.Log2(b));
            double value = 0;
            double scale = 1.0 / b;
            long rest = index;
            for (int k = 0; k < depth; k++, scale /= b)
            {
                Span<int> p = permutation.AsSpan(0, b);
                for (int d = 0; d < b; d++)
                {
                    p[d] = d;
                }

                scramble.Shuffle(p);
                int digit = (int)(rest % b);
                rest /= b;
                value += p[digit] * scale;
            }

            point[j] = Math.Min(value, Math.BitDecrement(1.0));
        }

        return point;
    }

    /// <summary>The radical inverse of <paramref name="index"/> in base <paramref name="b"/>: its digits mirrored about the radix point.</summary>
    /// <param name="index">A non-negative integer.</param>
    /// <param name="b">The base, 2 or more.</param>
    public static double RadicalInverse(long index, int b)
    {
        double value = 0;
        double scale = 1.0 / b;
        for (long rest = index; rest > 0; rest /= b, scale /= b)
        {
            value += (rest % b) * scale;
        }

        return value;
    }
}
