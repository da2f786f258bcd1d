namespace Vernier.Runner.Objectives;

/// <summary>Metrics a running trial reported at one step, from a line such as <c>METRIC step=3 val_loss=0.52 acc=0.81</c>.</summary>
/// <param name="Step">The step (epoch, iteration, budget), zero or more.</param>
/// <param name="Values">The metrics on that line, by name, in the order printed. Values may be NaN or infinite.</param>
public sealed record IntermediateReport(long Step, IReadOnlyDictionary<string, double> Values);
