using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers;

/// <summary>Everything a sampler may look at when it suggests parameters for one trial.</summary>
/// <remarks>
/// A sampler must be a pure function of this context: the study's seed, the trial's number, the
/// history shown, and the parameters chosen so far. Its randomness comes from
/// <see cref="CreateRandom"/>, never from a shared generator, so a resumed or re-run study makes
/// exactly the same suggestions.
/// </remarks>
public sealed class SamplerContext
{
    private readonly Dictionary<string, JsonElement> _pendingSystemAttributes = [];
    private ImmutableArray<FrozenTrial>? _completed;

    internal SamplerContext(ulong seed, IReadOnlyList<StudyDirection> directions, FrozenTrial trial, IReadOnlyList<FrozenTrial> history)
    {
        Seed = seed;
        Directions = directions;
        Trial = trial;
        History = history;
    }

    /// <summary>The study's seed.</summary>
    public ulong Seed { get; }

    /// <summary>One direction per objective.</summary>
    public IReadOnlyList<StudyDirection> Directions { get; }

    /// <summary>The trial being sampled, as stored when it was asked.</summary>
    public FrozenTrial Trial { get; }

    /// <summary>The trial's number.</summary>
    public int TrialNumber => Trial.Number;

    /// <summary>
    /// The other trials of the study that the sampler is shown, in number order, in every state
    /// (running ones included, so that parallel asks can avoid each other).
    /// </summary>
    public IReadOnlyList<FrozenTrial> History { get; }

    /// <summary>
    /// Distributions of parameters in earlier trials, for a study whose sampler is shown no <see cref="History"/>
    /// (random search): what checks that a name keeps its distribution across trials. Null when the history is shown.
    /// </summary>
    internal IReadOnlyDictionary<string, ParameterDistribution>? KnownDistributions { get; init; }

    /// <summary>The completed trials of <see cref="History"/>.</summary>
    public ImmutableArray<FrozenTrial> CompletedTrials => _completed ??= [.. History.Where(t => t.State == TrialState.Complete)];

    /// <summary>Which draw this is: 0, or more when an earlier draw hit a forbidden combination and is redrawn.</summary>
    public int Attempt { get; internal set; }

    /// <summary>The parameters chosen for this trial so far.</summary>
    public IReadOnlyDictionary<string, TrialParameter> CurrentParameters { get; internal set; } = ImmutableDictionary<string, TrialParameter>.Empty;

    /// <summary>A random stream for one purpose in this trial (and attempt), derived from the seed and the trial number.</summary>
    /// <param name="purpose">A label, e.g. <c>"relative"</c> or <c>"param:lr"</c>, that keeps independent draws independent.</param>
    public RandomStream CreateRandom(string purpose) =>
        RandomStream.Derive(Seed, TrialNumber, Attempt == 0 ? purpose : $"{purpose}#{Attempt}");

    /// <summary>Throws unless the study has exactly one objective: for samplers that model a single value.</summary>
    /// <param name="sampler">The sampler's config name, for the message.</param>
    /// <exception cref="VernierException">The study has several objectives.</exception>
    public void RequireSingleObjective(string sampler)
    {
        if (Directions.Count != 1)
        {
            throw new VernierException(
                $"the {sampler} sampler optimizes a single objective, but this study has {Directions.Count}; use nsga2, tpe, auto or random for several objectives.");
        }
    }

    /// <summary>Stores a value with the trial (e.g. a grid point's id or a sampler's state), so a resumed study can read it back from the history.</summary>
    /// <param name="key">The attribute's key.</param>
    /// <param name="value">A JSON value.</param>
    public void SetTrialSystemAttribute(string key, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _pendingSystemAttributes[key] = value;
    }

    /// <summary>Takes and clears the attributes asked for so far.</summary>
    internal Dictionary<string, JsonElement> DrainPendingSystemAttributes()
    {
        var drained = new Dictionary<string, JsonElement>(_pendingSystemAttributes);
        _pendingSystemAttributes.Clear();
        return drained;
    }
}
