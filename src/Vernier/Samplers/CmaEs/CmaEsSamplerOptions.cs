using Vernier.Trials;

namespace Vernier.Samplers.CmaEs;

/// <summary>The options of <see cref="CmaEsSampler"/>. Every option has a documented default.</summary>
public sealed class CmaEsSamplerOptions
{
    /// <summary>
    /// The initial step size, in the unit cube every numeric parameter is mapped to (width 1).
    /// The default value is null: 1/6 of the cube's width, so that ±3σ around the centre spans it.
    /// Must lie in (0, 1].
    /// </summary>
    public double? Sigma0 { get; set; }

    /// <summary>
    /// How many complete trials must exist before CMA-ES starts; until then parameters are drawn
    /// uniformly at random. The default value is 1 (the joint search space is only known once a
    /// trial has completed).
    /// </summary>
    public int NStartupTrials { get; set; } = 1;

    /// <summary>
    /// The population size λ of the first run. The default value is null: 4 + ⌊3 ln n⌋ for n
    /// numeric parameters (Hansen's default). Must be at least 2.
    /// </summary>
    public int? PopulationSize { get; set; }

    /// <summary>What to do when a run has converged or stalled. The default value is <see cref="CmaEsRestartStrategy.Ipop"/>.</summary>
    public CmaEsRestartStrategy RestartStrategy { get; set; } = CmaEsRestartStrategy.Ipop;

    /// <summary>The factor by which IPOP multiplies the population size at each restart. The default value is 2. Must be at least 1.</summary>
    public int IncPopSize { get; set; } = 2;

    /// <summary>
    /// Whether integer and stepped parameters get a margin (CMA-ES with Margin, Hamano et al. 2022):
    /// the probability of sampling a different value than the mean's is kept at least
    /// α = 1/(n·λ), so the search does not stall on a plateau. The default value is true.
    /// </summary>
    public bool WithMargin { get; set; } = true;

    /// <summary>
    /// Complete trials of an earlier, similar study to warm-start from (WS-CMA-ES, Nomura et al.
    /// 2021): the first run starts from the mean and covariance of their best 10 %, ranked in this
    /// study's direction. Trials lacking a parameter of the joint space are ignored. The default
    /// value is null (no warm start).
    /// </summary>
    public IReadOnlyList<FrozenTrial>? SourceTrials { get; set; }

    internal void Validate()
    {
        if (Sigma0 is double sigma && !(sigma > 0 && sigma <= 1))
        {
            throw new ArgumentException($"Sigma0 must be in (0, 1] (the unit cube's width is 1), got {sigma}.");
        }

        if (NStartupTrials < 0)
        {
            throw new ArgumentException($"NStartupTrials must be ≥ 0, got {NStartupTrials}.");
        }

        if (PopulationSize is < 2)
        {
            throw new ArgumentException($"PopulationSize must be at least 2, got {PopulationSize}.");
        }

        if (IncPopSize < 1)
        {
            throw new ArgumentException($"IncPopSize must be at least 1, got {IncPopSize}.");
        }

        if (!Enum.IsDefined(RestartStrategy))
        {
            throw new ArgumentException($"RestartStrategy must be None or Ipop, got {RestartStrategy}.");
        }
    }
}
