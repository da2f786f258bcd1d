using System.Collections.Concurrent;
using Vernier.Runner.Trackers;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Support;

/// <summary>An <see cref="IRunReporter"/> that records what it is told, in order.</summary>
internal sealed class RecordingReporter : IRunReporter
{
    private readonly ConcurrentQueue<(FrozenTrial Trial, FrozenTrial? Best, int Counted)> _finished = new();

    public List<RunStart> Starts { get; } = [];

    /// <summary>True while <see cref="RunAsync"/> is running the run.</summary>
    public bool InsideRun { get; private set; }

    public IReadOnlyList<(FrozenTrial Trial, FrozenTrial? Best, int Counted)> Finished => [.. _finished];

    /// <summary>Trial-finished calls that arrived outside <see cref="RunAsync"/>.</summary>
    public int FinishedOutsideRun { get; private set; }

    public async Task RunAsync(RunStart start, Func<Task> run)
    {
        Starts.Add(start);
        InsideRun = true;
        try
        {
            await run();
        }
        finally
        {
            InsideRun = false;
        }
    }

    public void TrialFinished(FrozenTrial trial, FrozenTrial? best, int counted)
    {
        if (!InsideRun)
        {
            FinishedOutsideRun++;
        }

        _finished.Enqueue((trial, best, counted));
    }
}
