using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>
/// A storage that keeps everything in this process's memory (<c>memory:</c>): the fastest, for
/// tests, benchmarks and studies that need not outlive the process.
/// </summary>
/// <remarks>Thread-safe: one lock guards all state; snapshots are immutable, so readers never see partial writes.</remarks>
public sealed class InMemoryStorage : IStorage
{
    private readonly Lock _gate = new();
    private readonly List<StudyRecord> _studies = [];
    private readonly Dictionary<long, StudyTrials> _trialsByStudy = [];
    private readonly Dictionary<long, (long StudyId, FrozenTrial Trial, DateTimeOffset? Heartbeat)> _trials = [];
    private long _nextStudyId = 1;
    private long _nextTrialId = 1;

    /// <inheritdoc />
    public Task<StudyRecord> CreateStudyAsync(string name, IReadOnlyList<StudyDirection> directions, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateNewStudy(name, directions);
        lock (_gate)
        {
            if (_studies.Exists(s => s.Name == name))
            {
                throw new DuplicateStudyException(name);
            }

            var study = new StudyRecord { StudyId = _nextStudyId++, Name = name, Directions = [.. directions], CreatedAt = createdAt };
            _studies.Add(study);
            _trialsByStudy[study.StudyId] = new StudyTrials();
            return Task.FromResult(study);
        }
    }

