namespace Vernier.Samplers.Auto;

/// <summary>Options of the <see cref="AutoSampler"/>. Every option has a documented default.</summary>
public sealed class AutoSamplerOptions
{
    /// <summary>
    /// How many complete trials a single-objective study with a fixed space runs with the
    /// Gaussian-process sampler before it hands over to CMA-ES (numeric spaces, warm-started from
    /// those trials) or multivariate TPE (spaces with categoricals), whose cost per trial stays
    /// small however long the study runs. The default value is 250. At least 1.
    /// </summary>
    public int GpTrials { get; set; } = 250;

    internal void Validate()
    {
        if (GpTrials < 1)
        {
            throw new ArgumentException($"GpTrials must be at least 1, got {GpTrials}.");
        }
    }
}
