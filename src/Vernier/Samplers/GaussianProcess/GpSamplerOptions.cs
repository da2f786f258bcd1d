namespace Vernier.Samplers.GaussianProcess;

/// <summary>The options of <see cref="GpSampler"/>. Every option has a documented default.</summary>
public sealed class GpSamplerOptions
{
    /// <summary>
    /// How many completed trials are sampled at random before the Gaussian process takes over.
    /// The default value is 10.
    /// </summary>
    public int NStartupTrials { get; set; } = 10;

    /// <summary>
    /// Whether the objective returns the same value every time for the same parameters. When true,
    /// the observation noise is fixed at a tiny value instead of being fitted, so the model
    /// interpolates the observations. The default value is false.
    /// </summary>
    public bool DeterministicObjective { get; set; }

    /// <summary>
    /// The most completed trials the model is conditioned on. Beyond it the sampler keeps the best
    /// half and a random (seeded) selection of the others, which bounds the time per trial
    /// (the model costs O(n³) in this number). The default value is 500.
    /// </summary>
    public int MaxObservations { get; set; } = 500;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    internal void Validate()
    {
        if (NStartupTrials < 0)
        {
            throw new ArgumentException($"NStartupTrials must be ≥ 0, got {NStartupTrials}.");
        }

        if (MaxObservations < 10)
        {
            throw new ArgumentException($"MaxObservations must be ≥ 10, got {MaxObservations}.");
        }
    }
}
