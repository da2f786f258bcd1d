namespace Vernier.Runner.Objectives;

/// <summary>What one line of a trial's standard output means under the METRIC protocol.</summary>
public enum MetricLineKind
{
    /// <summary>Not a METRIC line: ordinary output, only logged.</summary>
    None = 0,

    /// <summary>Final values, for example <c>METRIC val_loss=0.4213</c>.</summary>
    Final = 1,

    /// <summary>Intermediate values at a step, for example <c>METRIC step=3 val_loss=0.52 acc=0.81</c>.</summary>
    Intermediate = 2,

    /// <summary>Starts with <c>METRIC</c> but cannot be read; see <see cref="MetricLine.Error"/>. Ignored as a whole.</summary>
    Malformed = 3,
}

/// <summary>One parsed line of output; see <see cref="MetricProtocol.Parse"/>.</summary>
public sealed class MetricLine
{
    private static readonly IReadOnlyDictionary<string, double> NoValues = new Dictionary<string, double>();

    private MetricLine(MetricLineKind kind, long? step, IReadOnlyDictionary<string, double> values, string? error)
    {
        Kind = kind;
        Step = step;
        Values = values;
        Error = error;
    }

    /// <summary>The shared result for a line that is not a METRIC line.</summary>
    public static MetricLine NotMetric { get; } = new(MetricLineKind.None, null, NoValues, null);

    /// <summary>What the line is.</summary>
    public MetricLineKind Kind { get; }

    /// <summary>The step of an intermediate line; otherwise null.</summary>
    public long? Step { get; }

    /// <summary>The values by name in the order printed (a name repeated on one line keeps its last value); empty unless Final or Intermediate.</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <summary>Why a malformed line could not be read; otherwise null.</summary>
    public string? Error { get; }

    internal static MetricLine Final(IReadOnlyDictionary<string, double> values) => new(MetricLineKind.Final, null, values, null);

    internal static MetricLine Intermediate(long step, IReadOnlyDictionary<string, double> values) => new(MetricLineKind.Intermediate, step, values, null);

    internal static MetricLine Malformed(string error) => new(MetricLineKind.Malformed, null, NoValues, error);
}
