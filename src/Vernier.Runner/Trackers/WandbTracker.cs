using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.Runner.Outputs;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>
/// The <c>wandb</c> tracker: records each trial as a Weights &amp; Biases run through a small Python bridge shipped with
/// Vernier (it needs <c>python3</c> and the <c>wandb</c> package). Runs are grouped by the trial's run group, else the
/// tracker's <c>group</c>, else the study's name; named by the run name (else <c>trial N</c>); tagged with the tracker's
/// tags and the trial's; their config is the trial's parameters; intermediate values are logged per step as they come,
/// and the final metrics go to the run's summary before <c>run.finish(exit_code)</c> (0 for complete and pruned trials).
/// </summary>
/// <remarks>
/// W&amp;B's own environment (<c>WANDB_API_KEY</c>, <c>WANDB_MODE=offline</c>, <c>WANDB_DIR</c>…) reaches the bridge unchanged.
/// With <c>WANDB_MODE=disabled</c> the bridge is not started at all. When Python or <c>wandb</c> is missing, the first
/// event throws with a readable reason; the run's tracker set logs it once and the study goes on.
/// </remarks>
public sealed class WandbTracker : ITrialTracker, IDisposable
{
    private const string Marker = "VERNIER_WANDB_BRIDGE";

    /// <summary>How long the bridge may take to import wandb and answer. The default is one minute.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How long the bridge may take to finish its runs (uploads included) after the study ends.</summary>
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromMinutes(5);

    private readonly string _project;
    private readonly string? _entity;
    private readonly string? _group;
    private readonly IReadOnlyList<string> _tags;
    private readonly string? _python;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly Queue<string> _stderrTail = new();
    private Process? _process;
    private bool _disabledByMode;
    private string _metric = "value";
    private string[] _metricNames = ["value"];

    /// <summary>A tracker writing to W&amp;B project <paramref name="project"/>.</summary>
    /// <param name="project">The W&amp;B project.</param>
    /// <param name="entity">The W&amp;B entity (user or team), or null for the default.</param>
    /// <param name="group">The group of runs without a run group of their own, or null for the study's name.</param>
    /// <param name="tags">Tags for every run, or null.</param>
    /// <param name="python">The Python interpreter, or null for <c>python3</c> on PATH.</param>
    public WandbTracker(string project, string? entity = null, string? group = null, IReadOnlyList<string>? tags = null, string? python = null)
        : this(project, entity, group, tags, python, new Dictionary<string, string?>())
    {
    }

    /// <summary>A tracker whose bridge sees <paramref name="environment"/> over this process's environment (tests: a fake wandb on PYTHONPATH).</summary>
    /// <param name="project">The W&amp;B project.</param>
    /// <param name="entity">The W&amp;B entity, or null.</param>
    /// <param name="group">The group of runs without one of their own, or null.</param>
    /// <param name="tags">Tags for every run, or null.</param>
    /// <param name="python">The Python interpreter, or null for <c>python3</c> on PATH.</param>
    /// <param name="environment">Variables set (a value) or removed (null) for the bridge.</param>
    internal WandbTracker(string project, string? entity, string? group, IReadOnlyList<string>? tags, string? python, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(project);
        _project = project;
        _entity = entity;
        _group = group;
        _tags = tags ?? [];
        _python = python;
        _environment = environment;
    }


    /// <inheritdoc />
    public void StudyStarted(StudyStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (started.MetricNames is { Count: > 0 } names)
        {
            _metricNames = [.. names];
            _metric = names[0];
        }
        else if (started.Directions.Count > 1)
        {
            _metricNames = [.. Enumerable.Range(0, started.Directions.Count).Select(i => $"value_{i}")];
            _metric = _metricNames[0];
        }

        string? mode = _environment.TryGetValue("WANDB_MODE", out string? set) ? set : Environment.GetEnvironmentVariable("WANDB_MODE");
        if (string.Equals(mode, "disabled", StringComparison.OrdinalIgnoreCase))
        {
            _disabledByMode = true;
            return;
        }

        Start();
        Send(new JsonObject
        {
            ["event"] = "study_started",
            ["study"] = started.StudyName,
            ["project"] = _project,
            ["entity"] = _entity,
            ["group"] = _group,
            ["tags"] = Strings(_tags),
            ["metrics"] = Strings(_metricNames),
            ["config_hash"] = started.ConfigHash,
        });
    }

    /// <inheritdoc />
    public void TrialStarted(TrialStartedEvent started)
    {
        ArgumentNullException.ThrowIfNull(started);
        var config = new JsonObject();
        foreach (var (name, value) in started.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            config[name] = DistributionJson.ValueToNode(value);
        }

        Send(new JsonObject
        {
            ["event"] = "trial_started",
            ["number"] = started.Number,
            ["name"] = started.Name,
            ["group"] = started.Group,
            ["tags"] = Strings(started.Tags),
            ["config"] = config,
        });
    }

