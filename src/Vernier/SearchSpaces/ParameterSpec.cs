using Vernier.Distributions;

namespace Vernier.SearchSpaces;

/// <summary>One declared parameter: its name, distribution and, if conditional, when it exists.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Distribution">Its distribution.</param>
/// <param name="When">The condition under which it exists, or null when always present.</param>
public sealed record ParameterSpec(string Name, ParameterDistribution Distribution, Condition? When = null);
