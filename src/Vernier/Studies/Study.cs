using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Pruners;
using Vernier.Samplers;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Studies;

/// <summary>
/// An optimization study: a named set of trials in a storage, the directions of its objectives,
/// the sampler that proposes parameters and the pruner that stops hopeless trials.
/// </summary>
/// <remarks>
/// Create or load one with <see cref="Builder"/>. Run it with <c>OptimizeAsync</c>, or drive it
/// yourself with <c>AskAsync</c> / <c>TellAsync</c>. A study object is safe to use from several
/// threads; several processes may open the same study in a shared storage.
/// </remarks>
public sealed partial class Study : IAsyncDisposable
{
    private readonly bool _ownsStorage;

    internal Study(IStorage storage, bool ownsStorage, StudyRecord record, ulong seed, Sampler sampler, Pruner pruner, StudyOptions options)
    {
        Storage = storage;
        _ownsStorage = ownsStorage;
        StudyId = record.StudyId;
        Name = record.Name;
        Directions = record.Directions;
        Seed = seed;
        Sampler = sampler;
        Pruner = pruner;
        Options = options;
    }

    /// <summary>The storage the study lives in.</summary>
    public IStorage Storage { get; }

    /// <summary>The storage's id of the study.</summary>
    public long StudyId { get; }

    /// <summary>The study's unique name.</summary>
    public string Name { get; }

    /// <summary>One direction per objective.</summary>
    public ImmutableArray<StudyDirection> Directions { get; }

    /// <summary>The direction of a single-objective study.</summary>
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public StudyDirection Direction => Directions.Length == 1
        ? Directions[0]
        : throw new InvalidOperationException("this study has several objectives; read Directions instead.");

    /// <summary>True when the study has more than one objective.</summary>
    public bool IsMultiObjective => Directions.Length > 1;

    /// <summary>The seed every sampler stream derives from; stored with the study so that a resumed study continues exactly.</summary>
    public ulong Seed { get; }

    /// <summary>The sampler.</summary>
    public Sampler Sampler { get; }

    /// <summary>The pruner.</summary>
    public Pruner Pruner { get; }

    /// <summary>The options.</summary>
    public StudyOptions Options { get; }

    /// <summary>Starts describing a study to create or load.</summary>
    /// <param name="name">The study's unique name within its storage.</param>
    public static StudyBuilder Builder(string name) => new(name);

    /// <summary>The study's trials in number order, optionally only those in the given states.</summary>
    /// <param name="states">States to include, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<IReadOnlyList<FrozenTrial>> GetTrialsAsync(IReadOnlyCollection<TrialState>? states = null, CancellationToken cancellationToken = default) =>
        Storage.GetTrialsAsync(StudyId, states, cancellationToken);

    /// <summary>The trial with this number.</summary>
    /// <param name="number">The trial's number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">No such trial.</exception>
    public async Task<FrozenTrial> GetTrialAsync(int number, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<FrozenTrial> trials = await GetTrialsAsync(null, cancellationToken);
        return number >= 0 && number < trials.Count && trials[number].Number == number
            ? trials[number]
            : trials.FirstOrDefault(t => t.Number == number)
              ?? throw new ArgumentException($"study '{Name}' has no trial number {number} (it has {trials.Count} trials).", nameof(number));
    }

    /// <summary>
    /// The best complete trial of a single-objective study (ties go to the earlier trial), or null
    /// when none has completed. Only feasible trials (see <see cref="FrozenTrial.IsFeasible"/>)
    /// count while there is one; otherwise the least-violating trials do.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="InvalidOperationException">The study has several objectives; use <see cref="GetBestTrialsAsync"/>.</exception>
    public async Task<FrozenTrial?> GetBestTrialAsync(CancellationToken cancellationToken = default)
    {
        StudyDirection direction = Direction;
        IReadOnlyList<FrozenTrial> complete = Candidates(await GetTrialsAsync([TrialState.Complete], cancellationToken));
        return BestOf(complete, direction);
    }

