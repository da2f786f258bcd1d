using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.Population;

/// <summary>What one trial of a population study does: its segment and the parameters it inherits (empty for a fresh start).</summary>
/// <param name="Segment">The segment.</param>
/// <param name="Parameters">The parameters to return by name (a fresh member draws the rest at random).</param>
internal sealed record PopulationAssignment(PopulationSegment Segment, ImmutableDictionary<string, TrialParameter> Parameters);

/// <summary>The state of one member, read from the history.</summary>
internal sealed class PopulationMember(int id)
{
    public int Id { get; } = id;

    /// <summary>True when one of its trials is running (or waiting).</summary>
    public bool Busy { get; set; }

    /// <summary>Its latest complete segment's trial, or null.</summary>
    public FrozenTrial? LastComplete { get; set; }

    /// <summary>The segment of <see cref="LastComplete"/>.</summary>
    public PopulationSegment? LastCompleteSegment { get; set; }

    /// <summary>The steps the member has done: the end of its latest complete segment.</summary>
    public long StepsDone => LastCompleteSegment?.EndStep ?? 0;
}

/// <summary>
/// The decisions of population based training, as a pure function of the options, the seed and
/// the history: which member the next trial trains, whether it exploits another, and the
/// perturbed parameters.
/// </summary>
internal static class PopulationPlanner
{
    /// <summary>Reads every member's state from the history, by member id.</summary>
    public static SortedDictionary<int, PopulationMember> ReadMembers(IReadOnlyList<FrozenTrial> history)
    {
        var members = new SortedDictionary<int, PopulationMember>();
        foreach (FrozenTrial trial in history)
        {
            if (PopulationSegment.FromAttributes(trial.SystemAttributes, withParameters: false) is not { } segment)
            {
                continue;
            }

            if (!members.TryGetValue(segment.Member, out PopulationMember? member))
            {
                member = new PopulationMember(segment.Member);
                members.Add(segment.Member, member);
            }

            if (!trial.State.IsFinished())
            {
                member.Busy = true;
            }
            else if (trial.State == TrialState.Complete && trial.Values.Length == 1 && double.IsFinite(trial.Values[0]) &&
                     (member.LastComplete is null || trial.Number > member.LastComplete.Number))
            {
                member.LastComplete = trial;
                member.LastCompleteSegment = segment;
            }
        }

        return members;
    }

    /// <summary>How many members form each of the top and bottom quantiles of <paramref name="ranked"/> members (Ray Tune's rule).</summary>
    public static int QuantileCount(int ranked, double fraction)
    {
        if (ranked <= 1)
        {
            return 0;
        }

        return Math.Min((int)Math.Ceiling(ranked * fraction), ranked / 2);
    }

    /// <summary>Decides the next trial's segment.</summary>
    public static PopulationAssignment Plan(SamplerContext context, PopulationSamplerOptions options)
    {
        context.RequireSingleObjective("population");
        if (RetriedSegment(context) is { } retried)
        {
            return retried;
        }

        SortedDictionary<int, PopulationMember> members = ReadMembers(context.History);
        if (members.Count < options.PopulationSize)
        {
            int id = 0;
            while (members.ContainsKey(id))
            {
                id++;
            }

            return Fresh(id, options);
        }

        PopulationMember? chosen = null;
        foreach (PopulationMember member in members.Values)
        {
            if (member.Busy || (options.MaxSteps is long max && member.StepsDone >= max))
            {
                continue;
            }

            if (chosen is null || member.StepsDone < chosen.StepsDone)
            {
                chosen = member;
            }
        }

        if (chosen is null)
        {
            throw new VernierException(
                $"the population strategy runs at most population_size ({options.PopulationSize}) trials at once, and every member that still trains is running; " +
                "use at most population_size parallel workers, or a larger population_size.");
        }

        if (chosen.LastComplete is null)
        {
            // No complete segment yet (its attempts failed or were pruned): start again from scratch.
            return Fresh(chosen.Id, options);
        }

        StudyDirection direction = context.Directions[0];
        List<PopulationMember> ranked = [.. members.Values.Where(m => m.LastComplete is not null)];
        ranked.Sort((a, b) =>
        {
            double va = a.LastComplete!.Values[0], vb = b.LastComplete!.Values[0];
            int byValue = direction.IsBetter(va, vb) ? -1 : direction.IsBetter(vb, va) ? 1 : 0;
            return byValue != 0 ? byValue : a.Id.CompareTo(b.Id);
        });

        int quantile = QuantileCount(ranked.Count, options.QuantileFraction);
        int position = ranked.IndexOf(chosen);
        // A donor that has reached max_steps has nothing left to train: copying it would give an empty segment.
        List<PopulationMember> donors = quantile > 0 && position >= ranked.Count - quantile
            ? [.. ranked.Take(quantile).Where(m => options.MaxSteps is not long max || m.StepsDone < max)]
            : [];
        if (donors.Count > 0)
        {
            PopulationMember donor = donors[(int)context.CreateRandom("population:donor").NextInt64(donors.Count)];
            ImmutableDictionary<string, TrialParameter> perturbed = Explore(context, options, donor.LastComplete!.Parameters);
            return new PopulationAssignment(
                Continue(chosen.Id, donor, options) with
                {
                    Exploited = true,
                    DonorMember = donor.Id,
                    OldParameters = External(chosen.LastComplete.Parameters),
                    NewParameters = External(perturbed),
                },
                perturbed);
        }

        return new PopulationAssignment(Continue(chosen.Id, chosen, options), chosen.LastComplete.Parameters);
    }