    /// <inheritdoc />
    public Task<StudyRecord?> FindStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_studies.Find(s => s.Name == name));
        }
    }

    /// <inheritdoc />
    public Task<StudyRecord> GetStudyAsync(long studyId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Study(studyId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StudyRecord>> GetStudiesAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StudyRecord>>([.. _studies]);
        }
    }

    /// <inheritdoc />
    public Task DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            StudyRecord study = Study(studyId);
            _studies.Remove(study);
            foreach (long trialId in _trialsByStudy[studyId].Ids)
            {
                _trials.Remove(trialId);
            }

            _trialsByStudy.Remove(studyId);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task SetStudyAttributeAsync(long studyId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            StudyRecord study = Study(studyId);
            StudyRecord updated = scope == AttributeScope.User
                ? study with { UserAttributes = study.UserAttributes.SetItem(key, value.Clone()) }
                : study with { SystemAttributes = study.SystemAttributes.SetItem(key, value.Clone()) };
            _studies[_studies.IndexOf(study)] = updated;
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<FrozenTrial> CreateTrialAsync(long studyId, NewTrial trial, int? maxRunning = null, int? maxCounted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        lock (_gate)
        {
            Study(studyId);
            StudyTrials trials = _trialsByStudy[studyId];
            List<long> ids = trials.Ids;
            if (trial.State == TrialState.Running && maxRunning is int limit && trials.Running >= limit)
            {
                throw new ConcurrencyLimitExceededException(limit);
            }

            if (trial.State != TrialState.Waiting && maxCounted is int budget && BudgetUsedUp(ids, budget))
            {
                throw new TrialBudgetExhaustedException(budget);
            }

            var frozen = new FrozenTrial
            {
                TrialId = _nextTrialId++,
                Number = ids.Count,
                State = trial.State,
                Values = trial.Values,
                Parameters = trial.Parameters,
                IntermediateValues = trial.IntermediateValues,
                UserAttributes = Owned(trial.UserAttributes),
                SystemAttributes = Owned(trial.SystemAttributes),
                StartedAt = trial.StartedAt,
                CompletedAt = trial.CompletedAt,
                FailReason = trial.FailReason,
            };
            ids.Add(frozen.TrialId);
            _trials[frozen.TrialId] = (studyId, frozen, trial.State == TrialState.Running ? trial.HeartbeatAt : null);
            if (trial.State == TrialState.Waiting)
            {
                trials.Waiting.Enqueue(frozen.TrialId);
            }
            else if (trial.State == TrialState.Running)
            {
                trials.Running++;
            }

            return Task.FromResult(frozen);
        }
    }

    /// <inheritdoc />
    public Task<FrozenTrial?> ClaimWaitingTrialAsync(
        long studyId,
        DateTimeOffset startedAt,
        int? maxRunning = null,
        int? maxCounted = null,
        ImmutableDictionary<string, JsonElement>? systemAttributes = null,
        CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Study(studyId);
            StudyTrials trials = _trialsByStudy[studyId];
            if (maxRunning is int limit && trials.Running >= limit)
            {
                return Task.FromResult<FrozenTrial?>(null);
            }

            if (maxCounted is int budget && BudgetUsedUp(trials.Ids, budget))
            {
                throw new TrialBudgetExhaustedException(budget);
            }

            // Waiting trials leave the queue only here, in number order (the order they were created in).
            if (!trials.Waiting.TryDequeue(out long id))
            {
                return Task.FromResult<FrozenTrial?>(null);
            }

            var entry = _trials[id];
            FrozenTrial claimed = entry.Trial with
            {
                State = TrialState.Running,
                StartedAt = startedAt,
                SystemAttributes = systemAttributes is null ? entry.Trial.SystemAttributes : entry.Trial.SystemAttributes.SetItems(Owned(systemAttributes)),
            };
            _trials[id] = entry with { Trial = claimed };
            trials.Running++;
            return Task.FromResult<FrozenTrial?>(claimed);
        }
    }

    /// <inheritdoc />
    public Task SetTrialParameterAsync(long trialId, string name, TrialParameter parameter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        lock (_gate)
        {
            FrozenTrial trial = Unfinished(trialId, $"set parameter '{name}'");
            if (trial.Parameters.TryGetValue(name, out TrialParameter? existing))
            {
                if (existing != parameter)
                {
                    throw new TrialStateException($"trial {trial.Number} already has parameter '{name}' = {existing.Value}.");
                }

                return Task.CompletedTask;
            }

            Replace(trialId, trial with { Parameters = trial.Parameters.Add(name, parameter) });
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task SetTrialIntermediateValueAsync(long trialId, long step, double value, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            FrozenTrial trial = Unfinished(trialId, $"report step {step}");
            Replace(trialId, trial with { IntermediateValues = trial.IntermediateValues.SetItem(step, value) });
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(long trialId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            FrozenTrial trial = Trial(trialId);
            Replace(trialId, scope == AttributeScope.User
                ? trial with { UserAttributes = trial.UserAttributes.SetItem(key, value.Clone()) }
                : trial with { SystemAttributes = trial.SystemAttributes.SetItem(key, value.Clone()) });
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<bool> FinishTrialAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateOutcome(outcome);
        lock (_gate)
        {
            FrozenTrial trial = Trial(trialId);
            if (trial.State != TrialState.Running)
            {
                return Task.FromResult(false);
            }

            _trialsByStudy[_trials[trialId].StudyId].Running--;
            Replace(trialId, trial with
            {
                State = outcome.State,
                Values = outcome.Values,
                FailReason = outcome.FailReason,
                CompletedAt = outcome.CompletedAt,
                SystemAttributes = trial.SystemAttributes.SetItems(Owned(outcome.SystemAttributes)),
            });
            if (outcome.Retry is { } retry)
            {
                // Under the same (reentrant) lock, and CreateTrialAsync completes synchronously: one atomic step.
                _ = CreateTrialAsync(_trials[trialId].StudyId, retry, cancellationToken: CancellationToken.None).Result;
            }

            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task RecordHeartbeatAsync(long trialId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entry = _trials.TryGetValue(trialId, out var e) ? e : throw new TrialNotFoundException(trialId);
            _trials[trialId] = entry with { Heartbeat = at };
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FrozenTrial>> GetStaleTrialsAsync(long studyId, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Study(studyId);
            return Task.FromResult<IReadOnlyList<FrozenTrial>>(
            [
                .. _trialsByStudy[studyId].Ids
                    .Select(id => _trials[id])
                    .Where(e => e.Trial.State == TrialState.Running && e.Heartbeat is { } beat && beat < before)
                    .Select(e => e.Trial),
            ]);
        }
    }

    /// <inheritdoc />
    public Task<FrozenTrial> GetTrialAsync(long trialId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Trial(trialId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FrozenTrial>> GetTrialsAsync(long studyId, IReadOnlyCollection<TrialState>? states = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Study(studyId);
            IEnumerable<FrozenTrial> trials = _trialsByStudy[studyId].Ids.Select(id => _trials[id].Trial);
            if (states is not null)
            {
                trials = trials.Where(t => states.Contains(t.State));
            }

            return Task.FromResult<IReadOnlyList<FrozenTrial>>([.. trials]);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private StudyRecord Study(long studyId) =>
        _studies.Find(s => s.StudyId == studyId) ?? throw new StudyNotFoundException(studyId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private FrozenTrial Trial(long trialId) =>
        _trials.TryGetValue(trialId, out var entry) ? entry.Trial : throw new TrialNotFoundException(trialId);

    private FrozenTrial Unfinished(long trialId, string action)
    {
        FrozenTrial trial = Trial(trialId);
        if (trial.State.IsFinished())
        {
            throw new TrialStateException($"cannot {action} on trial {trial.Number}: it is already {trial.State.ToWireName()}.");
        }

        return trial;
    }

    /// <summary>Copies JSON values out of the caller's documents, which the caller may dispose.</summary>
    private static ImmutableDictionary<string, JsonElement> Owned(ImmutableDictionary<string, JsonElement> attributes) =>
        attributes.IsEmpty ? attributes : attributes.ToImmutableDictionary(a => a.Key, a => a.Value.Clone(), attributes.KeyComparer);

    private void Replace(long trialId, FrozenTrial trial) => _trials[trialId] = _trials[trialId] with { Trial = trial };

    /// <summary>Whether the trials that count against the budget reach it; numbers are dense, so fewer trials than the budget need no count.</summary>
    private bool BudgetUsedUp(List<long> ids, int budget) => ids.Count >= budget && ids.Count(id => TrialBudget.Counts(_trials[id].Trial)) >= budget;

    /// <summary>A study's trials in number order, its waiting trials in the order they are claimed, and how many run.</summary>
    private sealed class StudyTrials
    {
        public List<long> Ids { get; } = [];

        public Queue<long> Waiting { get; } = new();

        public int Running { get; set; }
    }
}
