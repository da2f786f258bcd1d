using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// Gaussian-process Bayesian optimization: a GP with a Matérn 5/2 ARD kernel (Rasmussen &amp;
/// Williams 2006) whose hyperparameters are fitted by maximum a posteriori, and the next trial
/// chosen by maximizing log expected improvement (Ament et al. 2023, "Unexpected improvements to
/// expected improvement for Bayesian optimization"), as Optuna's <c>GPSampler</c> does.
/// </summary>
/// <remarks>
/// <para>Config name: <c>gp</c>; options <c>n_startup_trials</c>, <c>deterministic_objective</c>,
/// <c>max_observations</c>.</para>
/// <para>The first <see cref="GpSamplerOptions.NStartupTrials"/> trials are random. After that the
/// parameters every completed trial shares (<see cref="IntersectionSearchSpace"/>) are chosen
/// jointly by the GP; any other parameter is drawn uniformly at random. Numeric parameters are
/// modelled in the unit cube of <see cref="UnitScale"/> (log scales in log space; integers and
/// steps snapped to their grid), categorical ones through a Hamming-distance kernel term.</para>
/// <para>Trials still running are added to the model with the best feasible value seen so far (a constant
/// liar), so parallel asks spread out. Outcome constraints (<see cref="FrozenTrial.Constraints"/>)
/// get one GP each; the acquisition adds the log probability of feasibility to log EI over the
/// best feasible value, and with no feasible trial yet it maximizes the probability of feasibility.</para>
/// <para>Single-objective studies only: with several objectives it throws
/// <see cref="NotSupportedException"/>. The fitted hyperparameters are stored with each trial
/// (system attribute <c>gp:hyperparameters</c>) to warm-start the next fit; the sampler keeps no
/// other state.</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("demo").WithSampler(new GpSampler(new GpSamplerOptions { NStartupTrials = 10 })).CreateAsync();</code></example>
public sealed class GpSampler : Sampler
{
    /// <summary>The system attribute holding the hyperparameters fitted for a trial.</summary>
    public const string HyperparametersAttribute = "gp:hyperparameters";

    private const int MaxFitObservations = 100;
    private const int ColdFitIterations = 50;
    private const int WarmFitIterations = 10;
    private const int AnchorCount = 5;
    private const int LocalStarts = 4;
    private const int MaxModelAttempts = 2;

    private readonly int _startupTrials;
    private readonly bool _deterministic;
    private readonly int _maxObservations;

    /// <summary>Creates the sampler with default options.</summary>
    public GpSampler()
        : this(new GpSamplerOptions())
    {
    }

