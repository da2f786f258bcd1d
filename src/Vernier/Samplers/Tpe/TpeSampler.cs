using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Samplers.Tpe;

/// <summary>
/// The tree-structured Parzen estimator (TPE) of Bergstra, Bardenet, Bengio and Kégl, <i>Algorithms
/// for Hyper-Parameter Optimization</i> (NeurIPS 2011), with the component choices analysed by
/// Watanabe, <i>Tree-Structured Parzen Estimator: Understanding Its Algorithm Components and Their
/// Roles for Better Empirical Performance</i> (2023), and the behaviour users know from Optuna's
/// <c>TPESampler</c>.
/// </summary>
/// <remarks>
/// <para>After <see cref="TpeSamplerOptions.StartupTrials"/> random trials, the finished trials are
/// split into the best γ(n) ("below") and the rest ("above"); a weighted Parzen estimator is fitted
/// to each, l(x) and g(x), and of <see cref="TpeSamplerOptions.EiCandidates"/> candidates drawn from
/// l(x) the one with the largest l(x)/g(x) (which maximises expected improvement) is chosen.</para>
/// <para>By default each parameter is modelled on its own (univariate TPE). With
/// <see cref="TpeSamplerOptions.Multivariate"/> the parameters every finished trial shares are
/// modelled jointly, and with <see cref="TpeSamplerOptions.Group"/> each group of parameters that
/// always occur together is. Floats use truncated Gaussian kernels (on the log scale for log
/// ranges); integers and stepped floats use the probability mass of each value's cell;
/// categoricals use smoothed indicator kernels. See <see cref="ParzenEstimator"/>.</para>
/// <para>Weights: within each group the observations are weighted by recency, all 1 up to 25 and
/// beyond that a ramp from 1/n up to 1 for the older ones, and a prior kernel of weight
/// <see cref="TpeSamplerOptions.PriorWeight"/> is added. Running trials count as "above" with
/// the constant liar; pruned trials rank after complete ones (later step first, then last value);
/// infeasible trials (outcome constraints) rank after feasible ones by violation; several
/// objectives are ranked by non-domination rank and crowding distance (MOTPE-like).</para>
/// <para>The sampler keeps no state: every suggestion is computed from the context's history, and
/// every draw comes from <see cref="SamplerContext.CreateRandom"/>. Config name: <c>tpe</c>.</para>
/// </remarks>
/// <example><code>
/// var study = await Study.Builder("demo")
///     .WithSampler(new TpeSampler(new TpeSamplerOptions { Multivariate = true }))
///     .WithSeed(42)
///     .CreateAsync();
/// </code></example>
public sealed class TpeSampler : Sampler
{
    /// <summary>The number of most recent observations that keep full weight.</summary>
    private const int FullWeightWindow = 25;

    private readonly int _startupTrials;
    private readonly int _eiCandidates;
    private readonly bool _multivariate;
    private readonly bool _group;
    private readonly bool _constantLiar;
    private readonly double _priorWeight;
    private readonly bool _considerEndpoints;
    private readonly Func<int, int> _gamma;

    /// <summary>
    /// The below/above split of each context's history, computed once per trial rather than once per
    /// parameter. Keyed weakly by the context (which lives for one trial and whose history never
    /// changes), so it holds no state between trials.
    /// </summary>
    private readonly ConditionalWeakTable<SamplerContext, SplitHistory> _splits = [];

    /// <summary>Creates a TPE sampler with the default options.</summary>
    public TpeSampler()
        : this(new TpeSamplerOptions())
    {
    }

