namespace Vernier.Importance;

/// <summary>How much one parameter matters, as a share of all the parameters' importance.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Importance">A non-negative share; the shares of one evaluation sum to 1 unless all are 0.</param>
public sealed record ParameterImportance(string Name, double Importance);
