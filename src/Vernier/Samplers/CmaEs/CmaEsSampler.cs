using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.CmaEs;

/// <summary>
/// CMA-ES, the covariance matrix adaptation evolution strategy (Hansen, "The CMA Evolution
/// Strategy: A Tutorial", 2016), over the numeric parameters every complete trial shares, with
/// IPOP restarts (Auger and Hansen, 2005), a margin for integer and stepped parameters (Hamano et
/// al., "CMA-ES with Margin", 2022) and an optional warm start from an earlier study (Nomura et
/// al., "Warm Starting CMA-ES for Hyperparameter Optimization", 2021).
/// </summary>
/// <remarks>
/// <para>Config name: <c>cmaes</c>. Single-objective studies only: a study with several objectives
/// fails on its first ask with a <see cref="VernierException"/>.</para>
/// <para>The search runs in the unit cube that <see cref="UnitScale"/> maps each parameter to (log
/// aware). Categorical parameters, and parameters outside the joint space (conditional ones), are
/// drawn uniformly at random. Candidates outside the cube are redrawn, up to 100 times, then
/// clipped into it. Maximized objectives are negated; infeasible trials (outcome constraints)
/// rank after every feasible one.</para>
/// <para>The sampler keeps no state in memory. Each trial it samples records, as system
/// attributes, its generation (<c>cmaes:generation</c>), restart (<c>cmaes:restart</c>) and point in
/// the cube (<c>cmaes:x</c>); the first trial of each generation also records the optimizer state
/// (<c>cmaes:state</c>: mean, σ, C, evolution paths, margin, population size). An ask reads the
/// latest state by scanning the history backwards; once λ trials of its generation are complete
/// it performs the update (and, when a termination criterion holds, the restart) and stores the
/// new state on the trial being asked. Failed and pruned trials do not count towards λ: the
/// generation is topped up with new candidates. A resumed study therefore continues exactly, and
/// parallel asks within a generation get distinct candidates (each trial's own random stream).</para>
/// </remarks>
/// <example><code>var study = await Study.Builder("demo").WithSampler(new CmaEsSampler(new CmaEsSamplerOptions { PopulationSize = 8 })).CreateAsync();</code></example>
public sealed class CmaEsSampler : Sampler
{
    /// <summary>The system attribute holding a trial's generation.</summary>
    public const string GenerationAttribute = "cmaes:generation";

    /// <summary>The system attribute holding a trial's restart index.</summary>
    public const string RestartAttribute = "cmaes:restart";

    /// <summary>The system attribute holding a trial's candidate in the unit cube.</summary>
    public const string PointAttribute = "cmaes:x";

    /// <summary>The system attribute holding the optimizer state on the first trial of each generation.</summary>
    public const string StateAttribute = "cmaes:state";

    private readonly CmaEsSamplerOptions _options;

    /// <summary>Creates the sampler with the default options.</summary>
    public CmaEsSampler()
        : this(new CmaEsSamplerOptions())
    {
    }

