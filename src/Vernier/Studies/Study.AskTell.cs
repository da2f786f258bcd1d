using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Studies;

public sealed partial class Study
{
    private readonly SemaphoreSlim _askGate = new(1, 1);

    /// <summary>
    /// For a sampler that reads no history: each parameter's distribution in the trials this handle has seen (the
    /// study as read at its first ask, and every trial it finished since), so that a name keeps its distribution.
    /// </summary>
    private readonly ConcurrentDictionary<string, ParameterDistribution> _knownDistributions = new(StringComparer.Ordinal);

    private volatile bool _knownDistributionsLoaded;
    private volatile WorkerAttributesCache? _workerAttributes;

    /// <summary>
    /// Starts a trial whose parameters the objective code will suggest (define-by-run). An enqueued
    /// trial is taken first, if one waits.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ConcurrencyLimitExceededException"><see cref="StudyOptions.MaxConcurrent"/> trials are already running.</exception>
    /// <exception cref="SamplerExhaustedException">The sampler has nothing left to suggest (a finished grid).</exception>
    public Task<Trial> AskAsync(CancellationToken cancellationToken = default) => AskAsync(null, cancellationToken);

    /// <summary>
    /// Starts a trial; with a declared <paramref name="space"/>, every parameter is chosen now
    /// (define-and-run), respecting its conditions and constraints.
    /// </summary>
    /// <param name="space">The declared search space, or null for define-by-run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ConcurrencyLimitExceededException"><see cref="StudyOptions.MaxConcurrent"/> trials are already running.</exception>
    /// <exception cref="SamplerExhaustedException">The sampler has nothing left to suggest (a finished grid).</exception>
    public async Task<Trial> AskAsync(SearchSpace? space, CancellationToken cancellationToken = default) =>
        await AskCoreAsync(space, null, beats: false, cancellationToken)
        ?? throw new InvalidOperationException("unreachable: no budget was given.");

    /// <summary>Records a complete trial of a single-objective study. NaN or infinity records it Failed instead.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="value">The objective value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial as stored.</returns>
    public Task<FrozenTrial> TellAsync(Trial trial, double value, CancellationToken cancellationToken = default) =>
        TellAsync(trial, [value], cancellationToken);

    /// <summary>Records a complete trial with one value per objective. NaN, infinity or a wrong count records it Failed instead.</summary>
    /// <param name="trial">The trial.</param>
    /// <param name="values">The objective values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial as stored.</returns>
    public Task<FrozenTrial> TellAsync(Trial trial, IReadOnlyList<double> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return FinishAsync(trial.TrialId, OutcomeFor(values), cancellationToken);
    }

    /// <summary>Records the result of a trial by its number (ask-and-tell from scripts and the CLI).</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="values">The objective values.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial as stored.</returns>
    public async Task<FrozenTrial> TellAsync(int trialNumber, IReadOnlyList<double> values, CancellationToken cancellationToken = default)
    {
        FrozenTrial trial = await GetTrialAsync(trialNumber, cancellationToken);
        return await FinishAsync(trial.TrialId, OutcomeFor(values), cancellationToken);
    }

    /// <summary>Records a trial as pruned.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<FrozenTrial> TellPrunedAsync(int trialNumber, CancellationToken cancellationToken = default)
    {
        FrozenTrial trial = await GetTrialAsync(trialNumber, cancellationToken);
        return await FinishAsync(trial.TrialId, TrialOutcome.Pruned(Now), cancellationToken);
    }

