namespace Vernier.Randomness;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256**) whose sequence is fixed by its seed on
/// every platform and .NET version, so that a study's suggestions can be reproduced anywhere.
/// </summary>
/// <remarks>
/// Samplers never share an instance between trials: they derive one per trial with
/// <see cref="Derive(ulong, long, string)"/> from (study seed, trial number, purpose). That is what
/// makes a sampler a pure function of its inputs, and a resumed study continue exactly.
/// Instances are not thread-safe.
/// </remarks>
public sealed class RandomStream
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a stream from a 64-bit seed.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public RandomStream(ulong seed)
    {
        ulong state = seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>
    /// The stream for one purpose within one trial of a seeded study, e.g. ("relative") for joint
    /// sampling or ("param:lr") for one parameter.
    /// </summary>
    /// <param name="studySeed">The study's seed.</param>
    /// <param name="trialNumber">The trial's number within the study.</param>
    /// <param name="purpose">A label that keeps independent draws independent.</param>
    public static RandomStream Derive(ulong studySeed, long trialNumber, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        ulong mixed = Mix(studySeed ^ 0x9E3779B97F4A7C15UL);
        mixed = Mix(mixed ^ unchecked((ulong)trialNumber));
        mixed = Mix(mixed ^ StableHash(purpose));
        return new RandomStream(mixed);
    }

    /// <summary>A 64-bit FNV-1a hash of a string, the same in every process (unlike <see cref="string.GetHashCode()"/>).</summary>
    /// <param name="text">The text to hash.</param>
    public static ulong StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 0x100000001B3UL;
        }

        return hash;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [low, high).</summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound (returned only when equal to <paramref name="low"/>).</param>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias.</summary>
    /// <param name="exclusiveMax">Must be positive.</param>
    public long NextInt64(long exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        ulong bound = (ulong)exclusiveMax;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            if (r >= threshold)
            {
                return (long)(r % bound);
            }
        }
    }

    /// <summary>A uniform integer in [low, high], both inclusive.</summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Inclusive upper bound.</param>
    public long NextInt64(long low, long high)
    {
        if (high < low)
        {
            throw new ArgumentOutOfRangeException(nameof(high), $"high ({high}) is below low ({low}).");
        }

        return low + NextInt64(high - low + 1);
    }

    /// <summary>A standard normal draw (Box–Muller, polar form).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }

        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);

        double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }

    /// <summary>Shuffles a span in place (Fisher–Yates).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The items to shuffle.</param>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInt64(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
