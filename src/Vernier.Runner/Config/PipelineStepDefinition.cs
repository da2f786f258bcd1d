using System.Collections.Immutable;
using Vernier.Runner.Objectives;

namespace Vernier.Runner.Config;

/// <summary>
/// One step of a pipeline objective (<c>objective.steps</c>): a command run once per trial, in order, whose
/// declared outputs make it cacheable. See <see cref="ObjectiveDefinition.Steps"/>.
/// </summary>
public sealed record PipelineStepDefinition
{
    /// <summary>The step's name, unique in the pipeline: letters, digits, <c>_ . -</c> (it names the step's log folder).</summary>
    /// <remarks>Required; there is no default.</remarks>
    public required string Name { get; init; }

    /// <summary>The step's argument vector, with the same placeholders and rules as <see cref="ObjectiveDefinition.Command"/>.</summary>
    /// <remarks>Required; there is no default.</remarks>
    public required ImmutableArray<string> Command { get; init; }

    /// <summary>
    /// Files or folders the step creates (templates with the command's placeholders, relative to the working directory).
    /// A step with outputs is skipped when they exist and were made by a run with the same cache key.
    /// </summary>
    /// <remarks>The default value is empty: the step always runs.</remarks>
    public ImmutableArray<string> Outputs { get; init; } = [];

    /// <summary>Files or folders whose content is part of the step's cache key (templates, relative to the working directory).</summary>
    /// <remarks>The default value is empty.</remarks>
    public ImmutableArray<string> Inputs { get; init; } = [];

    /// <summary>Environment variables for this step, applied after <see cref="ObjectiveDefinition.Environment"/>; a null value removes a variable.</summary>
    /// <remarks>The default value is empty.</remarks>
    public ImmutableSortedDictionary<string, string?> Environment { get; init; } = ImmutableSortedDictionary<string, string?>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The longest this step may run (<c>timeout</c>, seconds); the objective's <c>timeout</c> bounds the whole pipeline.</summary>
    /// <remarks>The default value is <see langword="null"/>: no limit of its own.</remarks>
    public TimeSpan? Timeout { get; init; }

    /// <summary>How parameters not used by placeholders reach this step's command line.</summary>
    /// <remarks>
    /// The default value is <see cref="CommandArgumentStyle.None"/>: a step gets parameters only through placeholders
    /// (and <c>VERNIER_PARAMS_FILE</c>). In a file, the objective's <c>pass_parameters</c> sets the default for its steps.
    /// </remarks>
    public CommandArgumentStyle PassParameters { get; init; } = CommandArgumentStyle.None;
}