    /// <summary>Records a trial as failed.</summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="reason">Why, in words a user can act on.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<FrozenTrial> TellFailedAsync(int trialNumber, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        FrozenTrial trial = await GetTrialAsync(trialNumber, cancellationToken);
        return await FinishAsync(trial.TrialId, TrialOutcome.Failed(reason, Now), cancellationToken);
    }

    /// <summary>
    /// Records that the process working on a running trial is alive (ask-and-tell from scripts and the CLI). A trial
    /// that has recorded a heartbeat is failed as stale, and retried within <see cref="StudyOptions.MaxRetries"/>, by
    /// whichever process of the study notices first that none came for <see cref="StudyOptions.StaleAfter"/>.
    /// </summary>
    /// <param name="trialNumber">The trial's number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial as it was before the beat.</returns>
    /// <exception cref="TrialStateException">The trial is not running (it finished, or was failed as stale meanwhile).</exception>
    public async Task<FrozenTrial> RecordHeartbeatAsync(int trialNumber, CancellationToken cancellationToken = default)
    {
        FrozenTrial trial = await GetTrialAsync(trialNumber, cancellationToken);
        if (trial.State != TrialState.Running)
        {
            throw new TrialStateException($"trial {trialNumber} is {trial.State.ToWireName()}, not running: there is nothing to keep alive" +
                (trial.FailReason is { } reason ? $" ({reason})." : "."));
        }

        await Storage.RecordHeartbeatAsync(trial.TrialId, Now, cancellationToken);
        return trial;
    }

    /// <summary>
    /// Adds a trial with given parameter values, to be evaluated before the sampler's own
    /// suggestions (warm start). Parameters the objective asks for but the dictionary lacks are sampled.
    /// </summary>
    /// <param name="parameters">Values by name: strings, numbers, booleans.</param>
    /// <param name="space">When given, the values are checked against this declared space first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The waiting trial.</returns>
    /// <exception cref="ArgumentException">A value is of an unsupported type or does not fit <paramref name="space"/>.</exception>
    public Task<FrozenTrial> EnqueueTrialAsync(IReadOnlyDictionary<string, object?> parameters, SearchSpace? space = null, CancellationToken cancellationToken = default) =>
        EnqueueCoreAsync(parameters, space, cancellationToken);

    /// <summary>
    /// Marks trials whose worker is gone as Failed (reason: interrupted or stale) and, within
    /// <see cref="StudyOptions.MaxRetries"/>, enqueues a linked copy of each. Called at the start of
    /// every optimize run; call it yourself when driving the study by ask and tell.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trials that were failed.</returns>
    public async Task<IReadOnlyList<FrozenTrial>> RecoverAbandonedTrialsAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = Now;
        var abandoned = new Dictionary<long, (FrozenTrial Trial, string Reason)>();
        foreach (FrozenTrial trial in await Storage.GetStaleTrialsAsync(StudyId, now - Options.StaleAfter, cancellationToken))
        {
            abandoned[trial.TrialId] = (trial, $"stale: no heartbeat from worker {WorkerOf(trial)?.ToString() ?? "(unknown)"} for more than {Options.StaleAfter.TotalSeconds:0} s");
        }

        if (Options.WorkerLiveness is { } liveness)
        {
            foreach (FrozenTrial trial in await GetTrialsAsync([TrialState.Running], cancellationToken))
            {
                if (WorkerOf(trial) is { } worker && worker != Options.Worker && liveness.IsAlive(worker) == false)
                {
                    abandoned[trial.TrialId] = (trial, $"interrupted: its worker {worker} is no longer running");
                }
            }
        }

        var failed = new List<FrozenTrial>();
        foreach (var (trial, reason) in abandoned.Values.OrderBy(a => a.Trial.Number))
        {
            // The failure, its marks and the retry are one transaction: written only if this process is the one that fails the trial.
            if (await Storage.FinishTrialAsync(trial.TrialId, WithRetry(trial, Interrupted(TrialOutcome.Failed(reason, now))), cancellationToken))
            {
                failed.Add(await Storage.GetTrialAsync(trial.TrialId, cancellationToken));
            }
        }

        return failed;
    }

    /// <summary>Asks for a trial; returns null when the study already holds <paramref name="totalBudget"/> counted trials.</summary>
    /// <param name="space">The declared search space, or null for define-by-run.</param>
    /// <param name="totalBudget">The study's trial budget, checked by the storage in the same transaction as the new trial.</param>
    /// <param name="beats">Whether the caller will keep the trial's heartbeat: its first beat is then recorded with the trial.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    internal async Task<Trial?> AskCoreAsync(SearchSpace? space, int? totalBudget, bool beats, CancellationToken cancellationToken)
    {
        await _askGate.WaitAsync(cancellationToken);
        try
        {
            // A sampler that never looks at other trials (random search) is shown none: reading the whole study on every
            // ask is what limits many workers sharing one server. The storage checks the budget in its insert anyway.
            bool readsHistory = Sampler.ReadsHistory || Options.DeterministicParallel;
            IReadOnlyList<FrozenTrial> history = [];
            if (readsHistory)
            {
                history = await GetTrialsAsync(null, cancellationToken);
                if (totalBudget is int budget && history.Count(TrialBudget.Counts) >= budget)
                {
                    return null;
                }
            }
            else if (!_knownDistributionsLoaded)
            {
                RememberDistributions(await GetTrialsAsync(null, cancellationToken));
                _knownDistributionsLoaded = true;
            }

            DateTimeOffset now = Now;
            FrozenTrial? frozen;
            try
            {
                // The storage checks the budget again in the claim's or insert's transaction: other processes may have started trials since the read above.
                // The worker is stored with the trial in the same transaction: a worker killed right after leaves a trial that recovery can
                // still attribute to a dead process (a Running trial with no worker and no heartbeat is never recovered).
                var asked = new NewTrial { State = TrialState.Running, StartedAt = now, HeartbeatAt = beats ? now : null, SystemAttributes = WorkerAttributes() };
                if (!Sampler.IsExhausted(history))
                {
                    // Claim an enqueued trial, or else create one: one round trip on a server.
                    (frozen, _) = await Storage.ClaimOrCreateTrialAsync(StudyId, asked, Options.MaxConcurrent, totalBudget, cancellationToken);
                }
                else
                {
                    // Nothing new to sample: only enqueued trials remain.
                    frozen = await Storage.ClaimWaitingTrialAsync(StudyId, now, Options.MaxConcurrent, totalBudget, asked.SystemAttributes, cancellationToken)
                        ?? throw new SamplerExhaustedException(Sampler.Name);
                    if (beats)
                    {
                        await Storage.RecordHeartbeatAsync(frozen.TrialId, now, cancellationToken);
                    }
                }
            }
            catch (TrialBudgetExhaustedException)
            {
                return null;
            }

            try
            {
                IReadOnlyList<FrozenTrial> shown = Options.DeterministicParallel
                    ? await DeterministicViewAsync(frozen.Number, history, keepRunningParameters: space is not null, cancellationToken)
                    : [.. history.Where(t => t.TrialId != frozen.TrialId)];
                if (!Sampler.NeedsWholeHistory)
                {
                    // The pruner may narrow what the sampler learns from (Hyperband: the trial's own bracket, BOHB).
                    shown = Pruner.SamplerHistory(Directions, frozen.Number, shown);
                }

                return await StartSamplingAsync(frozen, shown, space, cancellationToken);
            }
            catch (Exception e)
            {
                // The trial exists already: record why it could not start rather than leave it Running.
                string reason = e is OperationCanceledException ? "interrupted: the ask was cancelled before parameters were chosen" : $"could not choose parameters: {e.Message}";
                await Storage.FinishTrialAsync(frozen.TrialId, TrialOutcome.Failed(reason, Now), CancellationToken.None);
                throw;
            }
        }
        finally
        {
            _askGate.Release();
        }
    }

    /// <summary>Finishes a trial, tells the sampler, and returns it as stored.</summary>
    /// <exception cref="TrialStateException">The trial had already finished (e.g. failed as stale by another worker).</exception>
    internal async Task<FrozenTrial> FinishAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken)
    {
        (bool finishedNow, FrozenTrial trial) = await Storage.FinishTrialAndReadAsync(trialId, outcome, cancellationToken);
        if (_knownDistributionsLoaded)
        {
            RememberDistributions([trial]);
        }

        if (!finishedNow)
        {
            throw new TrialStateException(
                $"trial {trial.Number} was already {trial.State.ToWireName()}" +
                (trial.FailReason is { } reason ? $" ({reason})" : "") + "; this result was not recorded.");
        }

        Sampler.AfterTrial(new SamplerContext(Seed, Directions, trial, []), trial);
        SignalTrialFinished();
        return trial;
    }

    /// <summary>The outcome for values an objective returned: Complete, or Failed with the reason.</summary>
    internal TrialOutcome OutcomeFor(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Directions.Length)
        {
            return TrialOutcome.Failed($"the objective returned {values.Count} value(s), but the study has {Directions.Length} objective(s).", Now);
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                string which = values.Count == 1 ? "" : $" for objective {i}";
                return TrialOutcome.Failed($"the objective returned {FormatNonFinite(values[i])}{which}.", Now);
            }
        }

        return TrialOutcome.Complete(values, Now);
    }

    private void RememberDistributions(IEnumerable<FrozenTrial> trials)
    {
        foreach (FrozenTrial trial in trials)
        {
            foreach (var (name, parameter) in trial.Parameters)
            {
                _knownDistributions.TryAdd(name, parameter.Distribution);
            }
        }
    }

    private static string FormatNonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity";

    private async Task<Trial> StartSamplingAsync(FrozenTrial frozen, IReadOnlyList<FrozenTrial> history, SearchSpace? space, CancellationToken cancellationToken)
    {
        var context = new SamplerContext(Seed, Directions, frozen, history) { KnownDistributions = _knownDistributionsLoaded ? _knownDistributions : null };
        Sampler.BeforeTrial(context);
        var sampling = new TrialSampling(Sampler, context);
        IReadOnlyDictionary<string, object?> fixedParameters = FixedParametersOf(frozen);

        ImmutableDictionary<string, TrialParameter> chosen = frozen.Parameters;
        if (space is null)
        {
            sampling.SampleRelative(0);
        }
        else
        {
            chosen = DrawDeclared(space, sampling, fixedParameters);
            if (!chosen.IsEmpty)
            {
                await Storage.SetTrialParametersAsync(frozen.TrialId, chosen, cancellationToken);
            }
        }

        ImmutableDictionary<string, JsonElement> systemAttributes = frozen.SystemAttributes;
        foreach (var (key, value) in context.DrainPendingSystemAttributes())
        {
            await Storage.SetTrialAttributeAsync(frozen.TrialId, AttributeScope.System, key, value, cancellationToken);
            systemAttributes = systemAttributes.SetItem(key, value);
        }

        return new Trial(this, frozen with { Parameters = chosen, SystemAttributes = systemAttributes }, sampling, fixedParameters);
    }

    private ImmutableDictionary<string, TrialParameter> DrawDeclared(SearchSpace space, TrialSampling sampling, IReadOnlyDictionary<string, object?> fixedParameters)
    {
        ForbiddenCombination? violation = null;
        for (int attempt = 0; attempt < Options.MaxConstraintAttempts; attempt++)
        {
            sampling.SampleRelative(attempt);
            ImmutableDictionary<string, TrialParameter> chosen = space.Sample((name, distribution, soFar) =>
                fixedParameters.TryGetValue(name, out object? value) ? FixedInternal(name, distribution, value) : sampling.Draw(name, distribution, soFar));
            violation = space.FindViolation(chosen.ToDictionary(p => p.Key, p => p.Value.Value));
            if (violation is null)
            {
                return chosen;
            }

            if (fixedParameters.Count > 0 && space.Parameters.All(p => fixedParameters.ContainsKey(p.Name) || !chosen.ContainsKey(p.Name)))
            {
                break; // Nothing left to redraw: the enqueued values themselves are forbidden.
            }
        }

        throw new VernierException(
            $"no allowed combination found in {Options.MaxConstraintAttempts} draws; the last one was forbidden by ({violation!.When}). " +
            "The constraints may forbid almost all of the space.");
    }

    private static double FixedInternal(string name, ParameterDistribution distribution, object? value)
    {
        try
        {
            return distribution.ToInternal(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the enqueued value for '{name}' does not fit: {e.Message}", e);
        }
    }

    private async Task<FrozenTrial> EnqueueCoreAsync(IReadOnlyDictionary<string, object?> parameters, SearchSpace? space, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (space is not null && space.Validate(parameters) is { Count: > 0 } problems)
        {
            throw new ArgumentException("the enqueued parameters do not fit the search space: " + string.Join(" ", problems));
        }

        return await Storage.CreateTrialAsync(
            StudyId,
            new NewTrial
            {
                State = TrialState.Waiting,
                SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.FixedParameters, FixedParametersJson(parameters)),
            },
            null,
            null,
            cancellationToken);
    }

    /// <summary>
    /// A failing trial's outcome with, within <see cref="StudyOptions.MaxRetries"/>, a linked Waiting copy of the trial as its
    /// <see cref="TrialOutcome.Retry"/> (the same parameters, <see cref="SystemAttributes.RetryOf"/>, <see cref="SystemAttributes.RetryCount"/>
    /// and, with a backoff, <see cref="SystemAttributes.RetryNotBefore"/>), so that the storage writes the failure and the retry in one
    /// transaction. A trial that failed for another reason than an interruption is also marked <see cref="SystemAttributes.Retried"/>.
    /// </summary>
    /// <param name="trial">The trial as it ran (its parameters and system attributes).</param>
    /// <param name="outcome">A Failed outcome.</param>
    private TrialOutcome WithRetry(FrozenTrial trial, TrialOutcome outcome)
    {
        int previousRetries = trial.SystemAttributes.TryGetValue(SystemAttributes.RetryCount, out JsonElement count) ? count.GetInt32() : 0;
        if (previousRetries >= Options.MaxRetries)
        {
            return outcome;
        }

        ImmutableDictionary<string, JsonElement> marks = outcome.SystemAttributes;
        if (!trial.SystemAttributes.ContainsKey(SystemAttributes.Interrupted) && !marks.ContainsKey(SystemAttributes.Interrupted))
        {
            marks = marks.SetItem(SystemAttributes.Retried, JsonSerializer.SerializeToElement(true));
        }

        int original = trial.SystemAttributes.TryGetValue(SystemAttributes.RetryOf, out JsonElement of) ? of.GetInt32() : trial.Number;
        ImmutableDictionary<string, JsonElement> attributes = ImmutableDictionary<string, JsonElement>.Empty
            .Add(SystemAttributes.RetryOf, JsonSerializer.SerializeToElement(original))
            .Add(SystemAttributes.RetryCount, JsonSerializer.SerializeToElement(previousRetries + 1))
            .Add(SystemAttributes.FixedParameters, FixedParametersJson(trial.Params));
        TimeSpan backoff = RetryBackoff(Options.RetryBackoff, previousRetries + 1);
        if (backoff > TimeSpan.Zero)
        {
            attributes = attributes.Add(SystemAttributes.RetryNotBefore, JsonSerializer.SerializeToElement(Now + backoff));
        }

        return outcome with { SystemAttributes = marks, Retry = new NewTrial { State = TrialState.Waiting, SystemAttributes = attributes } };
    }

    /// <summary>A Failed outcome marked as an interruption (the worker died or was stopped), which does not use up the budget.</summary>
    private static TrialOutcome Interrupted(TrialOutcome outcome) => outcome with
    {
        SystemAttributes = outcome.SystemAttributes
            .SetItem(SystemAttributes.Interrupted, JsonSerializer.SerializeToElement(true))
            .SetItem(SystemAttributes.FailureClass, JsonSerializer.SerializeToElement("interrupted")),
    };

    /// <summary>The system attributes a trial this process starts carries: its worker, when known.</summary>
    private ImmutableDictionary<string, JsonElement> WorkerAttributes()
    {
        // Serialised once per worker identity, not on every ask.
        if (_workerAttributes is { } known && Equals(known.Worker, Options.Worker))
        {
            return known.Attributes;
        }

        ImmutableDictionary<string, JsonElement> attributes = Options.Worker is { } worker
            ? ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, JsonSerializer.SerializeToElement(worker, AttributeJson.SnakeCase))
            : ImmutableDictionary<string, JsonElement>.Empty;
        _workerAttributes = new WorkerAttributesCache(Options.Worker, attributes);
        return attributes;
    }

    private sealed record WorkerAttributesCache(WorkerIdentity? Worker, ImmutableDictionary<string, JsonElement> Attributes);

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first): the backoff doubled per earlier retry, capped.</summary>
    internal static TimeSpan RetryBackoff(TimeSpan first, int retry)
    {
        double seconds = first.TotalSeconds * Math.Pow(2, Math.Min(retry - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, StudyOptions.MaxRetryBackoff.TotalSeconds));
    }

    /// <summary>Parameter values as the JSON object stored in <see cref="SystemAttributes.FixedParameters"/>.</summary>
    private static JsonElement FixedParametersJson(IReadOnlyDictionary<string, object?> parameters)
    {
        var json = new JsonObject();
        foreach (var (name, value) in parameters)
        {
            json[name] = DistributionJson.ValueToNode(value);
        }

        return JsonSerializer.SerializeToElement(json);
    }

    private static IReadOnlyDictionary<string, object?> FixedParametersOf(FrozenTrial trial)
    {
        if (!trial.SystemAttributes.TryGetValue(SystemAttributes.FixedParameters, out JsonElement element) || element.ValueKind != JsonValueKind.Object)
        {
            return ImmutableDictionary<string, object?>.Empty;
        }

        return JsonNode.Parse(element.GetRawText())!.AsObject().ToDictionary(p => p.Key, p => DistributionJson.NodeToValue(p.Value));
    }

    private static WorkerIdentity? WorkerOf(FrozenTrial trial) =>
        trial.SystemAttributes.TryGetValue(SystemAttributes.Worker, out JsonElement element) ? element.Deserialize<WorkerIdentity>(AttributeJson.SnakeCase) : null;
}
