namespace Vernier.Samplers.CmaEs;

/// <summary>What <see cref="CmaEsSampler"/> does when a CMA-ES run has converged or stalled.</summary>
public enum CmaEsRestartStrategy
{
    /// <summary>Never restart: keep sampling from the converged distribution.</summary>
    None = 0,

    /// <summary>
    /// IPOP-CMA-ES (Auger and Hansen, 2005): restart from a uniformly random mean with a population
    /// <see cref="CmaEsSamplerOptions.IncPopSize"/> times larger than the previous run's.
    /// </summary>
    Ipop = 1,
}
