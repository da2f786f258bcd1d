using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Trials;

namespace Vernier.Studies;

public sealed partial class Study
{
    private TaskCompletionSource _trialFinished = NewFinishedSignal();

    /// <summary>
    /// The history the sampler sees for trial <paramref name="number"/> in deterministic-parallel
    /// mode, once every trial numbered ≤ number − c has finished: those trials as they are, and
    /// trials number − c + 1 … number − 1 as running, stripped of everything that depends on timing.
    /// </summary>
    /// <param name="number">The trial being asked.</param>
    /// <param name="history">The study's trials as the ask read them; read again only after a wait.</param>
    /// <param name="keepRunningParameters">
    /// Whether the running trials keep their parameters: true when the study declares its space,
    /// so every parameter is chosen at ask time. Define-by-run trials suggest parameters while they
    /// run, so how many a running trial has depends on timing; they are shown without any.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    private async Task<IReadOnlyList<FrozenTrial>> DeterministicViewAsync(int number, IReadOnlyList<FrozenTrial> history, bool keepRunningParameters, CancellationToken cancellationToken)
    {
        int concurrency = Options.MaxConcurrent!.Value;
        IReadOnlyList<FrozenTrial> trials = history;
        while (true)
        {
            Task finished = Volatile.Read(ref _trialFinished).Task;
            if (trials.All(t => t.Number > number - concurrency || t.State.IsFinished()))
            {
                return [.. trials.Where(t => t.Number < number).OrderBy(t => t.Number).Select(t => t.Number > number - concurrency ? AsRunning(t, keepRunningParameters) : t)];
            }

            // Another process may finish the trial we wait for, so poll as well as listen.
            await Task.WhenAny(finished, Task.Delay(Options.DeterministicPollInterval, Options.TimeProvider, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            trials = await GetTrialsAsync(null, cancellationToken);
        }
    }

    private static FrozenTrial AsRunning(FrozenTrial trial, bool keepParameters) => trial with
    {
        State = TrialState.Running,
        Values = [],
        Parameters = keepParameters ? trial.Parameters : ImmutableDictionary<string, TrialParameter>.Empty,
        IntermediateValues = ImmutableSortedDictionary<long, double>.Empty,
        UserAttributes = ImmutableDictionary<string, JsonElement>.Empty,
        SystemAttributes = trial.SystemAttributes.Remove(SystemAttributes.Constraints).Remove(SystemAttributes.Worker),
        CompletedAt = null,
        FailReason = null,
    };

    /// <summary>Wakes asks waiting in deterministic-parallel mode.</summary>
    private void SignalTrialFinished() => Interlocked.Exchange(ref _trialFinished, NewFinishedSignal()).TrySetResult();

    private static TaskCompletionSource NewFinishedSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
