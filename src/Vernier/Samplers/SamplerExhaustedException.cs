namespace Vernier.Samplers;

/// <summary>The sampler has nothing left to suggest, e.g. every point of a grid has been visited.</summary>
public sealed class SamplerExhaustedException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="samplerName">The sampler's name.</param>
    public SamplerExhaustedException(string samplerName)
        : base($"the {samplerName} sampler has visited every point of its search space.")
    {
    }
}
