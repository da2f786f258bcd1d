using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Vernier.Samplers;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Studies;

public sealed partial class Study
{
    private static readonly TimeSpan ConcurrencyLimitPoll = TimeSpan.FromMilliseconds(250);
    private volatile bool _stopRequested;

    /// <summary>Asks the running optimize loop to start no more trials; running ones finish. Callable from a callback.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Runs trials of a single-objective study with a synchronous objective.</summary>
    /// <param name="objective">Suggests parameters on the trial and returns the objective value.</param>
    /// <param name="options">Budget, concurrency and callbacks; null for the defaults (runs until cancelled).</param>
    /// <param name="cancellationToken">Stops the run: running trials are recorded Failed (interrupted), then <see cref="OperationCanceledException"/> is thrown.</param>
    /// <remarks>Each call runs on a thread of its own (one per <see cref="OptimizeOptions.MaxConcurrency"/>), not on the thread pool: a blocking objective starves no other work.</remarks>
    public Task<OptimizeResult> OptimizeAsync(Func<Trial, double> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeOnThreadsAsync(objective, options ?? new(), cancellationToken);
    }

    /// <summary>Runs trials of a single-objective study with an asynchronous objective.</summary>
    /// <param name="objective">Suggests parameters on the trial and returns the objective value; should honour the token.</param>
    /// <param name="options">Budget, concurrency and callbacks; null for the defaults (runs until cancelled).</param>
    /// <param name="cancellationToken">Stops the run: running trials are recorded Failed (interrupted), then <see cref="OperationCanceledException"/> is thrown.</param>
    public Task<OptimizeResult> OptimizeAsync(Func<Trial, CancellationToken, Task<double>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeCoreAsync(async (trial, token) => [await objective(trial, token)], options ?? new(), cancellationToken);
    }

    /// <summary>Runs trials of a study with one or more objectives.</summary>
    /// <param name="objective">Suggests parameters on the trial and returns one value per objective; should honour the token.</param>
    /// <param name="options">Budget, concurrency and callbacks; null for the defaults (runs until cancelled).</param>
    /// <param name="cancellationToken">Stops the run: running trials are recorded Failed (interrupted), then <see cref="OperationCanceledException"/> is thrown.</param>
    public Task<OptimizeResult> OptimizeAsync(Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective, OptimizeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return OptimizeCoreAsync(objective, options ?? new(), cancellationToken);
    }

    private async Task<OptimizeResult> OptimizeOnThreadsAsync(Func<Trial, double> objective, OptimizeOptions options, CancellationToken cancellationToken)
    {
        using var threads = new ObjectiveThreads(options.MaxConcurrency);
        return await OptimizeCoreAsync((trial, token) => threads.RunAsync<IReadOnlyList<double>>(() => [objective(trial)], token), options, cancellationToken);
    }

    private async Task<OptimizeResult> OptimizeCoreAsync(
        Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective, OptimizeOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        _stopRequested = false;
        await RecoverAbandonedTrialsAsync(cancellationToken);

        DateTimeOffset? deadline = options.Timeout is { } timeout ? Now + timeout : null;
        var running = new ConcurrentDictionary<long, byte>();
        var startGate = new SemaphoreSlim(1, 1);
        DateTimeOffset lastStart = DateTimeOffset.MinValue;
        int started = 0;
        int stopReason = -1;

        using var heartbeatStop = new CancellationTokenSource();
        Task heartbeats = BeatAsync(running, heartbeatStop.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.MaxConcurrency).Select(_ => WorkerAsync()));
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeats;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new OptimizeResult(started, stopReason < 0 ? OptimizeStopReason.BudgetReached : (OptimizeStopReason)stopReason);

        void Stop(OptimizeStopReason reason) => Interlocked.CompareExchange(ref stopReason, (int)reason, -1);