    /// <inheritdoc />
    public void IntermediateValue(IntermediateValueEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Send(new JsonObject
        {
            ["event"] = "intermediate_value",
            ["number"] = value.Number,
            ["step"] = value.Step,
            ["metrics"] = new JsonObject { [_metric] = TrialJson.NumberNode(value.Value) },
        });
    }

    /// <inheritdoc />
    public void TrialFinished(TrialFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        FrozenTrial trial = finished.Trial;
        var summary = new JsonObject();
        foreach (var (name, metric) in StudyOutputs.MetricsOf(trial).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            summary[name] = TrialJson.NumberNode(metric);
        }

        for (int i = 0; i < trial.Values.Length && i < _metricNames.Length; i++)
        {
            summary[_metricNames[i]] = TrialJson.NumberNode(trial.Values[i]);
        }

        summary["state"] = trial.State.ToWireName();
        if (trial.Duration is { } duration)
        {
            summary["duration_s"] = Math.Round(duration.TotalSeconds, 3);
        }

        if (trial.FailReason is { } reason)
        {
            summary["fail_reason"] = reason;
        }

        Send(new JsonObject
        {
            ["event"] = "trial_finished",
            ["number"] = trial.Number,
            ["state"] = trial.State.ToWireName(),
            ["summary"] = summary,
            ["exit_code"] = trial.State is TrialState.Complete or TrialState.Pruned ? 0 : 1,
        });
    }

    /// <inheritdoc />
    public void StudyFinished(StudyFinishedEvent finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        if (_process is null)
        {
            return;
        }

        Send(new JsonObject { ["event"] = "study_finished", ["status"] = finished.Status, ["best_trial"] = finished.Best?.Number });
        Process process = _process;
        process.StandardInput.Close();
        if (!process.WaitForExit(FinishTimeout))
        {
            throw new InvalidOperationException($"the W&B bridge did not finish within {FinishTimeout.TotalMinutes:0} minutes; its runs may be incomplete.");
        }

        process.WaitForExit(); // drains the output handlers
        int exitCode = process.ExitCode;
        Dispose();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"the W&B bridge exited with code {exitCode}{Tail()}");
        }
    }

    /// <summary>Stops the bridge if it still runs.</summary>
    public void Dispose()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // it exited meanwhile
            }

            process.Dispose();
        }
    }

    private void Start()
    {
        string python = _python ?? "python3";
        string? path = _environment.TryGetValue("PATH", out string? p) ? p : Environment.GetEnvironmentVariable("PATH");
        string executable = ExecutableLocator.Find(python, Directory.GetCurrentDirectory(), path)
            ?? throw new InvalidOperationException($"'{python}' was not found{(_python is null ? " on PATH" : "")}; the wandb tracker needs Python with the wandb package (or set python=/path/to/python).");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        start.ArgumentList.Add("-u");
        PythonSupport.EnsureWritten();
        start.ArgumentList.Add(Path.Combine(PythonSupport.Folder, PythonSupport.WandbBridgeFileName));
        foreach (var (name, value) in _environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                answer.TrySetResult("error the bridge ended without answering");
            }
            else if (e.Data.StartsWith(Marker + " ", StringComparison.Ordinal))
            {
                answer.TrySetResult(e.Data[(Marker.Length + 1)..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_stderrTail)
                {
                    _stderrTail.Enqueue(line);
                    if (_stderrTail.Count > 10)
                    {
                        _stderrTail.Dequeue();
                    }
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        if (!answer.Task.Wait(StartTimeout))
        {
            Dispose();
            throw new InvalidOperationException($"the W&B bridge did not answer within {StartTimeout.TotalSeconds:0} s.");
        }

        string reply = answer.Task.Result;
        if (reply != "ready")
        {
            process.WaitForExit(TimeSpan.FromSeconds(10));
            Dispose();
            string reason = reply.StartsWith("error ", StringComparison.Ordinal) ? reply["error ".Length..] : reply;
            throw new InvalidOperationException($"{reason} (install it with: {python} -m pip install wandb){Tail()}");
        }
    }

    private void Send(JsonObject message)
    {
        if (_disabledByMode)
        {
            return;
        }

        Process process = _process ?? throw new InvalidOperationException("the W&B bridge is not running.");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the W&B bridge stopped (exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}){Tail()}");
        }

        process.StandardInput.Write(message.ToJsonString() + "\n");
        process.StandardInput.Flush();
    }

    private string Tail()
    {
        lock (_stderrTail)
        {
            return _stderrTail.Count == 0 ? "." : ": " + string.Join(" | ", _stderrTail);
        }
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
