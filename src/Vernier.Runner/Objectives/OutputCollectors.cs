using System.Runtime.ExceptionServices;

namespace Vernier.Runner.Objectives;

/// <summary>What a trial's standard output said: METRIC values, malformed lines, signs of running out of memory.</summary>
/// <remarks>
/// Fed by the standard-output pump. <see cref="SealAsync"/> waits for a callback in progress and then
/// ignores anything that still arrives, so that once the runner has sealed it, the collected values are
/// final and no callback can run after the runner returns, even if a pump had to be abandoned.
/// </remarks>
internal sealed class StdoutCollector
{
    private const int MaxWarnings = 20;
    private const int MaxQuotedLine = 200;

    private readonly Func<IntermediateReport, CancellationToken, ValueTask>? _onIntermediate;
    private readonly Action _onCallbackFailure;
    private readonly CancellationToken _callbackToken;
    private readonly OutputActivity _activity;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _callbackGate = new(1, 1);
    private long _lineNumber;
    private bool _callbackFailed;
    private bool _sealed;

    public StdoutCollector(
        Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate, Action onCallbackFailure, OutputActivity activity, CancellationToken callbackToken)
    {
        _activity = activity;
        _onIntermediate = onIntermediate;
        _onCallbackFailure = onCallbackFailure;
        _callbackToken = callbackToken;
    }

    public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

    public List<IntermediateReport> IntermediateReports { get; } = [];

    public List<string> MalformedLines { get; } = [];

    public int MalformedCount { get; private set; }

    public string? OutOfMemory { get; private set; }

    public ExceptionDispatchInfo? CallbackFailure { get; private set; }

    public async ValueTask OnLineAsync(string line)
    {
        MetricLine parsed = MetricProtocol.Parse(line);
        IntermediateReport? report = null;
        lock (_gate)
        {
            if (_sealed)
            {
                return;
            }

            _lineNumber++;
            OutOfMemory = OutputScanner.Combine(OutOfMemory, OutputScanner.FindOutOfMemory(line));
            switch (parsed.Kind)
            {
                case MetricLineKind.Final:
                    foreach ((string name, double value) in parsed.Values)
                    {
                        Metrics[name] = value;
                    }

                    break;

                case MetricLineKind.Intermediate:
                    report = new IntermediateReport(parsed.Step!.Value, parsed.Values);
                    IntermediateReports.Add(report);
                    break;

                case MetricLineKind.Malformed:
                    MalformedCount++;
                    if (MalformedLines.Count < MaxWarnings)
                    {
                        string quoted = line.Trim();
                        quoted = quoted.Length > MaxQuotedLine ? quoted[..MaxQuotedLine] + "…" : quoted;
                        MalformedLines.Add($"stdout line {_lineNumber}: METRIC line ignored, {parsed.Error}: {quoted}");
                    }

                    break;
            }
        }

        if (report is not null)
        {
            await DeliverAsync(report);
        }
    }

    /// <summary>Waits for a callback in progress, then stops collecting and calling back.</summary>
    public async Task SealAsync()
    {
        await _callbackGate.WaitAsync(CancellationToken.None);
        try
        {
            lock (_gate)
            {
                _sealed = true;
            }
        }
        finally
        {
            _callbackGate.Release();
        }
    }

    private async ValueTask DeliverAsync(IntermediateReport report)
    {
        if (_onIntermediate is null)
        {
            return;
        }

        await _callbackGate.WaitAsync(CancellationToken.None);
        _activity.EnterCallback();
        try
        {
            if (_sealed || _callbackFailed)
            {
                return;
            }

            await _onIntermediate(report, _callbackToken);
        }
        catch (OperationCanceledException) when (_callbackToken.IsCancellationRequested)
        {
            // The trial is being stopped anyway; the callback gave up with it.
        }
        catch (Exception e)
        {
            // Remembered and rethrown by RunAsync once the process tree is gone, so no trial outlives the failure.
            _callbackFailed = true;
            CallbackFailure = ExceptionDispatchInfo.Capture(e);
            _onCallbackFailure();
        }
        finally
        {
            _activity.ExitCallback();
            _callbackGate.Release();
        }
    }
}

/// <summary>What a trial's standard error said: its last lines and signs of running out of memory.</summary>
/// <remarks>Fed by the standard-error pump until <see cref="Seal"/>; then final.</remarks>
internal sealed class StderrCollector(int tailLines)
{
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private bool _sealed;

    public string? OutOfMemory { get; private set; }

    public IReadOnlyList<string> Tail
    {
        get
        {
            lock (_gate)
            {
                return [.. _tail];
            }
        }
    }

    public ValueTask OnLineAsync(string line)
    {
        string? outOfMemory = OutputScanner.FindOutOfMemory(line);

        // A progress bar redraws with \r: keep what a terminal would have shown last.
        int redraw = line.LastIndexOf('\r');
        string shown = redraw >= 0 ? line[(redraw + 1)..] : line;
        lock (_gate)
        {
            if (!_sealed)
            {
                OutOfMemory = OutputScanner.Combine(OutOfMemory, outOfMemory);
                _tail.Enqueue(shown);
                if (_tail.Count > tailLines)
                {
                    _tail.Dequeue();
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Seal()
    {
        lock (_gate)
        {
            _sealed = true;
        }
    }
}
