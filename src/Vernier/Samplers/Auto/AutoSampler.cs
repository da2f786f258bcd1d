using System.Runtime.CompilerServices;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Samplers.CmaEs;
using Vernier.Samplers.GaussianProcess;
using Vernier.Samplers.Nsga2;
using Vernier.Samplers.Tpe;
using Vernier.Trials;

namespace Vernier.Samplers.Auto;

/// <summary>
/// Chooses a sampler for each trial from the study's objectives, search space and history, so
/// that a study that names no strategy still gets a model-based search suited to it:
/// <list type="bullet">
/// <item>several objectives: NSGA-II;</item>
/// <item>conditional parameters (some trials lack a parameter others have): TPE, multivariate,
/// with group decomposition;</item>
/// <item>once a trial has been pruned: TPE, multivariate. GP and CMA-ES learn from complete
/// trials only, and under a pruner most trials stop early; TPE also ranks pruned trials (by the
/// step they reached, then their last value), so it keeps learning from them.</item>
/// <item>otherwise (one objective, a fixed space, nothing pruned): Gaussian-process Bayesian optimization for
/// the first <see cref="AutoSamplerOptions.GpTrials"/> complete trials, the most sample-efficient
/// choice while trials are few (its kernel handles integers and categoricals too); after that,
/// CMA-ES warm-started from those trials when every parameter is numeric, and multivariate TPE
/// when some are categorical, both of which cost the same per trial however long the study runs.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>Config name: <c>auto</c> (alias <c>bayesian</c>); the default strategy of a study file.
/// The choice is a pure function of the history, so a resumed study chooses as before; each
/// trial records it in the system attribute <c>auto:sampler</c>.</para>
/// <para>The chosen samplers keep their own defaults (ten random start-up trials for TPE and GP).</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("demo").WithSampler(new AutoSampler()).CreateAsync();</code></example>
public sealed class AutoSampler : Sampler
{
    /// <summary>The system attribute recording which sampler a trial used.</summary>
    public const string ChosenSamplerAttribute = "auto:sampler";

    private readonly AutoSamplerOptions _options;
    private readonly Nsga2Sampler _nsga2 = new();
    private readonly TpeSampler _tpe = new(new TpeSamplerOptions { Multivariate = true });
    private readonly TpeSampler _tpeGrouped = new(new TpeSamplerOptions { Multivariate = true, Group = true });
    private readonly GpSampler _gp = new();

    // The choice for one trial (one context): made once, however many times the study calls in.
    private readonly ConditionalWeakTable<SamplerContext, Sampler> _choices = [];

    /// <summary>Creates the sampler with default options.</summary>
    public AutoSampler()
        : this(new AutoSamplerOptions())
    {
    }

    /// <summary>Creates the sampler.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public AutoSampler(AutoSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "auto";

    /// <inheritdoc />
    public override void BeforeTrial(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Sampler chosen = Choose(context);
        context.SetTrialSystemAttribute(ChosenSamplerAttribute, JsonSerializer.SerializeToElement(chosen.Name));
        chosen.BeforeTrial(context);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context) =>
        Choose(context).InferRelativeSearchSpace(context);

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace) =>
        Choose(context).SampleRelative(context, searchSpace);

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution) =>
        Choose(context).SampleIndependent(context, name, distribution);

    /// <summary>The sampler this trial uses; the same answer for every call within a trial and in any process.</summary>
    /// <param name="context">The trial's context.</param>
    internal Sampler Choose(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _choices.GetValue(context, ChooseOnce);
    }

    private Sampler ChooseOnce(SamplerContext context)
    {
        if (context.Directions.Count > 1)
        {
            return _nsga2;
        }

        var (categorical, conditional, complete, pruned) = Describe(context.History);
        if (conditional)
        {
            return _tpeGrouped;
        }

        if (pruned)
        {
            return _tpe;
        }

        if (complete < _options.GpTrials)
        {
            return _gp;
        }

        if (categorical)
        {
            return _tpe;
        }

        // The hand-over: CMA-ES starts from the trials GP ran (the same set at every later trial,
        // since they are those before the first trial that chose CMA-ES).
        int handOver = FirstChoice(context.History, "cmaes") ?? context.TrialNumber;
        return new CmaEsSampler(new CmaEsSamplerOptions
        {
            SourceTrials = [.. context.History.Where(t => t.Number < handOver && t.State == TrialState.Complete)],
        });
    }

    private static (bool Categorical, bool Conditional, int Complete, bool Pruned) Describe(IReadOnlyList<FrozenTrial> history)
    {
        bool categorical = false, conditional = false, pruned = false;
        int complete = 0;
        HashSet<string>? names = null;
        foreach (FrozenTrial trial in history)
        {
            pruned |= trial.State == TrialState.Pruned;
            if (trial.State != TrialState.Complete)
            {
                continue;
            }

            complete++;
            foreach (var (_, parameter) in trial.Parameters)
            {
                categorical |= parameter.Distribution is CategoricalDistribution;
            }

            if (names is null)
            {
                names = [.. trial.Parameters.Keys];
            }
            else if (names.Count != trial.Parameters.Count || !trial.Parameters.Keys.All(names.Contains))
            {
                conditional = true;
            }
        }

        return (categorical, conditional, complete, pruned);
    }

    private static int? FirstChoice(IReadOnlyList<FrozenTrial> history, string sampler)
    {
        foreach (FrozenTrial trial in history)
        {
            if (trial.SystemAttributes.TryGetValue(ChosenSamplerAttribute, out JsonElement chosen) &&
                chosen.ValueKind == JsonValueKind.String && chosen.GetString() == sampler)
            {
                return trial.Number;
            }
        }

        return null;
    }
}
