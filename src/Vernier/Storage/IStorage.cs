using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage;

/// <summary>Where studies and their trials live: in memory or in a SQLite file (a backend shared by many machines implements the same contract).</summary>
/// <remarks>
/// <para><b>Thread-safety.</b> Every member may be called concurrently from many threads, and, for
/// persistent backends, from many processes on the same store. Implementations make each call
/// atomic.</para>
/// <para><b>Transactions.</b> Every call that changes a trial's state (<see cref="CreateTrialAsync"/>,
/// <see cref="ClaimWaitingTrialAsync"/>, <see cref="FinishTrialAsync"/>) is one transaction:
/// a reader sees the trial before or after, never half-written. What such a call carries with it is part of the
/// same transaction: the system attributes a claim sets on the claimed trial (its worker), and the system
/// attributes and follow-up Waiting trial (a retry) of a <see cref="TrialOutcome"/>. A process killed during
/// the call therefore leaves all of it or none of it; a failed trial is never left without the retry it was
/// given, and a retry never exists for a trial that another process finished first.</para>
/// <para><b>Numbers.</b> Trial numbers are assigned by the storage, 0, 1, 2, … dense and unique
/// within a study, also when many processes create trials at once.</para>
/// <para><b>Finished trials are final.</b> After <see cref="FinishTrialAsync"/> succeeds, the
/// trial's state, values, parameters and intermediate values never change; writes to them throw
/// <see cref="TrialStateException"/>. Attributes may still be set.</para>
/// <para><b>Ownership.</b> The caller owns the storage and disposes it; studies only borrow it.
/// Snapshots returned are immutable and never updated afterwards.</para>
/// <para><b>Time.</b> Storages record the timestamps their callers pass (from the caller's
/// <see cref="TimeProvider"/>); they do not read the clock.</para>
/// <para><b>Errors.</b> Unknown ids throw <see cref="StudyNotFoundException"/> or
/// <see cref="TrialNotFoundException"/>; a duplicate study name throws <see cref="DuplicateStudyException"/>.</para>
/// </remarks>
public interface IStorage : IAsyncDisposable
{
    /// <summary>Creates a study.</summary>
    /// <param name="name">A unique name.</param>
    /// <param name="directions">One direction per objective (at least one).</param>
    /// <param name="createdAt">The creation time to record.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="DuplicateStudyException">The name is taken.</exception>
    Task<StudyRecord> CreateStudyAsync(string name, IReadOnlyList<StudyDirection> directions, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>The study with this name, or null.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<StudyRecord?> FindStudyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The study with this id.</summary>
    /// <param name="studyId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<StudyRecord> GetStudyAsync(long studyId, CancellationToken cancellationToken = default);

    /// <summary>Every study, in creation order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<StudyRecord>> GetStudiesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a study and all its trials.</summary>
    /// <param name="studyId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default);

    /// <summary>Sets (or replaces) a study attribute.</summary>
    /// <param name="studyId">The study.</param>
    /// <param name="scope">User or system.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">A JSON value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task SetStudyAttributeAsync(long studyId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default);

    /// <summary>Creates a trial with the next number, in one transaction.</summary>
    /// <param name="studyId">The study.</param>
    /// <param name="trial">Its initial state and contents.</param>
    /// <param name="maxRunning">When set and the new trial is Running, refuse if this many trials are already running.</param>
    /// <param name="maxCounted">
    /// When set and the new trial counts toward the study's budget (any state but Waiting), refuse if the study
    /// already holds this many trials that count (see <see cref="TrialBudget.Counts"/>). Checked in the same
    /// transaction as the insert, so many processes sharing one budget never exceed it.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ConcurrencyLimitExceededException">The running limit is reached; nothing was written.</exception>
    /// <exception cref="TrialBudgetExhaustedException">The budget is used up; nothing was written.</exception>
    Task<FrozenTrial> CreateTrialAsync(long studyId, NewTrial trial, int? maxRunning = null, int? maxCounted = null, CancellationToken cancellationToken = default);

    /// <summary>Atomically moves the lowest-numbered Waiting trial to Running, or returns null when none waits.</summary>
    /// <param name="studyId">The study.</param>
    /// <param name="startedAt">The start time to record.</param>
    /// <param name="maxRunning">When set, claim nothing (return null) if this many trials are already running.</param>
    /// <param name="maxCounted">
    /// When set, refuse if the study already holds this many trials that count toward its budget (see
    /// <see cref="TrialBudget.Counts"/>); checked in the same transaction as the claim.
    /// </param>
    /// <param name="systemAttributes">
    /// System attributes set (or replaced) on the claimed trial in the same transaction, e.g. the
    /// <see cref="SystemAttributes.Worker"/> that runs it; the returned snapshot includes them. Null or empty sets none.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TrialBudgetExhaustedException">The budget is used up; nothing was claimed.</exception>
    Task<FrozenTrial?> ClaimWaitingTrialAsync(
        long studyId,
        DateTimeOffset startedAt,
        int? maxRunning = null,
        int? maxCounted = null,
        ImmutableDictionary<string, JsonElement>? systemAttributes = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// What an ask does, in one call: claims the lowest-numbered Waiting trial as <see cref="ClaimWaitingTrialAsync"/> does (with
    /// <paramref name="trial"/>'s start time, first heartbeat and system attributes), or, when none can be claimed, creates
    /// <paramref name="trial"/> as <see cref="CreateTrialAsync"/> does. The default makes those calls one after the other; a
    /// storage on a server should make one round trip.
    /// </summary>
    /// <param name="studyId">The study.</param>
    /// <param name="trial">A Running trial with its start time.</param>
    /// <param name="maxRunning">The running limit, as for <see cref="CreateTrialAsync"/>.</param>
    /// <param name="maxCounted">The trial budget, as for <see cref="CreateTrialAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The trial now running, and whether it was claimed from the queue rather than created.</returns>
    /// <exception cref="ConcurrencyLimitExceededException">The running limit is reached; nothing was written.</exception>
    /// <exception cref="TrialBudgetExhaustedException">The budget is used up; nothing was written.</exception>
    async Task<(FrozenTrial Trial, bool Claimed)> ClaimOrCreateTrialAsync(
        long studyId, NewTrial trial, int? maxRunning = null, int? maxCounted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.State != TrialState.Running || trial.StartedAt is not { } started)
        {
            throw new ArgumentException("an asked trial must be Running and have a start time.", nameof(trial));
        }

        FrozenTrial? claimed = await ClaimWaitingTrialAsync(studyId, started, maxRunning, maxCounted, trial.SystemAttributes, cancellationToken).ConfigureAwait(false);
        if (claimed is null)
        {
            return (await CreateTrialAsync(studyId, trial, maxRunning, maxCounted, cancellationToken).ConfigureAwait(false), false);
        }

        if (trial.HeartbeatAt is { } beat)
        {
            await RecordHeartbeatAsync(claimed.TrialId, beat, cancellationToken).ConfigureAwait(false);
        }

        return (claimed, true);
    }

    /// <summary>Records a parameter of a running trial. Setting the same value again is a no-op.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="parameter">Its distribution and internal value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TrialStateException">The trial is finished, or the parameter already has another value.</exception>
    Task SetTrialParameterAsync(long trialId, string name, TrialParameter parameter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records several parameters of a running trial, each as <see cref="SetTrialParameterAsync"/> does (a declared search
    /// space's draws, chosen together at the ask). The default sets them one after the other; a storage on a server should
    /// make one round trip for the usual case (none of them set yet).
    /// </summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="parameters">The parameters by name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TrialStateException">The trial is finished, or one of the parameters already has another value.</exception>
    async Task SetTrialParametersAsync(long trialId, IReadOnlyDictionary<string, TrialParameter> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (name, parameter) in parameters)
        {
            await SetTrialParameterAsync(trialId, name, parameter, cancellationToken);
        }
    }

    /// <summary>Records an intermediate value of a running trial; a later report for the same step replaces it.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="step">The step (epoch, iteration…).</param>
    /// <param name="value">The value; NaN is allowed and kept.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="TrialStateException">The trial is finished.</exception>
    Task SetTrialIntermediateValueAsync(long trialId, long step, double value, CancellationToken cancellationToken = default);

    /// <summary>Sets (or replaces) a trial attribute; allowed in every state.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="scope">User or system.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">A JSON value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task SetTrialAttributeAsync(long trialId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default);

    /// <summary>Finishes a running trial in one transaction.</summary>
    /// <remarks>
    /// The same transaction sets the outcome's <see cref="TrialOutcome.SystemAttributes"/> on the trial and creates its
    /// <see cref="TrialOutcome.Retry"/> (a Waiting trial with the study's next number), but only when this call finishes
    /// the trial: when it returns false, nothing at all was written, so a trial finished twice (by its worker and by a
    /// stale-trial sweep) is retried at most once.
    /// </remarks>
    /// <param name="trialId">The trial.</param>
    /// <param name="outcome">Its final state, values and reason, and what to write with them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True if this call finished it; false if it was no longer Running (someone else, e.g. a stale-trial sweep, finished it first).</returns>
    /// <exception cref="ArgumentException">The outcome is not a finished state, or its follow-up trial is not Waiting.</exception>
    Task<bool> FinishTrialAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finishes a running trial as <see cref="FinishTrialAsync"/> does, and returns the trial as stored after the call.
    /// The default finishes, then reads; a storage on a server should do both in one round trip.
    /// </summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="outcome">Its final state, values and reason, and what to write with them.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether this call finished the trial (see <see cref="FinishTrialAsync"/>), and the trial as stored.</returns>
    async Task<(bool Finished, FrozenTrial Trial)> FinishTrialAndReadAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        bool finished = await FinishTrialAsync(trialId, outcome, cancellationToken).ConfigureAwait(false);
        return (finished, await GetTrialAsync(trialId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Records that the process running a trial is alive.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="at">The time of the beat.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task RecordHeartbeatAsync(long trialId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Running trials that have recorded a heartbeat and whose last heartbeat is older than
    /// <paramref name="before"/>. Trials that never beat (asked by a script that then exited) are never stale.
    /// </summary>
    /// <param name="studyId">The study.</param>
    /// <param name="before">The staleness cut-off.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<FrozenTrial>> GetStaleTrialsAsync(long studyId, DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>One trial.</summary>
    /// <param name="trialId">The trial.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FrozenTrial> GetTrialAsync(long trialId, CancellationToken cancellationToken = default);

    /// <summary>The study's trials in number order, optionally only those in the given states.</summary>
    /// <param name="studyId">The study.</param>
    /// <param name="states">The states to include, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<FrozenTrial>> GetTrialsAsync(long studyId, IReadOnlyCollection<TrialState>? states = null, CancellationToken cancellationToken = default);
}