    /// <summary>Creates the sampler.</summary>
    /// <param name="options">The options (copied).</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public GpSampler(GpSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _startupTrials = options.NStartupTrials;
        _deterministic = options.DeterministicObjective;
        _maxObservations = options.MaxObservations;
    }

    /// <inheritdoc />
    public override string Name => "gp";

    /// <inheritdoc />
    /// <exception cref="VernierException">The study has several objectives.</exception>
    public override void BeforeTrial(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequireSingleObjective(Name);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImmutableArray<FrozenTrial> completed = context.CompletedTrials;
        if (context.Directions.Count != 1 || completed.Length < Math.Max(2, _startupTrials))
        {
            return ImmutableDictionary<string, ParameterDistribution>.Empty;
        }

        return IntersectionSearchSpace.Compute(completed);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(searchSpace);
        if (searchSpace.Count == 0 || context.Directions.Count != 1 || context.Attempt >= MaxModelAttempts)
        {
            // Also when the model's proposals hit a forbidden combination twice: the model would
            // likely propose the same region again, so the redraws are random.
            return ImmutableDictionary<string, double>.Empty;
        }

        var space = new EncodedSpace(searchSpace);
        Observations? data = Observations.Collect(space, context, _maxObservations);
        if (data is null)
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        try
        {
            return SampleWithModel(context, space, data);
        }
        catch (InvalidOperationException)
        {
            // The covariance could not be factored even with jitter (degenerate data): sample this
            // trial at random rather than fail it.
            return ImmutableDictionary<string, double>.Empty;
        }
    }

    private IReadOnlyDictionary<string, double> SampleWithModel(SamplerContext context, EncodedSpace space, Observations data)
    {

        WarmStart? warm = WarmStart.Find(context.History, space.Key);
        var hyperparameters = new KernelHyperparameters(space.Categorical, fitNoise: !_deterministic);
        RandomStream fitRandom = context.CreateRandom("gp:fit");

        // The objective's model: fit on (a subset of) the completed trials, then condition on
        // them plus the running trials at the best feasible value seen (constant liar).
        double[] objectiveTheta = FitTheta(hyperparameters, warm?.Objective, data.X, data.Y, space.Dimension, fitRandom);
        GaussianProcessRegressor? objective = null;
        double incumbent = 0;
        if (data.HasFeasible)
        {
            incumbent = data.BestFeasible;
            (double[] x, double[] y) = WithLiars(data.X, data.Y, data.Pending, incumbent);
            objective = GaussianProcessRegressor.Fit(hyperparameters.ToKernel(objectiveTheta), x, y);
        }

        int constraintCount = data.Constraints.Length;
        var constraintModels = new GaussianProcessRegressor[constraintCount];
        var thresholds = new double[constraintCount];
        var constraintThetas = new double[constraintCount][];
        for (int c = 0; c < constraintCount; c++)
        {
            (double[] values, double threshold) = data.Constraints[c];
            double[]? start = warm is { Constraints: { } stored } && c < stored.Length ? stored[c] : null;
            constraintThetas[c] = FitTheta(hyperparameters, start, data.X, values, space.Dimension, fitRandom);
            // With no feasible trial the acquisition is the probability of feasibility alone: running
            // trials then lie with the worst constraint value seen, so parallel asks still spread out.
            (double[] cx, double[] cy) = data.HasFeasible ? (data.X, values) : WithLiars(data.X, values, data.Pending, values.Max());
            constraintModels[c] = GaussianProcessRegressor.Fit(hyperparameters.ToKernel(constraintThetas[c]), cx, cy);
            thresholds[c] = threshold;
        }

        var acquisition = new Acquisition(objective, incumbent, constraintModels, thresholds);
        int n = data.Y.Length + (data.Pending.Length / Math.Max(1, space.Dimension));
        (double[] best, _) = AcquisitionOptimizer.Maximize(
            space, acquisition, context.CreateRandom("gp:acquisition"), data.Anchors(AnchorCount), RandomCandidates(n), n <= 250 ? LocalStarts : LocalStarts / 2);

        context.SetTrialSystemAttribute(HyperparametersAttribute, WarmStart.ToJson(space.Key, objectiveTheta, constraintThetas));
        var result = new Dictionary<string, double>(space.Dimension, StringComparer.Ordinal);
        for (int d = 0; d < space.Dimension; d++)
        {
            result[space.Names[d]] = space.Decode(d, best[d]);
        }

        return result;
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RandomSampler.Draw(context.CreateRandom("param:" + name), distribution);
    }

    /// <summary>
    /// How many uniform candidates to screen with n training points: 1024 up to 200 points, then
    /// fewer (at least 256) so that candidates × n², the cost of their posterior variances, stays bounded.
    /// </summary>
    private static int RandomCandidates(int n) => n <= 200 ? 1024 : Math.Max(256, (int)(1024.0 * 200 * 200 / ((double)n * n)));

    private static double[] FitTheta(KernelHyperparameters hyperparameters, double[]? warm, double[] x, double[] y, int dim, RandomStream random)
    {
        bool isWarm = warm is not null && warm.Length == hyperparameters.Length;
        double[] initial = isWarm ? warm! : hyperparameters.DefaultTheta();
        (double[] fitX, double[] fitY) = FitSubset(x, y, dim, random);
        return HyperparameterFit.Fit(hyperparameters, initial, fitX, fitY, isWarm ? WarmFitIterations : ColdFitIterations);
    }

    /// <summary>At most <see cref="MaxFitObservations"/> points for the hyperparameter fit: the best quarter and a random selection of the rest.</summary>
    private static (double[] X, double[] Y) FitSubset(double[] x, double[] y, int dim, RandomStream random)
    {
        int n = y.Length;
        if (n <= MaxFitObservations)
        {
            return (x, y);
        }

        int[] chosen = Observations.BestAndRandom(y, MaxFitObservations, MaxFitObservations / 4, random);
        var subX = new double[chosen.Length * dim];
        var subY = new double[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            Array.Copy(x, chosen[i] * dim, subX, i * dim, dim);
            subY[i] = y[chosen[i]];
        }

        return (subX, subY);
    }

    private static (double[] X, double[] Y) WithLiars(double[] x, double[] y, double[] pending, double lie)
    {
        if (pending.Length == 0)
        {
            return (x, y);
        }

        int extra = pending.Length / (x.Length / y.Length);
        double[] allX = [.. x, .. pending];
        var allY = new double[y.Length + extra];
        y.CopyTo(allY, 0);
        Array.Fill(allY, lie, y.Length, extra);
        return (allX, allY);
    }
}