    /// <summary>Creates the sampler.</summary>
    /// <param name="options">The options; they are copied.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public CmaEsSampler(CmaEsSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = new CmaEsSamplerOptions
        {
            Sigma0 = options.Sigma0,
            NStartupTrials = options.NStartupTrials,
            PopulationSize = options.PopulationSize,
            RestartStrategy = options.RestartStrategy,
            IncPopSize = options.IncPopSize,
            WithMargin = options.WithMargin,
            SourceTrials = options.SourceTrials is null ? null : [.. options.SourceTrials],
        };
    }

    /// <inheritdoc />
    public override string Name => "cmaes";

    /// <inheritdoc />
    /// <exception cref="VernierException">The study has more than one objective.</exception>
    public override void BeforeTrial(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequireSingleObjective(Name);
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, ParameterDistribution> InferRelativeSearchSpace(SamplerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        int complete = 0;
        foreach (FrozenTrial trial in context.History)
        {
            if (trial.State == TrialState.Complete && ++complete >= _options.NStartupTrials)
            {
                break;
            }
        }

        if (complete < Math.Max(1, _options.NStartupTrials))
        {
            return ImmutableDictionary<string, ParameterDistribution>.Empty;
        }

        ImmutableSortedDictionary<string, ParameterDistribution> shared = IntersectionSearchSpace.Compute(context.History);
        var numeric = ImmutableSortedDictionary.CreateBuilder<string, ParameterDistribution>(StringComparer.Ordinal);
        foreach (var (name, distribution) in shared)
        {
            if (UnitScale.IsNumeric(distribution))
            {
                numeric[name] = distribution;
            }
        }

        return numeric.ToImmutable();
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, double> SampleRelative(SamplerContext context, IReadOnlyDictionary<string, ParameterDistribution> searchSpace)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(searchSpace);
        var space = CmaEsSpace.From(searchSpace);
        if (space.Dimension == 0)
        {
            return ImmutableDictionary<string, double>.Empty;
        }

        (CmaEsState state, bool isNew) = CurrentState(context, space);
        double[] x = CmaEsEngine.Sample(state, context.CreateRandom("cmaes:sample"));

        if (isNew)
        {
            context.SetTrialSystemAttribute(StateAttribute, state.ToJson());
        }

        context.SetTrialSystemAttribute(GenerationAttribute, JsonSerializer.SerializeToElement(state.Generation));
        context.SetTrialSystemAttribute(RestartAttribute, JsonSerializer.SerializeToElement(state.Restart));
        context.SetTrialSystemAttribute(PointAttribute, JsonSerializer.SerializeToElement(x));

        var values = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < space.Dimension; j++)
        {
            values[space.Names[j]] = space.ToValue(j, x[j]);
        }

        return values.ToImmutable();
    }

    /// <inheritdoc />
    public override double SampleIndependent(SamplerContext context, string name, ParameterDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RandomSampler.Draw(context.CreateRandom("cmaes:param:" + name), distribution);
    }

    /// <summary>
    /// The state to sample this trial from, and whether it is new (an initial state, an update or a
    /// restart made by this ask), in which case it is stored on this trial.
    /// </summary>
    internal (CmaEsState State, bool IsNew) CurrentState(SamplerContext context, CmaEsSpace space)
    {
        IReadOnlyList<FrozenTrial> history = context.History;
        int stateIndex = history.Count - 1;
        while (stateIndex >= 0 && !history[stateIndex].SystemAttributes.ContainsKey(StateAttribute))
        {
            stateIndex--;
        }

        if (stateIndex < 0)
        {
            return (InitialState(context, space, generation: 0), true);
        }

        FrozenTrial holder = history[stateIndex];
        CmaEsState? stored = CmaEsState.FromJson(holder.SystemAttributes[StateAttribute]);
        if (stored is null || stored.Space != space.Key || stored.Dimension != space.Dimension)
        {
            // The joint space changed (or the state is unreadable): start afresh in a new generation.
            int previous = stored?.Generation ?? GenerationOf(holder) ?? 0;
            return (InitialState(context, space, previous + 1), true);
        }

        List<(double[] X, FrozenTrial Trial)> members = CompleteMembers(history, stateIndex, stored, space);
        if (members.Count < stored.PopulationSize)
        {
            return (stored, false);
        }

        (double[][] ranked, double[] values) = Rank(members, context.Directions[0]);
        (CmaEsState next, string? stop) = CmaEsEngine.Tell(stored, space, ranked, values, _options.WithMargin);
        if (stop is not null && _options.RestartStrategy == CmaEsRestartStrategy.Ipop)
        {
            next = CmaEsEngine.Restart(next, space, _options.IncPopSize, RandomStream.Derive(context.Seed, context.TrialNumber, "cmaes:restart"));
        }

        return (next, true);
    }

    private CmaEsState InitialState(SamplerContext context, CmaEsSpace space, int generation)
    {
        int n = space.Dimension;
        int populationSize = _options.PopulationSize ?? CmaEsParameters.DefaultPopulationSize(n);
        double sigma0 = _options.Sigma0 ?? 1.0 / 6;
        if (_options.SourceTrials is { Count: > 0 } sources &&
            CmaEsWarmStart.Compute(space, sources, context.Directions[0]) is var (mean, sigma, covariance))
        {
            return CmaEsEngine.Initial(space, mean, sigma, covariance, populationSize, generation, 0, sigma0);
        }

        var centre = new double[n];
        Array.Fill(centre, 0.5);
        return CmaEsEngine.Initial(space, centre, sigma0, null, populationSize, generation, 0, sigma0);
    }

    /// <summary>
    /// The first λ complete trials (by number) of the state's generation, from the state's holder
    /// on, each with its point in the cube: the stored one, or the point of its actual values when
    /// they differ (enqueued or fixed parameters).
    /// </summary>
    private static List<(double[] X, FrozenTrial Trial)> CompleteMembers(IReadOnlyList<FrozenTrial> history, int from, CmaEsState state, CmaEsSpace space)
    {
        var members = new List<(double[] X, FrozenTrial Trial)>(state.PopulationSize);
        for (int i = from; i < history.Count && members.Count < state.PopulationSize; i++)
        {
            FrozenTrial trial = history[i];
            if (trial.State != TrialState.Complete || trial.Values.Length != 1 || !double.IsFinite(trial.Values[0]) ||
                GenerationOf(trial) != state.Generation)
            {
                continue;
            }

            if (PointOf(trial, space) is { } x)
            {
                members.Add((x, trial));
            }
        }

        return members;
    }

    private static double[]? PointOf(FrozenTrial trial, CmaEsSpace space)
    {
        double[]? stored = null;
        if (trial.SystemAttributes.TryGetValue(PointAttribute, out JsonElement element) && element.ValueKind == JsonValueKind.Array &&
            element.GetArrayLength() == space.Dimension)
        {
            stored = new double[space.Dimension];
            int k = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                stored[k++] = item.ValueKind == JsonValueKind.Number ? item.GetDouble() : double.NaN;
            }
        }

        var x = new double[space.Dimension];
        for (int j = 0; j < space.Dimension; j++)
        {
            if (!trial.Parameters.TryGetValue(space.Names[j], out TrialParameter? parameter) || !parameter.Distribution.Equals(space.Distributions[j]))
            {
                return null;
            }

            x[j] = stored is not null && double.IsFinite(stored[j]) && stored[j] is >= 0 and <= 1 && space.ToValue(j, stored[j]) == parameter.InternalValue
                ? stored[j]
                : space.ToUnit(j, parameter.InternalValue);
        }

        return x;
    }

    /// <summary>Best first: feasible before infeasible (by violation), then by value (negated when maximizing), then by trial number.</summary>
    private static (double[][] Ranked, double[] Values) Rank(List<(double[] X, FrozenTrial Trial)> members, StudyDirection direction)
    {
        var keyed = members.Select(m => (
            m.X,
            Violation: m.Trial.IsFeasible ? 0 : m.Trial.ConstraintViolation,
            Value: direction == StudyDirection.Maximize ? -m.Trial.Values[0] : m.Trial.Values[0],
            m.Trial.Number)).ToArray();
        Array.Sort(keyed, (a, b) =>
        {
            int byViolation = a.Violation.CompareTo(b.Violation);
            if (byViolation != 0)
            {
                return byViolation;
            }

            int byValue = a.Value.CompareTo(b.Value);
            return byValue != 0 ? byValue : a.Number.CompareTo(b.Number);
        });
        return ([.. keyed.Select(k => k.X)], [.. keyed.Select(k => k.Value)]);
    }

    private static int? GenerationOf(FrozenTrial trial) =>
        trial.SystemAttributes.TryGetValue(GenerationAttribute, out JsonElement element) && element.TryGetInt32(out int generation) ? generation : null;
}
