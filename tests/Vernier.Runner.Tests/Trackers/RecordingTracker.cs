using Vernier.Runner.Trackers;

namespace Vernier.Runner.Tests.Trackers;

/// <summary>Records each event as a short line; optionally throws on one kind of event, or on every event after study_started.</summary>
internal sealed class RecordingTracker(string? throwOn = null, bool throwAfterStart = false) : ITrialTracker
{
    public List<string> Events { get; } = [];

    public void StudyStarted(StudyStartedEvent started) => Record($"study_started {started.StudyName}", "study_started");

    public void TrialStarted(TrialStartedEvent started) => Record($"trial_started {started.Number}", "trial_started");

    public void IntermediateValue(IntermediateValueEvent value) => Record($"intermediate {value.Number} {value.Step} {value.Value}", "intermediate");

    public void TrialFinished(TrialFinishedEvent finished) => Record($"trial_finished {finished.Trial.Number} {finished.Trial.State}", "trial_finished");

    public void StudyFinished(StudyFinishedEvent finished) => Record($"study_finished {finished.Status} {finished.StopReason} {finished.TrialsStarted}", "study_finished");

    private void Record(string line, string kind)
    {
        Events.Add(line);
        if (kind == throwOn || (throwAfterStart && kind != "study_started"))
        {
            throw new InvalidOperationException($"tracker broke on {kind}");
        }
    }
}
