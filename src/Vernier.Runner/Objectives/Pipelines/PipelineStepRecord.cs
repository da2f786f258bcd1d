namespace Vernier.Runner.Objectives.Pipelines;

/// <summary>What one step of a pipeline did in a trial, as stored in the trial's user attribute <c>steps</c>.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Status"><c>ran</c>, <c>cached</c> (skipped: its outputs were up to date), <c>failed</c> or <c>stopped</c> (pruned or interrupted).</param>
/// <param name="Seconds">How long it took, waiting for another trial's run of the same step included.</param>
internal sealed record PipelineStepRecord(string Name, string Status, double Seconds)
{
    public const string Ran = "ran";
    public const string Cached = "cached";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
}