        async Task WorkerAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_stopRequested || stopReason >= 0)
                {
                    Stop(OptimizeStopReason.StopRequested);
                    return;
                }

                if (deadline is { } end && Now >= end)
                {
                    Stop(OptimizeStopReason.TimedOut);
                    return;
                }

                if (Interlocked.Increment(ref started) > (options.NTrials ?? int.MaxValue))
                {
                    Interlocked.Decrement(ref started);
                    Stop(OptimizeStopReason.BudgetReached);
                    return;
                }

                Trial? trial;
                try
                {
                    trial = await StartTrialAsync();
                }
                catch (SamplerExhaustedException)
                {
                    Interlocked.Decrement(ref started);
                    Stop(OptimizeStopReason.SamplerExhausted);
                    return;
                }
                catch (ConcurrencyLimitExceededException)
                {
                    // Other processes hold every slot: wait for one to free up instead of over-subscribing.
                    Interlocked.Decrement(ref started);
                    await Task.Delay(ConcurrencyLimitPoll, Options.TimeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Decrement(ref started);
                    return;
                }

                if (trial is null)
                {
                    Interlocked.Decrement(ref started);
                    Stop(OptimizeStopReason.BudgetReached);
                    return;
                }

                if (options.ReportCallbacks.Count > 0)
                {
                    Action<Trial, long, double>[] observers = [.. options.ReportCallbacks];
                    trial.ReportObserver = (t, step, value) =>
                    {
                        foreach (Action<Trial, long, double> observer in observers)
                        {
                            observer(t, step, value);
                        }
                    };
                }

                trial.WriteInBackground();
                running[trial.TrialId] = 0; // its first beat was recorded by the ask
                FrozenTrial finished = await RunTrialAsync(trial, objective, options.TrialTimeout, cancellationToken);
                if (finished.SystemAttributes.ContainsKey(SystemAttributes.Retried))
                {
                    Interlocked.Decrement(ref started); // its retry runs in its place
                }

                running.TryRemove(trial.TrialId, out _);
                try
                {
                    foreach (Action<Study, FrozenTrial> callback in options.Callbacks)
                    {
                        callback(this, finished);
                    }
                }
                catch
                {
                    Stop(OptimizeStopReason.StopRequested); // the other workers start nothing more; the error surfaces when they finish
                    throw;
                }
            }
        }

        async Task<Trial?> StartTrialAsync()
        {
            if (options.MinInterval <= TimeSpan.Zero)
            {
                return await AskCoreAsync(options.SearchSpace, options.TotalTrials, beats: true, cancellationToken);
            }

            // Ask inside the gate and time the next start from after the ask, so recorded start times keep the interval.
            await startGate.WaitAsync(cancellationToken);
            try
            {
                TimeSpan wait = lastStart + options.MinInterval - Now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Options.TimeProvider, cancellationToken);
                }

                Trial? started = await AskCoreAsync(options.SearchSpace, options.TotalTrials, beats: true, cancellationToken);
                lastStart = Now;
                return started;
            }
            finally
            {
                startGate.Release();
            }
        }
    }

    private async Task<FrozenTrial> RunTrialAsync(
        Trial trial, Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> objective, TimeSpan? trialTimeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = new CancellationTokenSource(Timeout.InfiniteTimeSpan, Options.TimeProvider);
        using var trialSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        TrialOutcome outcome;
        bool interrupted = false;
        try
        {
            // A retry waits out its backoff before its objective starts; the trial timeout counts from then.
            if (trial.RetryNotBefore is { } notBefore && notBefore - Now is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, Options.TimeProvider, cancellationToken);
            }

            if (trialTimeout is { } limit)
            {
                timeoutSource.CancelAfter(limit);
            }

            outcome = OutcomeFor(await objective(trial, trialSource.Token));

            // A parameter the objective suggested but the storage refused fails the trial, as a refusal during the call would.
            await trial.CompleteWritesAsync(throwOnFailure: true);
        }
        catch (TrialPrunedException)
        {
            outcome = TrialOutcome.Pruned(Now);
        }
        catch (TrialFailedException e)
        {
            outcome = TrialOutcome.Failed(e.Message, Now);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            outcome = TrialOutcome.Failed("interrupted: the study was stopped (Ctrl-C or cancellation) before the trial finished.", Now);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested)
        {
            outcome = TrialOutcome.Failed($"timed out after {trialTimeout!.Value.TotalSeconds:0.###} s.", Now);
        }
        catch (Exception e)
        {
            Exception cause = e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e;
            outcome = TrialOutcome.Failed($"the objective threw {cause.GetType().Name}: {cause.Message}", Now);
            await Storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.System, "exception", JsonSerializer.SerializeToElement(Truncate(cause.ToString(), 8000)), CancellationToken.None);
        }

        if (interrupted)
        {
            outcome = Interrupted(outcome);
        }

        // The objective failed before its writes were waited for: they land (or fail, for the same reason) before the finish.
        await trial.CompleteWritesAsync(throwOnFailure: false);

        ExceptionDispatchInfo? retryDecisionError = null;
        try
        {
            if (outcome.State == TrialState.Failed && Options.MaxRetries > 0 && (interrupted || Options.RetryFailed is not null))
            {
                // The retry is decided before the finish, on the trial as it will be stored, so that the failure and its retry are written
                // in one transaction (a worker killed in between loses neither). A retried trial's retry takes its place in the budget.
                FrozenTrial ran = await Storage.GetTrialAsync(trial.TrialId, CancellationToken.None);
                FrozenTrial failing = ran with
                {
                    State = TrialState.Failed,
                    FailReason = outcome.FailReason,
                    CompletedAt = outcome.CompletedAt,
                    SystemAttributes = ran.SystemAttributes.SetItems(outcome.SystemAttributes),
                };
                try
                {
                    if (ran.State == TrialState.Running && (interrupted || Options.RetryFailed!(failing)))
                    {
                        outcome = WithRetry(ran, outcome);
                    }
                }
                catch (Exception e)
                {
                    // A throwing RetryFailed: the trial is still recorded (without a retry) before the error surfaces.
                    retryDecisionError = ExceptionDispatchInfo.Capture(e);
                }
            }

            // Recording the outcome must not be skipped because the run is being cancelled: that is how nothing is lost.
            FrozenTrial finished = await FinishAsync(trial.TrialId, outcome, CancellationToken.None);
            retryDecisionError?.Throw();
            return finished;
        }
        catch (TrialStateException)
        {
            // Another worker declared this trial stale while it ran; its record stands.
            return await Storage.GetTrialAsync(trial.TrialId, CancellationToken.None);
        }
    }

    private async Task BeatAsync(ConcurrentDictionary<long, byte> running, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, Options.TimeProvider);
        DateTimeOffset lastRecovery = Now;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (Now - lastRecovery >= Options.StaleAfter)
                {
                    // Other workers' trials can go stale while this run is busy: recover them (and queue their retries) as we go,
                    // not only when a run starts.
                    lastRecovery = Now;
                    try
                    {
                        await RecoverAbandonedTrialsAsync(stop);
                    }
                    catch (VernierException)
                    {
                        // A storage hiccup: the next round tries again.
                    }
                }

                foreach (long trialId in running.Keys)
                {
                    try
                    {
                        await Storage.RecordHeartbeatAsync(trialId, Now, stop);
                    }
                    catch (VernierException)
                    {
                        // The trial finished or vanished between listing and beating: nothing to keep alive.
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