    /// <summary>Creates a TPE sampler; the options are validated and copied.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public TpeSampler(TpeSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _startupTrials = options.StartupTrials;
        _eiCandidates = options.EiCandidates;
        _multivariate = options.Multivariate;
        _group = options.Group;
        _constantLiar = options.ConstantLiar;
        _priorWeight = options.PriorWeight;
        _considerEndpoints = options.ConsiderEndpoints;
        _gamma = options.Gamma ?? TpeSamplerOptions.DefaultGamma;
    }

    /// <inheritdoc />
    public override string Name => "tpe";

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_multivariate || InStartup(context))
        {
            return ImmutableDictionary<string, ParameterDistribution>.Empty;
        }

        if (!_group)
        {
            return IntersectionSearchSpace.Compute(context.History, includePruned: true);
        }

        var union = new Dictionary<string, ParameterDistribution>(StringComparer.Ordinal);
        foreach (var group in GroupDecomposedSearchSpace.Compute(context.History))
        {
            foreach (var (name, distribution) in group)
            {
                union[name] = distribution;
            }
        }

        return union;
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0 || InStartup(context))
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        var (below, above) = SplitOf(context);
        RandomStream random = context.CreateRandom("tpe:relative");
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        IEnumerable<IReadOnlyDictionary<string, ParameterDistribution>> groups = _group
            ? GroupDecomposedSearchSpace.Compute(context.History)
            : [searchSpace];
        foreach (IReadOnlyDictionary<string, ParameterDistribution> group in groups)
        {
            string[] names = [.. group.Keys.Where(searchSpace.ContainsKey).Order(StringComparer.Ordinal)];
            if (names.Length == 0)
            {
                continue;
            }

            ParameterDistribution[] distributions = [.. names.Select(n => searchSpace[n])];
            double[] chosen = Choose(below, above, names, distributions, random, joint: true);
            for (int j = 0; j < names.Length; j++)
            {
                result[names[j]] = chosen[j];
            }
        }

        return result;
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(distribution);
        if (distribution.IsSingle || InStartup(context))
        {
            return RandomSampler.Draw(context.CreateRandom("param:" + name), distribution);
        }

        var (below, above) = SplitOf(context);
        return Choose(below, above, [name], [distribution], context.CreateRandom("tpe:param:" + name), joint: false)[0];
    }

    /// <summary>The split of the context's history, computed on the first call for the context.</summary>
    private (List<FrozenTrial> Below, List<FrozenTrial> Above) SplitOf(SamplerContext context)
    {
        SplitHistory split = _splits.GetValue(context, c =>
        {
            var (below, above) = TrialSplit.Split(c.History, c.Directions, _constantLiar, _gamma);
            return new SplitHistory(below, above);
        });
        return (split.Below, split.Above);
    }

    /// <summary>Whether too few trials have finished for the model: sampling is random until then.</summary>
    private bool InStartup(SamplerContext context)
    {
        int finished = 0;
        foreach (FrozenTrial trial in context.History)
        {
            if (trial.State is TrialState.Complete or TrialState.Pruned && ++finished >= _startupTrials)
            {
                return false;
            }
        }

        return finished < _startupTrials;
    }

    /// <summary>Fits l(x) and g(x) over the given parameters and returns the best of the candidates drawn from l(x), as internal values.</summary>
    private double[] Choose(List<FrozenTrial> below, List<FrozenTrial> above, string[] names, ParameterDistribution[] distributions, RandomStream random, bool joint)
    {
        var dimensions = new ParzenDimension[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            dimensions[j] = ParzenDimension.For(distributions[j]);
        }

        ParzenEstimator good = Fit(below, names, dimensions, joint);
        ParzenEstimator bad = Fit(above, names, dimensions, joint);
        double[][] candidates = good.Sample(random, _eiCandidates);
        double[] logGood = good.LogPdf(candidates);
        double[] logBad = bad.LogPdf(candidates);
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < logGood.Length; c++)
        {
            double score = logGood[c] - logBad[c];
            if (score > bestScore)
            {
                best = c;
                bestScore = score;
            }
        }

        var chosen = new double[names.Length];
        for (int j = 0; j < names.Length; j++)
        {
            chosen[j] = candidates[j][best];
        }

        return chosen;
    }

    /// <summary>The estimator of one group of trials: those that have every parameter, with a compatible distribution.</summary>
    private ParzenEstimator Fit(List<FrozenTrial> trials, string[] names, ParzenDimension[] dimensions, bool joint)
    {
        int d = names.Length;
        var columns = new List<double>[d];
        for (int j = 0; j < d; j++)
        {
            columns[j] = new List<double>(trials.Count);
        }

        var row = new double[d];
        // Trials usually share distribution instances: remember the last one found compatible per parameter.
        var lastCompatible = new ParameterDistribution?[d];
        foreach (FrozenTrial trial in trials)
        {
            bool usable = true;
            for (int j = 0; j < d && usable; j++)
            {
                usable = trial.Parameters.TryGetValue(names[j], out TrialParameter? parameter) &&
                         (ReferenceEquals(parameter.Distribution, lastCompatible[j]) ||
                          (parameter.Distribution.IsCompatibleWith(dimensions[j].Distribution) && (lastCompatible[j] = parameter.Distribution) is not null)) &&
                         !double.IsNaN(row[j] = dimensions[j].ToWorking(parameter.InternalValue));
            }

            if (usable)
            {
                for (int j = 0; j < d; j++)
                {
                    columns[j].Add(row[j]);
                }
            }
        }

        int n = d == 0 ? 0 : columns[0].Count;
        var observations = new double[d][];
        for (int j = 0; j < d; j++)
        {
            observations[j] = [.. columns[j]];
        }

        return new ParzenEstimator(dimensions, observations, RecencyWeights(n), _priorWeight, _considerEndpoints, joint && d > 1);
    }

    /// <summary>Weights of n observations in trial order: 1 for the last 25, a ramp from 1/n to 1 for the older ones.</summary>
    internal static double[] RecencyWeights(int n)
    {
        var weights = new double[n];
        Array.Fill(weights, 1.0);
        int ramp = n - FullWeightWindow;
        for (int i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
        }

        return weights;
    }

    /// <summary>The below and above trials of one context's history; shared read-only by the parameters of a trial.</summary>
    private sealed record SplitHistory(List<FrozenTrial> Below, List<FrozenTrial> Above);
}
