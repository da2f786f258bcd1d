using Vernier.Samplers.Population;

namespace Vernier.Runner.Objectives;

/// <summary>One trial to run as a process: its number, its parameters and the folder for its files.</summary>
/// <param name="TrialNumber">The trial's number within its study (0, 1, 2, …); passed as <c>VERNIER_TRIAL_NUMBER</c> and <c>{trial_number}</c>.</param>
/// <param name="Parameters">
/// The parameters in the order they were suggested. Values are <see cref="double"/>, <see cref="long"/>,
/// <see cref="string"/>, <see cref="bool"/> or <see langword="null"/> (other integer types and
/// <see cref="float"/>/<see cref="decimal"/> are accepted and widened). Numbers are written invariantly
/// and round-trippably, a whole double keeps its <c>.0</c> (<c>3.0</c>), booleans as <c>true</c>/<c>false</c>,
/// null as <c>null</c>.
/// </param>
/// <param name="TrialDirectory">
/// The trial's own folder, created if missing; it receives <c>params.json</c>, <c>stdout.log</c> and
/// <c>stderr.log</c>. A relative path is resolved against the current directory.
/// </param>
public sealed record CommandTrialRequest(int TrialNumber, IReadOnlyList<KeyValuePair<string, object?>> Parameters, string TrialDirectory)
{
    /// <summary>
    /// Environment variables for this trial only, applied after <see cref="CommandObjectiveOptions.Environment"/>,
    /// for example <c>CUDA_VISIBLE_DEVICES</c> from a device pool; a <see langword="null"/> value removes a variable.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>
    /// Called with the process id (which is also its process group id, where groups exist) right
    /// after the command starts, e.g. to record it so that a later run can stop the tree if this one
    /// dies. The default value is null.
    /// </summary>
    public Action<int>? OnStarted { get; init; }

    /// <summary>
    /// The segment of training this trial does in a population study (see <see cref="PopulationSegment"/>):
    /// passed as <c>VERNIER_START_STEP</c> / <c>VERNIER_END_STEP</c> and <c>{start_step}</c> / <c>{end_step}</c>.
    /// The default value is null (not a population study).
    /// </summary>
    public PopulationSegment? Population { get; init; }

    /// <summary>
    /// The checkpoint folder to restore from (the parent trial's <c>checkpoint/</c> folder), passed as
    /// <c>VERNIER_RESTORE_FROM</c> and <c>{restore_from}</c>. The default value is null (start from scratch).
    /// </summary>
    public string? RestoreFromDirectory { get; init; }

    /// <summary>
    /// Where <c>stdout.log</c> and <c>stderr.log</c> go when not in <see cref="TrialDirectory"/>: a pipeline step's
    /// <c>steps/&lt;name&gt;/</c> folder. The default value is null (the trial folder).
    /// </summary>
    internal string? LogDirectory { get; init; }

    /// <summary>
    /// The seed of this run, passed as <c>VERNIER_SEED</c> and <c>{seed}</c> and, unless the command uses <c>{seed}</c>,
    /// appended as <c>--seed=…</c> (or <c>seed=…</c>) after the parameters when they are appended. A trial with a parameter
    /// named <c>seed</c> cannot also have a run seed. The default value is null: no seed, and <c>VERNIER_SEED</c> is removed.
    /// </summary>
    public long? Seed { get; init; }

    /// <summary>
    /// Which run of its trial this is (1, 2, …, see <see cref="TrialRepeats"/>), passed as <c>VERNIER_RUN_INDEX</c> and
    /// <c>{run_index}</c>. The default value is null: <c>VERNIER_RUN_INDEX</c> is removed.
    /// </summary>
    public int? RunIndex { get; init; }

    /// <summary>The trial's checkpoint folder: <c>checkpoint/</c> in its trial folder, passed as <c>VERNIER_CHECKPOINT_DIR</c> and <c>{checkpoint_dir}</c>.</summary>
    public string CheckpointDirectory => Path.Combine(Path.GetFullPath(TrialDirectory), CommandObjectiveRunner.CheckpointDirectoryName);
}
