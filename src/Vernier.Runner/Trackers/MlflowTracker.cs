using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// The <c>mlflow</c> tracker: records the study in an MLflow tracking server through its REST API
/// (<c>api/2.0/mlflow</c>): a parent run for the study, a child run per trial (tag
/// <c>mlflow.parentRunId</c>) with its parameters, intermediate values as per-step metrics, the final
/// values and duration, and its end state (<c>FINISHED</c>, <c>FAILED</c>, <c>KILLED</c>). A trial's run is named by its
/// run name (<c>mlflow.runName</c>; <c>trial N</c> without one), and its group and tags become the tags
/// <c>vernier.group</c> and <c>vernier.tags</c> (comma-separated).
/// </summary>
public sealed class MlflowTracker : ITrialTracker, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly string _experiment;
    private readonly Uri _api;
    private readonly Dictionary<int, (string RunId, HashSet<string> Logged)> _trials = [];
    private string? _experimentId;
    private string? _parentRunId;
    private string[] _metricNames = ["value"];
    private long _lastTime;

    /// <summary>A tracker writing to the server at <paramref name="trackingUri"/>.</summary>
    /// <param name="experiment">The experiment's name; created when missing.</param>
    /// <param name="trackingUri">The server, e.g. <c>http://localhost:5000</c>.</param>
    /// <param name="http">The client to use (not disposed by the tracker), or null for its own.</param>
    public MlflowTracker(string experiment, Uri trackingUri, HttpClient? http = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(experiment);
        ArgumentNullException.ThrowIfNull(trackingUri);
        _experiment = experiment;
        _api = new Uri(trackingUri.ToString().TrimEnd('/') + "/api/2.0/mlflow/");
        _ownsClient = http is null;
        _http = http ?? new HttpClient();
    }

    /// <inheritdoc />
    public void StudyStarted(StudyStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _lastTime = started.Time.ToUnixTimeMilliseconds();
        if (started.MetricNames is { } names && names.Count == started.Directions.Count)
        {
            _metricNames = [.. names];
        }
        else if (started.Directions.Count > 1)
        {
            _metricNames = [.. Enumerable.Range(0, started.Directions.Count).Select(i => $"value_{i}")];
        }

        _experimentId = FindOrCreateExperiment();
        var tags = new List<(string, string)> { ("vernier.study", started.StudyName), ("vernier.directions", string.Join(",", started.Directions.Select(d => d.ToWireName()))) };
        if (started.ConfigHash is { } hash)
        {
            tags.Add(("vernier.config_hash", hash));
        }

        _parentRunId = CreateRun(started.StudyName, _lastTime, tags);
    }

    /// <inheritdoc />
    public void TrialStarted(TrialStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _lastTime = started.Time.ToUnixTimeMilliseconds();
        var (runId, logged) = ChildRun(started.Number, _lastTime, started.Name, started.Group, started.Tags);
        LogBatch(runId, Params(started.Parameters, logged), []);
    }

    /// <inheritdoc />
    public void IntermediateValue(IntermediateValueEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var (runId, _) = ChildRun(value.Number, _lastTime);
        LogBatch(runId, [], [Metric(_metricNames[0], value.Value, _lastTime, value.Step)]);
    }

    /// <inheritdoc />
    public void TrialFinished(TrialFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        FrozenTrial trial = finished.Trial;
        _lastTime = finished.Time.ToUnixTimeMilliseconds();
        var (runId, logged) = ChildRun(trial.Number, _lastTime, finished.Name, finished.Group, finished.Tags);
        long step = trial.LastIntermediateValue is { } last ? last.Key + 1 : 0;
        var metrics = new JsonArray();
        for (int i = 0; i < trial.Values.Length && i < _metricNames.Length; i++)
        {
            metrics.Add(Metric(_metricNames[i], trial.Values[i], _lastTime, step));
        }

        if (trial.Duration is { } duration)
        {
            metrics.Add(Metric("duration_s", duration.TotalSeconds, _lastTime, 0));
        }

        JsonArray tags = [Tag("vernier.state", trial.State.ToWireName())];
        if (trial.FailReason is { } reason)
        {
            tags.Add(Tag("vernier.fail_reason", reason));
        }

        LogBatch(runId, Params(trial.Params, logged), metrics, tags);
        UpdateRun(runId, trial.State switch
        {
            TrialState.Complete => "FINISHED",
            TrialState.Failed => "FAILED",
            _ => "KILLED",
        }, _lastTime);
        _trials.Remove(trial.Number);
    }

    /// <inheritdoc />
    public void StudyFinished(StudyFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        long time = finished.Time.ToUnixTimeMilliseconds();
        string parent = _parentRunId ?? throw new InvalidOperationException("the study never started.");
        if (finished.Best is { } best)
        {
            LogBatch(parent, [], [Metric("best_" + _metricNames[0], best.Values[0], time, 0), Metric("best_trial", best.Number, time, 0)]);
        }

        UpdateRun(parent, finished.Status switch
        {
            "finished" => "FINISHED",
            "cancelled" => "KILLED",
            _ => "FAILED",
        }, time);
        Dispose();
    }

    /// <summary>Disposes the HTTP client when the tracker made it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private string FindOrCreateExperiment()
    {
        (HttpStatusCode status, JsonObject? body) = Call(HttpMethod.Get, "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(_experiment), null, allowNotFound: true);
        if (status != HttpStatusCode.NotFound && body?["experiment"]?["experiment_id"]?.GetValue<string>() is { } id)
        {
            return id;
        }

        (_, body) = Call(HttpMethod.Post, "experiments/create", new JsonObject { ["name"] = _experiment });
        return body?["experiment_id"]?.GetValue<string>() ?? throw new InvalidOperationException("MLflow did not return an experiment_id.");
    }

    private (string RunId, HashSet<string> Logged) ChildRun(int number, long time, string? name = null, string? group = null, IReadOnlyList<string>? tags = null)
    {
        if (!_trials.TryGetValue(number, out var run))
        {
            string runName = new RunLabels(name, null, []).DisplayName(number);
            var runTags = new List<(string, string)>
            {
                ("mlflow.parentRunId", _parentRunId ?? throw new InvalidOperationException("the study never started.")),
                ("vernier.trial_number", number.ToString(CultureInfo.InvariantCulture)),
                ("mlflow.runName", runName),
            };
            if (group is not null)
            {
                runTags.Add(("vernier.group", group));
            }

            if (tags is { Count: > 0 })
            {
                runTags.Add(("vernier.tags", string.Join(",", tags)));
            }

            string id = CreateRun(runName, time, runTags);
            run = (id, new HashSet<string>(StringComparer.Ordinal));
            _trials[number] = run;
        }

        return run;
    }

    private string CreateRun(string name, long time, IEnumerable<(string Key, string Value)> tags)
    {
        (_, JsonObject? body) = Call(HttpMethod.Post, "runs/create", new JsonObject
        {
            ["experiment_id"] = _experimentId,
            ["run_name"] = name,
            ["start_time"] = time,
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)Tag(t.Key, t.Value))]),
        });
        return body?["run"]?["info"]?["run_id"]?.GetValue<string>() ?? throw new InvalidOperationException("MLflow did not return a run_id.");
    }

    private void LogBatch(string runId, JsonArray parameters, JsonArray metrics, JsonArray? tags = null)
    {
        if (parameters.Count == 0 && metrics.Count == 0 && (tags is null || tags.Count == 0))
        {
            return;
        }

        var body = new JsonObject { ["run_id"] = runId };
        if (metrics.Count > 0)
        {
            body["metrics"] = metrics;
        }

        if (parameters.Count > 0)
        {
            body["params"] = parameters;
        }

        if (tags is { Count: > 0 })
        {
            body["tags"] = tags;
        }

        Call(HttpMethod.Post, "runs/log-batch", body);
    }

    private void UpdateRun(string runId, string status, long time) =>
        Call(HttpMethod.Post, "runs/update", new JsonObject { ["run_id"] = runId, ["status"] = status, ["end_time"] = time });

    private static JsonArray Params(IReadOnlyDictionary<string, object?> parameters, HashSet<string> logged)
    {
        var json = new JsonArray();
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (logged.Add(name))
            {
                json.Add(new JsonObject { ["key"] = name, ["value"] = CategoricalDistribution.FormatChoice(value) });
            }
        }

        return json;
    }

    private static JsonObject Metric(string key, double value, long time, long step) =>
        new() { ["key"] = key, ["value"] = double.IsFinite(value) ? value : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture)), ["timestamp"] = time, ["step"] = step };

    private static JsonObject Tag(string key, string value) => new() { ["key"] = key, ["value"] = value };

    private (HttpStatusCode Status, JsonObject? Body) Call(HttpMethod method, string path, JsonObject? body, bool allowNotFound = false) =>
        Task.Run(() => CallAsync(method, path, body, allowNotFound)).GetAwaiter().GetResult();

    private async Task<(HttpStatusCode Status, JsonObject? Body)> CallAsync(HttpMethod method, string path, JsonObject? body, bool allowNotFound)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        using var request = new HttpRequestMessage(method, new Uri(_api, path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
        {
            return (response.StatusCode, null);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"MLflow {method} {path}: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }

        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }
}
