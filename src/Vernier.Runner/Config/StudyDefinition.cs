using System.Collections.Immutable;
using Vernier.SearchSpaces;
using Vernier.Studies;

namespace Vernier.Runner.Config;

/// <summary>
/// Everything a study file declares: the search space, the objective and its directions, the
/// sampling strategy, the pruner, resource limits and budgets. Read one with
/// <see cref="StudyDefinitionLoader"/>, which validates every value and fills in the defaults
/// documented on each property.
/// </summary>
/// <remarks>
/// A definition built by hand (in tests or code) is not validated again; build it through the
/// loader when it comes from a user.
/// </remarks>
public sealed record StudyDefinition
{
    /// <summary>The study's name, which identifies it in the storage.</summary>
    /// <remarks>The default value is the file's name without its extension (<c>study.yaml</c> → <c>study</c>).</remarks>
    public required string Name { get; init; }

    /// <summary>Where trials are stored: <c>memory:</c>, <c>sqlite:///path.db</c> or <c>postgresql://user@host/db</c>.</summary>
    /// <remarks>
    /// The default value is <see langword="null"/>: the caller chooses (the CLI uses its own default).
    /// A file may write <c>memory</c> for <c>memory:</c>, which YAML cannot take unquoted.
    /// A relative SQLite path is written as given; resolve it with <see cref="ResolvePath"/>.
    /// </remarks>
    public string? Storage { get; init; }

    /// <summary>The parameters, their conditions and constraints.</summary>
    /// <remarks>Required; a file must declare at least one parameter.</remarks>
    public required SearchSpace Space { get; init; }

    /// <summary>The direction of each objective metric: <c>Directions[i]</c> applies to <c>Objective.Metrics[i]</c>.</summary>
    /// <remarks>The default value is one <see cref="StudyDirection.Minimize"/>.</remarks>
    public required ImmutableArray<StudyDirection> Directions { get; init; }

    /// <summary>How parameters are chosen (the sampler) and its seed.</summary>
    /// <remarks>The default value is <c>random</c> without a seed.</remarks>
    public StrategyDefinition Strategy { get; init; } = new();

    /// <summary>Which pruner stops unpromising trials early.</summary>
    /// <remarks>The default value is <c>none</c>: every trial runs to the end.</remarks>
    public PrunerDefinition Pruner { get; init; } = new();

    /// <summary>What a trial runs: a command per trial, or a method in an assembly.</summary>
    /// <remarks>Required.</remarks>
    public required ObjectiveDefinition Objective { get; init; }

    /// <summary>How many trials may run at once and how far apart they start.</summary>
    /// <remarks>The default value is one trial at a time, no minimum interval.</remarks>
    public ResourceDefinition Resource { get; init; } = new();

    /// <summary>The number of trials after which the study stops.</summary>
    /// <remarks>The default value is <see langword="null"/>: no limit (stop on <see cref="Timeout"/>, a grid's end, or by hand). At least 1 when set.</remarks>
    public int? MaxTrials { get; init; }

    /// <summary>The wall-clock budget of one run (<c>vernier search</c>): no new trial starts after it. Each run starts its own clock.</summary>
    /// <remarks>The default value is <see langword="null"/>: no limit. Written in seconds in the file; positive when set.</remarks>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Where the run's events are recorded (<c>trackers:</c>); see <see cref="Trackers.TrackerSpec"/>. Not part of <see cref="ContentHash"/>: trackers do not change results.</summary>
    /// <remarks>The default value is empty: no trackers.</remarks>
    public ImmutableArray<Trackers.TrackerSpec> Trackers { get; init; } = [];

    /// <summary>How each trial's run is named, grouped and tagged (<c>run:</c>); see <see cref="Trackers.RunNaming"/>. Not part of <see cref="ContentHash"/>: labels do not change results.</summary>
    /// <remarks>The default value is <see langword="null"/>: trials have no labels.</remarks>
    public Trackers.RunNaming? Run { get; init; }

    /// <summary>
    /// The metric columns of <c>runs.csv</c>, in order (<c>outputs: { runs_csv: { metrics: [val_loss, acc] } }</c>); a name no
    /// trial reports gives an empty column. Not part of <see cref="ContentHash"/>: outputs do not change results.
    /// </summary>
    /// <remarks>The default value is <see langword="null"/>: a <c>metric_&lt;name&gt;</c> column for every metric any trial reported, alphabetically.</remarks>
    public ImmutableArray<string>? RunsCsvMetrics { get; init; }

    /// <summary>The full path of the file the definition was read from, against which relative paths resolve.</summary>
    /// <remarks>The default value is <see langword="null"/> (parsed from text): relative paths resolve against the current directory.</remarks>
    public string? SourcePath { get; init; }

    /// <summary>
    /// The SHA-256 (lower-case hex) of the definition's canonical form; see <see cref="ConfigHash"/>.
    /// A checkpoint records it so that a study is resumed only with the same configuration.
    /// </summary>
    /// <remarks>Computed on each access, so a copy made with <c>with</c> never carries a stale hash.</remarks>
    public string ContentHash => ConfigHash.Compute(this);

    /// <summary>
    /// Resolves a path written in the file (a working directory, an assembly, an SQLite file)
    /// against the file's directory, as users expect of paths in a config file.
    /// </summary>
    /// <param name="path">A path as written in the file.</param>
    /// <returns>The full path.</returns>
    public string ResolvePath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = SourcePath is null ? null : Path.GetDirectoryName(SourcePath);
        return Path.GetFullPath(path, directory ?? Directory.GetCurrentDirectory());
    }
}
