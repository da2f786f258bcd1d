namespace Vernier.Runner.Trackers;

/// <summary>
/// Sends each event to every tracker, one event at a time. A tracker that throws is logged once
/// (to <c>log</c>) and gets no further events; the run is never failed by a tracker.
/// </summary>
internal sealed class TrackerSet
{
    private readonly ITrialTracker[] _trackers;
    private readonly bool[] _disabled;
    private readonly TextWriter _log;
    private readonly Lock _gate = new();

    public TrackerSet(IEnumerable<ITrialTracker> trackers, TextWriter log)
    {
        _trackers = [.. trackers];
        _disabled = new bool[_trackers.Length];
        _log = log;
    }

    public bool IsEmpty => _trackers.Length == 0;

    public void Send(Action<ITrialTracker> send, string what)
    {
        lock (_gate)
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
                }
#pragma warning disable CA1031 // a tracker must never fail the study, whatever it throws
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _disabled[i] = true;
                    _log.WriteLine($"warning: tracker {_trackers[i].GetType().Name} failed on {what} and is disabled for the rest of the run: {e.Message}");
                }
            }
        }
    }
}
