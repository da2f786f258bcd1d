using System.Numerics;
using System.Reflection;
using Vernier.Randomness;

namespace Vernier.Samplers.Qmc;

/// <summary>
/// The Sobol low-discrepancy sequence in base 2 with 32-bit resolution, using the primitive
/// polynomials and initial direction numbers of Joe and Kuo (2008), optionally scrambled by a
/// random linear matrix scramble (Matoušek) followed by a random digital shift.
/// </summary>
/// <remarks>
/// <para>Point <c>n</c> is computed directly, in the Gray-code order of Antonov and Saleev: the
/// XOR of the direction numbers selected by the bits of <c>n ^ (n &gt;&gt; 1)</c>. So any point can
/// be computed without the ones before it, and the first 2^m points of every dimension form a
/// (0, m, 1)-net: each interval [k/2^m, (k+1)/2^m) holds exactly one of them.</para>
/// <para>Scrambling multiplies each coordinate's 32 binary digits by a random lower-triangular
/// binary matrix with a unit diagonal, then XORs a random 32-bit word, and finally fills the digits
/// below 2^-32 with random bits (a 52-bit digital shift in all). Both are bijections on the leading
/// m digits for every m, so the net properties are kept while every point becomes uniform on [0, 1).</para>
/// </remarks>
internal static class SobolSequence
{
    private const int Bits = 32;

    private static readonly Lazy<uint[][]> s_directions = new(LoadDirections);

    /// <summary>How many dimensions the embedded table supports.</summary>
    public static int MaxDimensions => s_directions.Value.Length;

    /// <summary>The unscrambled 32-bit digits of point <paramref name="index"/> in <paramref name="dimension"/> (0-based).</summary>
    /// <param name="index">The point's index, 0 or more (point 0 is the origin).</param>
    /// <param name="dimension">The dimension, below <see cref="MaxDimensions"/>.</param>
    public static uint Digits(long index, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, 1L << Bits);
        uint[] v = s_directions.Value[dimension];
        ulong gray = (ulong)index ^ ((ulong)index >> 1);
        uint x = 0;
        for (int k = 0; gray != 0; k++, gray >>= 1)
        {
            if ((gray & 1) != 0)
            {
                x ^= v[k];
            }
        }

        return x;
    }

    /// <summary>Point <paramref name="index"/> in [0, 1)^<paramref name="dimensions"/>.</summary>
    /// <param name="index">The point's index.</param>
    /// <param name="dimensions">How many coordinates, at most <see cref="MaxDimensions"/>.</param>
    /// <param name="scramble">
    /// The stream the scramble is drawn from (the same stream state gives the same scramble), or
    /// null for the plain sequence.
    /// </param>
    public static double[] Point(long index, int dimensions, RandomStream? scramble)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimensions, MaxDimensions);
        var point = new double[dimensions];
        Span<uint> rows = stackalloc uint[Bits];
        for (int j = 0; j < dimensions; j++)
        {
            uint x = Digits(index, j);
            if (scramble is null)
            {
                point[j] = x * (1.0 / (1UL << Bits));
                continue;
            }

            // Row i of the matrix gives output digit i (bit 31 - i): the digit itself plus random higher digits.
            for (int i = 0; i < Bits; i++)
            {
                uint own = 1u << (Bits - 1 - i);
                uint higher = ~((own << 1) - 1); // bits above 'own'; none for i = 0
                rows[i] = own | ((uint)scramble.NextUInt64() & higher);
            }

            ulong shift = scramble.NextUInt64();
            uint y = 0;
            for (int i = 0; i < Bits; i++)
            {
                y |= (uint)(BitOperations.PopCount(rows[i] & x) & 1) << (Bits - 1 - i);
            }

            y ^= (uint)(shift >> Bits);
            ulong digits52 = ((ulong)y << 20) | (shift & 0xFFFFF);
            point[j] = digits52 * (1.0 / (1UL << 52));
        }

        return point;
    }

    private static uint[][] LoadDirections()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Vernier.Samplers.Qmc.SobolDirectionNumbers.txt")
            ?? throw new InvalidOperationException("the Sobol direction numbers are missing from the assembly.");
        using var reader = new StreamReader(stream);
        var table = new List<uint[]> { VanDerCorput() };
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#' || line[0] == 'd')
            {
                continue;
            }

            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int degree = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            uint coefficients = uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
            var v = new uint[Bits];
            for (int k = 0; k < degree; k++)
            {
                uint m = uint.Parse(fields[3 + k], System.Globalization.CultureInfo.InvariantCulture);
                v[k] = m << (Bits - 1 - k);
            }

            // The recurrence of the primitive polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1, on the scaled numbers.
            for (int k = degree; k < Bits; k++)
            {
                uint next = v[k - degree] ^ (v[k - degree] >> degree);
                for (int i = 1; i < degree; i++)
                {
                    if (((coefficients >> (degree - 1 - i)) & 1) != 0)
                    {
                        next ^= v[k - i];
                    }
                }

                v[k] = next;
            }

            table.Add(v);
        }

        return [.. table];
    }

    private static uint[] VanDerCorput()
    {
        var v = new uint[Bits];
        for (int k = 0; k < Bits; k++)
        {
            v[k] = 1u << (Bits - 1 - k);
        }

        return v;
    }
}
