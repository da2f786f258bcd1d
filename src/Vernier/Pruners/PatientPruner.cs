using Vernier.Studies;

namespace Vernier.Pruners;

/// <summary>
/// Waits for a trial to stop improving before any pruning: while the trial has improved (by more
/// than <c>minDelta</c>) within its last <c>patience</c> steps, it is kept; once it has not, it is
/// pruned, or, when a pruner is wrapped, that pruner decides. As Optuna's <c>PatientPruner</c>.
/// </summary>
/// <remarks>
/// Config name: <c>patient</c>, options <c>patience</c>, <c>min_delta</c>, and <c>wrapped</c> (a
/// pruner name; none by default). NaN values are left out; only the first objective is used.
/// </remarks>
/// <example><code>Study.Builder("s").WithPruner(new PatientPruner(new MedianPruner(), patience: 3))</code></example>
public sealed class PatientPruner : Pruner
{
    /// <summary>Creates the pruner.</summary>
    /// <param name="wrapped">The pruner that decides once the trial has stalled, or null to prune a stalled trial.</param>
    /// <param name="patience">How many steps without improvement are tolerated; ≥ 0.</param>
    /// <param name="minDelta">How much better a value must be to count as an improvement; ≥ 0. The default value is 0.</param>
    /// <exception cref="ArgumentException">A negative patience or min delta.</exception>
    public PatientPruner(Pruner? wrapped, int patience, double minDelta = 0)
    {
        if (patience < 0 || !(minDelta >= 0))
        {
            throw new ArgumentException($"patience and minDelta must be ≥ 0, got {patience} and {minDelta}.");
        }

        Wrapped = wrapped;
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <inheritdoc />
    public override string Name => "patient";

    /// <summary>The wrapped pruner, or null.</summary>
    public Pruner? Wrapped { get; }

    /// <summary>Steps without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The smallest change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <inheritdoc />
    public override bool Prune(PrunerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        KeyValuePair<long, double>[] values = [.. context.Trial.IntermediateValues.Where(v => !double.IsNaN(v.Value))];
        if (values.Length <= Patience + 1)
        {
            return false;
        }

        StudyDirection direction = context.Directions[0];
        int split = values.Length - Patience - 1;
        double before = Best(values.AsSpan(0, split), direction);
        double recent = Best(values.AsSpan(split), direction);
        bool improved = direction == StudyDirection.Minimize ? recent < before - MinDelta : recent > before + MinDelta;
        if (improved)
        {
            return false;
        }

        return Wrapped?.Prune(context) ?? true;
    }

    private static double Best(ReadOnlySpan<KeyValuePair<long, double>> values, StudyDirection direction)
    {
        double best = values[0].Value;
        foreach (var (_, value) in values)
        {
            if (direction.IsBetter(value, best))
            {
                best = value;
            }
        }

        return best;
    }
}
