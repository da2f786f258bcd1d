using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers.Qmc;

/// <summary>
/// Quasi-Monte Carlo sampling: trial n takes point n of a low-discrepancy sequence — Sobol with the
/// direction numbers of Joe and Kuo, "Constructing Sobol sequences with better two-dimensional
/// projections" (SIAM J. Sci. Comput., 2008), or Halton (1960) — so that the trials cover the space
/// more evenly than independent random draws, optionally randomized (scrambled) by the study's seed.
/// </summary>
/// <remarks>
/// <para>Config name: <c>qmc</c>, options <c>sequence</c> (<c>sobol</c> or <c>halton</c>) and
/// <c>scramble</c> (true or false).</para>
/// <para>The dimensions are the parameters of the study's first complete trial (its non-constant
/// ones), sorted by name, as in Optuna's <c>QMCSampler</c>. Trials before it, parameters outside it,
/// and dimensions beyond the table's (201 for Sobol) are drawn independently and uniformly as by
/// <see cref="RandomSampler"/>. A numeric parameter maps its coordinate u through
/// <see cref="UnitScale.FromUnit"/> (log scales and integer cells respected); a categorical with k
/// choices takes choice ⌊u·k⌋.</para>
/// <para>The sequence index is the trial number, so the sampler keeps no state: a resumed study
/// continues the sequence exactly, and parallel workers take distinct points. Trial 0 has no
/// complete trial before it, so its values are random; the sequence's net properties hold for
/// the trials that follow (any 2^m consecutive aligned indices of Sobol form a net).
/// Without scrambling, point 0 is the origin (all parameters at their lower end); Vernier does not
/// skip it, which keeps the balance of the first 2^m points.</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("qmc").WithSampler(new QmcSampler()).WithSeed(1).CreateAsync();</code></example>
public sealed class QmcSampler : Sampler
{
    private readonly QmcSamplerOptions _options;

    /// <summary>Creates a scrambled Sobol sampler.</summary>
    public QmcSampler()
        : this(new QmcSamplerOptions())
    {
    }

    /// <summary>Creates a sampler with the given options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public QmcSampler(QmcSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "qmc";

    /// <summary>The options in use.</summary>
    public QmcSamplerOptions Options => _options;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (FrozenTrial trial in context.History)
        {
            if (trial.State != TrialState.Complete)
            {
                continue;
            }

            var space = ImmutableSortedDictionary.CreateBuilder<string, ParameterDistribution>(StringComparer.Ordinal);
            foreach (var (name, parameter) in trial.Parameters)
            {
                if (!parameter.Distribution.IsSingle)
                {
                    space[name] = parameter.Distribution;
                }
            }

            return space.ToImmutable();
        }

        return ImmutableSortedDictionary<string, ParameterDistribution>.Empty;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(searchSpace);
        int maxDimensions = _options.Sequence == QmcSequence.Sobol ? SobolSequence.MaxDimensions : int.MaxValue;
        int dimensions = Math.Min(searchSpace.Count, maxDimensions);
        if (dimensions == 0)
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        double[] point = Point(context.Seed, context.TrialNumber, dimensions);
        var values = new Dictionary<string, double>(dimensions, StringComparer.Ordinal);
        int j = 0;
        foreach (var (name, distribution) in searchSpace.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (j == dimensions)
            {
                break; // beyond the table: sampled independently
            }

            values[name] = FromUnit(distribution, point[j++]);
        }

        return values;
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RandomSampler.Draw(context.CreateRandom("param:" + name), distribution);
    }

    /// <summary>Point <paramref name="index"/> of the configured sequence, scrambled by <paramref name="seed"/> when asked.</summary>
    internal double[] Point(ulong seed, long index, int dimensions)
    {
        RandomStream? scramble = _options.Scramble
            ? RandomStream.Derive(seed, -1, _options.Sequence == QmcSequence.Sobol ? "qmc:sobol" : "qmc:halton")
            : null;
        return _options.Sequence == QmcSequence.Sobol
            ? SobolSequence.Point(index, dimensions, scramble)
            : HaltonSequence.Point(index, dimensions, scramble);
    }

    private static double FromUnit(ParameterDistribution distribution, double unit) => distribution switch
    {
        CategoricalDistribution c => Math.Min(Math.Floor(unit * c.Choices.Count), c.Choices.Count - 1),
        _ => UnitScale.FromUnit(distribution, unit),
    };
}
