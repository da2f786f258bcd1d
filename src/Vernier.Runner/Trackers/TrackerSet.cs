using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Runner.Outputs;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// Sends each event to every tracker, in order, one event at a time, on a queue of its own: the caller (a trial's
/// output pump reporting an intermediate value, say) never waits for a slow tracker. Values under names that look
/// like secrets (<see cref="SecretNames"/>) are replaced by <see cref="SecretNames.Mask"/> before any tracker sees
/// them. The run is never failed by a tracker. A tracker's first error is logged (to <c>log</c>) once; later ones are
/// counted and summed up when the study finishes, so that a tracker whose server is briefly away catches up. A tracker
/// that fails to start (on <c>study_started</c>) or fails <see cref="MaxConsecutiveFailures"/> events in a row gets no
/// further events. <see cref="FlushAsync"/> waits until every queued event has been delivered.
/// </summary>
internal sealed class TrackerSet : ITrialTracker
{
    private readonly ITrialTracker[] _trackers;
    /// <summary>How many events in a row a tracker may fail before it gets no more.</summary>
    internal const int MaxConsecutiveFailures = 10;

    private readonly bool[] _disabled;
    private readonly int[] _failures;
    private readonly int[] _consecutiveFailures;
    private readonly string?[] _firstError;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();
    private Task _tail = Task.CompletedTask;

    public TrackerSet(IEnumerable<ITrialTracker> trackers, TextWriter log)
    {
        _trackers = [.. trackers];
        _disabled = new bool[_trackers.Length];
        _failures = new int[_trackers.Length];
        _consecutiveFailures = new int[_trackers.Length];
        _firstError = new string?[_trackers.Length];
        _log = log;
    }

    public bool IsEmpty => _trackers.Length == 0;

    public void StudyStarted(StudyStartedEvent started) =>
        Enqueue(t => t.StudyStarted(started with { Space = Redact(started.Space) }), "study_started");

    public void TrialStarted(TrialStartedEvent started) =>
        Enqueue(t => t.TrialStarted(started with { Parameters = Redact(started.Parameters) }), "trial_started");

    public void IntermediateValue(IntermediateValueEvent value) => Enqueue(t => t.IntermediateValue(value), "intermediate_value");

    public void TrialFinished(TrialFinishedEvent finished) =>
        Enqueue(t => t.TrialFinished(finished with { Trial = Redact(finished.Trial) }), "trial_finished");

    public void StudyFinished(StudyFinishedEvent finished) =>
        Enqueue(t => t.StudyFinished(finished with { Best = finished.Best is { } best ? Redact(best) : null }), "study_finished");

    /// <summary>Completes when every event sent so far has reached the trackers.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _tail;
        }
    }

    private void Enqueue(Action<ITrialTracker> send, string what)
    {
        if (IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            // Each event runs after the one before it, on the thread pool: in order, never two at once, never on the caller's thread.
            _tail = _tail.ContinueWith(_ => Dispatch(send, what), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Dispatch(Action<ITrialTracker> send, string what)
    {
        for (int i = 0; i < _trackers.Length; i++)
        {
            if (_disabled[i])
            {
                continue;
            }

            try
            {
                send(_trackers[i]);
                _consecutiveFailures[i] = 0;
            }
#pragma warning disable CA1031 // a tracker must never fail the study, whatever it throws
            catch (Exception e)
#pragma warning restore CA1031
            {
                string name = _trackers[i].GetType().Name;
                _failures[i]++;
                _consecutiveFailures[i]++;
                _firstError[i] ??= $"on {what}: {e.Message}";
                if (what == "study_started")
                {
                    _disabled[i] = true;
                    Log($"warning: tracker {name} failed on {what} and is disabled for the rest of the run: {e.Message}");
                }
                else if (_failures[i] == 1)
                {
                    Log($"warning: tracker {name} failed on {what}: {e.Message} (it keeps getting events; further errors are counted)");
                }
                else if (_consecutiveFailures[i] >= MaxConsecutiveFailures)
                {
                    _disabled[i] = true;
                    Log($"warning: tracker {name} failed {MaxConsecutiveFailures} events in a row and is disabled for the rest of the run; the last error, on {what}: {e.Message}");
                }
            }
        }

        if (what == "study_finished")
        {
            for (int i = 0; i < _trackers.Length; i++)
            {
                if (_failures[i] > 1)
                {
                    Log($"warning: tracker {_trackers[i].GetType().Name} had {_failures[i]} errors in this run (the first {_firstError[i]}).");
                }
            }
        }
    }

    private void Log(string line)
    {
        try
        {
            _log.WriteLine(line);
        }
#pragma warning disable CA1031 // nor may the log of its failure
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    internal static IReadOnlyDictionary<string, object?> Redact(IReadOnlyDictionary<string, object?> parameters) =>
        parameters.Keys.Any(SecretNames.IsSecret)
            ? parameters.ToDictionary(p => p.Key, p => SecretNames.IsSecret(p.Key) ? SecretNames.Mask : p.Value, StringComparer.Ordinal)
            : parameters;

    internal static FrozenTrial Redact(FrozenTrial trial)
    {
        var masked = new TrialParameter(new CategoricalDistribution([SecretNames.Mask]), 0);
        return trial with
        {
            Parameters = trial.Parameters.Keys.Any(SecretNames.IsSecret)
                ? trial.Parameters.ToImmutableDictionary(p => p.Key, p => SecretNames.IsSecret(p.Key) ? masked : p.Value)
                : trial.Parameters,
            UserAttributes = Redact(trial.UserAttributes),
            SystemAttributes = Redact(trial.SystemAttributes),
        };
    }

    internal static SearchSpace? Redact(SearchSpace? space)
    {
        if (space is null || !space.Parameters.Any(p => SecretNames.IsSecret(p.Name)))
        {
            return space;
        }

        try
        {
            return new SearchSpace(
                space.Parameters.Select(p => SecretNames.IsSecret(p.Name) ? p with { Distribution = new CategoricalDistribution([SecretNames.Mask]) } : p),
                space.Constraints);
        }
        catch (ArgumentException)
        {
            return null; // a constraint reads the secret's values: trackers get no space rather than the secret
        }
    }

    private static ImmutableDictionary<string, JsonElement> Redact(ImmutableDictionary<string, JsonElement> attributes)
    {
        ImmutableDictionary<string, JsonElement> result = attributes;
        foreach (var (key, value) in attributes)
        {
            // Metric names are not secrets, and their values are numbers.
            JsonElement redacted = key == StudyOutputs.MetricsAttribute ? value : SecretNames.IsSecret(key) ? Masked : Redact(value);
            if (redacted.GetRawText() != value.GetRawText())
            {
                result = result.SetItem(key, redacted);
            }
        }

        return result;
    }

    private static readonly JsonElement Masked = JsonSerializer.SerializeToElement(SecretNames.Mask);

    private static JsonElement Redact(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any(p => SecretNames.IsSecret(p.Name) || p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array):
                var map = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (JsonProperty property in value.EnumerateObject())
                {
                    map[property.Name] = SecretNames.IsSecret(property.Name) ? Masked : Redact(property.Value);
                }

                return JsonSerializer.SerializeToElement(map);
            case JsonValueKind.Array when value.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Object or JsonValueKind.Array):
                return JsonSerializer.SerializeToElement(value.EnumerateArray().Select(Redact).ToArray());
            default:
                return value;
        }
    }
}