    /// <summary>
    /// The best trials: for one objective, the best trial; for several, the Pareto front (complete
    /// trials no other complete trial dominates), in number order. Feasibility is preferred as in
    /// <see cref="GetBestTrialAsync"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<FrozenTrial>> GetBestTrialsAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<FrozenTrial> complete = Candidates(await GetTrialsAsync([TrialState.Complete], cancellationToken));
        if (!IsMultiObjective)
        {
            return BestOf(complete, Direction) is { } best ? [best] : [];
        }

        return ParetoFront.Of(complete, Directions);
    }

    /// <summary>Sets a user attribute on the study.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Any JSON-serializable value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task SetUserAttributeAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Storage.SetStudyAttributeAsync(StudyId, AttributeScope.User, key, AttributeJson.ToElement(value), cancellationToken);
    }

    /// <summary>The study's record with its attributes, as stored now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<StudyRecord> GetRecordAsync(CancellationToken cancellationToken = default) => Storage.GetStudyAsync(StudyId, cancellationToken);

    /// <summary>Disposes the storage if the builder opened it for this study.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ownsStorage)
        {
            await Storage.DisposeAsync();
        }
    }

    /// <summary>Whether the pruner says the trial should stop now.</summary>
    internal async Task<bool> ShouldPruneAsync(long trialId, CancellationToken cancellationToken)
    {
        if (Pruner is NopPruner)
        {
            return false;
        }

        // One read of the study gives both the trial and the others it is compared with.
        IReadOnlyList<FrozenTrial> all = await GetTrialsAsync(null, cancellationToken);
        FrozenTrial? trial = null;
        var others = new List<FrozenTrial>(Math.Max(0, all.Count - 1));
        foreach (FrozenTrial t in all)
        {
            if (t.TrialId == trialId)
            {
                trial = t;
            }
            else
            {
                others.Add(t);
            }
        }

        var context = new PrunerContext(Directions, trial ?? await Storage.GetTrialAsync(trialId, cancellationToken), others);
        bool prune = Pruner.Prune(context);
        foreach (var (key, value) in context.DrainPendingSystemAttributes())
        {
            await Storage.SetTrialAttributeAsync(trialId, AttributeScope.System, key, value, cancellationToken);
        }

        return prune;
    }

    /// <summary>Waits for a storage call from the synchronous <see cref="Trial"/> API.</summary>
    internal void Wait(Task task) => task.GetAwaiter().GetResult();

    /// <summary>Waits for a storage call from the synchronous <see cref="Trial"/> API.</summary>
    internal T Wait<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>The trials a best-trial query may return: the feasible ones, or, when none is, the least violating.</summary>
    private static List<FrozenTrial> Candidates(IReadOnlyList<FrozenTrial> complete)
    {
        List<FrozenTrial> feasible = [.. complete.Where(t => t.IsFeasible)];
        if (feasible.Count > 0 || complete.Count == 0)
        {
            return feasible;
        }

        double least = complete.Min(t => t.ConstraintViolation);
        return [.. complete.Where(t => t.ConstraintViolation == least)];
    }

    /// <summary>
    /// The best complete trial of a single-objective history, as <see cref="GetBestTrialAsync"/>
    /// chooses it (feasible first); null when none is complete.
    /// </summary>
    internal static FrozenTrial? BestCompleteTrial(IReadOnlyList<FrozenTrial> trials, StudyDirection direction) =>
        BestOf(Candidates([.. trials.Where(t => t.State == TrialState.Complete && t.Values.Length > 0)]), direction);

    private static FrozenTrial? BestOf(IReadOnlyList<FrozenTrial> complete, StudyDirection direction)
    {
        FrozenTrial? best = null;
        foreach (FrozenTrial trial in complete)
        {
            if (best is null || direction.IsBetter(trial.Values[0], best.Values[0]))
            {
                best = trial;
            }
        }

        return best;
    }
}
