using System.Runtime.ExceptionServices;

namespace Vernier.Runner.Objectives;

/// <summary>What a trial's standard output said: METRIC values, malformed lines, signs of running out of memory.</summary>
/// <remarks>Written only by the standard-output pump; read after it has finished.</remarks>
internal sealed class StdoutCollector
{
    private const int MaxWarnings = 20;
    private const int MaxQuotedLine = 200;

    private readonly Func<IntermediateReport, CancellationToken, ValueTask>? _onIntermediate;
    private readonly Action _onCallbackFailure;
    private readonly CancellationToken _callbackToken;
    private long _lineNumber;
    private bool _callbackFailed;

    public StdoutCollector(Func<IntermediateReport, CancellationToken, ValueTask>? onIntermediate, Action onCallbackFailure, CancellationToken callbackToken)
    {
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
        _lineNumber++;
        OutOfMemory = OutputScanner.Combine(OutOfMemory, OutputScanner.FindOutOfMemory(line));
        MetricLine parsed = MetricProtocol.Parse(line);
        switch (parsed.Kind)
        {
            case MetricLineKind.Final:
                foreach ((string name, double value) in parsed.Values)
                {
                    Metrics[name] = value;
                }

                break;

            case MetricLineKind.Intermediate:
                var report = new IntermediateReport(parsed.Step!.Value, parsed.Values);
                IntermediateReports.Add(report);
                await DeliverAsync(report);
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

    private async ValueTask DeliverAsync(IntermediateReport report)
    {
        if (_onIntermediate is null || _callbackFailed)
        {
            return;
        }

        try
        {
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
    }
}

/// <summary>What a trial's standard error said: its last lines and signs of running out of memory.</summary>
/// <remarks>Written only by the standard-error pump; read after it has finished.</remarks>
internal sealed class StderrCollector(int tailLines)
{
    private readonly Queue<string> _tail = new();

    public string? OutOfMemory { get; private set; }

    public IReadOnlyList<string> Tail => [.. _tail];

    public ValueTask OnLineAsync(string line)
    {
        OutOfMemory = OutputScanner.Combine(OutOfMemory, OutputScanner.FindOutOfMemory(line));
        if (tailLines > 0)
        {
            // A progress bar redraws with \r: keep what a terminal would have shown last.
            int redraw = line.LastIndexOf('\r');
            _tail.Enqueue(redraw >= 0 ? line[(redraw + 1)..] : line);
            if (_tail.Count > tailLines)
            {
                _tail.Dequeue();
            }
        }

        return ValueTask.CompletedTask;
    }
}