    /// <summary>
    /// Whether every member has reached <see cref="PopulationSamplerOptions.MaxSteps"/>. When the
    /// population is full and no member is free because the ones still training are all running,
    /// throws <see cref="ConcurrencyLimitExceededException"/> before any trial is created: the
    /// optimize loop then waits for a running trial to finish, as it does at a max_concurrent limit.
    /// </summary>
    public static bool IsExhausted(IReadOnlyList<FrozenTrial> history, PopulationSamplerOptions options)
    {
        SortedDictionary<int, PopulationMember> members = ReadMembers(history);
        if (members.Count < options.PopulationSize)
        {
            return false;
        }

        bool anyBusy = false;
        foreach (PopulationMember member in members.Values)
        {
            bool done = options.MaxSteps is long max && member.StepsDone >= max;
            if (!done && !member.Busy)
            {
                return false;
            }

            anyBusy |= member.Busy && !done;
        }

        return anyBusy ? throw new ConcurrencyLimitExceededException(options.PopulationSize) : true;
    }

    /// <summary>
    /// Perturbs the donor's parameters: each mutable one is redrawn with the resample probability,
    /// else numbers are multiplied by a random factor and clamped, categoricals move to a neighbouring choice.
    /// </summary>
    public static ImmutableDictionary<string, TrialParameter> Explore(
        SamplerContext context, PopulationSamplerOptions options, ImmutableDictionary<string, TrialParameter> donor)
    {
        ImmutableDictionary<string, TrialParameter>.Builder result = donor.ToBuilder();
        foreach (string name in donor.Keys.Order(StringComparer.Ordinal))
        {
            if (options.Mutations is { } mutations && !mutations.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            TrialParameter parameter = donor[name];
            RandomStream random = context.CreateRandom("population:explore:" + name);
            double value;
            if (random.NextDouble() < options.ResampleProbability)
            {
                value = RandomSampler.Draw(random, parameter.Distribution);
            }
            else
            {
                double factor = options.PerturbationFactors[(int)random.NextInt64(options.PerturbationFactors.Count)];
                value = parameter.Distribution switch
                {
                    FloatDistribution f => f.Clamp(parameter.InternalValue * factor),
                    IntDistribution i => i.Clamp(parameter.InternalValue * factor),
                    NormalDistribution n => n.Clamp(parameter.InternalValue * factor),
                    CategoricalDistribution c => Math.Clamp(parameter.InternalValue + (random.NextDouble() < 0.5 ? -1 : 1), 0, c.Choices.Count - 1),
                    _ => parameter.InternalValue,
                };
            }

            result[name] = new TrialParameter(parameter.Distribution, value);
        }

        return result.ToImmutable();
    }

    private static PopulationAssignment Fresh(int member, PopulationSamplerOptions options) => new(
        new PopulationSegment { Member = member, Generation = 0, StartStep = 0, EndStep = EndOf(0, options) },
        ImmutableDictionary<string, TrialParameter>.Empty);

    private static PopulationSegment Continue(int member, PopulationMember from, PopulationSamplerOptions options)
    {
        PopulationSegment parent = from.LastCompleteSegment!;
        return new PopulationSegment
        {
            Member = member,
            Generation = parent.Generation + 1,
            StartStep = parent.EndStep,
            EndStep = EndOf(parent.EndStep, options),
            RestoreFromTrial = from.LastComplete!.Number,
        };
    }

    private static long EndOf(long start, PopulationSamplerOptions options) =>
        options.MaxSteps is long max ? Math.Min(start + options.PerturbationInterval, Math.Max(max, start)) : start + options.PerturbationInterval;

    private static ImmutableSortedDictionary<string, object?> External(ImmutableDictionary<string, TrialParameter> parameters) =>
        parameters.ToImmutableSortedDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);

    /// <summary>A retry of a failed population trial (the study's retry of an interrupted worker) trains the same segment again.</summary>
    private static PopulationAssignment? RetriedSegment(SamplerContext context)
    {
        if (!context.Trial.SystemAttributes.TryGetValue(SystemAttributes.RetryOf, out JsonElement retryOf) || !retryOf.TryGetInt32(out int number))
        {
            return null;
        }

        foreach (FrozenTrial trial in context.History)
        {
            if (trial.Number == number)
            {
                return PopulationSegment.Of(trial) is { } segment ? new PopulationAssignment(segment, trial.Parameters) : null;
            }
        }

        return null;
    }
}
