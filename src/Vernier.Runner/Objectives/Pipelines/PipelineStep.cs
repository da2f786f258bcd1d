namespace Vernier.Runner.Objectives.Pipelines;

/// <summary>One step of a <see cref="PipelineRunner"/>: its process runner and what makes it cacheable.</summary>
internal sealed class PipelineStep
{
    /// <param name="name">The step's name (its log folder's name).</param>
    /// <param name="runner">Runs the step's process; it completes on exit code 0 (<see cref="CommandObjectiveOptions.MetricsRequired"/> is false).</param>
    /// <param name="environment">The step's own environment entries (objective's and step's, merged), part of its cache key.</param>
    /// <param name="outputs">The declared outputs, as templates.</param>
    /// <param name="inputs">The declared inputs, as templates.</param>
    public PipelineStep(string name, CommandObjectiveRunner runner, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> outputs, IReadOnlyList<string> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(runner);
        Name = name;
        Runner = runner;
        Environment = [.. environment.OrderBy(e => e.Key, StringComparer.Ordinal)];
        Outputs = CommandTemplate.Parse(outputs);
        Inputs = CommandTemplate.Parse(inputs);
        HasOutputs = outputs.Count > 0;
        PlaceholderNames = [.. runner.PlaceholderNames.Concat(Outputs.ParameterPlaceholders).Concat(Inputs.ParameterPlaceholders).Distinct(StringComparer.Ordinal)];
    }

    public string Name { get; }

    public CommandObjectiveRunner Runner { get; }

    public IReadOnlyList<KeyValuePair<string, string?>> Environment { get; }

    public CommandTemplate Outputs { get; }

    public CommandTemplate Inputs { get; }

    /// <summary>A step without outputs always runs.</summary>
    public bool HasOutputs { get; }

    /// <summary>The parameters its command, outputs and inputs refer to.</summary>
    public IReadOnlyList<string> PlaceholderNames { get; }
}
