namespace Vernier.Samplers.Population;

/// <summary>The options of <see cref="PopulationSampler"/>. Every option has a documented default; the sampler validates them when it is created.</summary>
public sealed class PopulationSamplerOptions
{
    /// <summary>
    /// How many members the population has; also the most trials that can run at once. Config key:
    /// <c>population_size</c>. The default value is 8.
    /// </summary>
    public int PopulationSize { get; set; } = 8;

    /// <summary>
    /// How many steps a member trains per trial (one segment) before it may exploit and explore.
    /// Config key: <c>perturbation_interval</c>. The default value is 10.
    /// </summary>
    public long PerturbationInterval { get; set; } = 10;

    /// <summary>
    /// The step at which a member stops training; when every member has reached it, the sampler is
    /// exhausted and the study stops. Config key: <c>max_steps</c>. The default value is
    /// <see langword="null"/>: members train until the study's trial budget ends.
    /// </summary>
    public long? MaxSteps { get; set; }

    /// <summary>
    /// The fraction of the ranked members that forms the bottom quantile (which copies the top
    /// quantile): ⌈q·n⌉ members, at most ⌊n/2⌋. Must lie in (0, 0.5]. Config key:
    /// <c>quantile_fraction</c>. The default value is 0.25.
    /// </summary>
    public double QuantileFraction { get; set; } = 0.25;

    /// <summary>
    /// The probability that a mutable parameter is redrawn from its distribution instead of
    /// perturbed when a member exploits another. Must lie in [0, 1]. Config key:
    /// <c>resample_probability</c>. The default value is 0.25.
    /// </summary>
    public double ResampleProbability { get; set; } = 0.25;

    /// <summary>
    /// The factors a numeric parameter is multiplied by when perturbed (one chosen uniformly at
    /// random); the result is clamped to the parameter's range. Config key:
    /// <c>perturbation_factors</c>. The default value is [1.2, 0.8].
    /// </summary>
    public IReadOnlyList<double> PerturbationFactors { get; set; } = [1.2, 0.8];

    /// <summary>
    /// The names of the parameters that may change when a member exploits another; the others are
    /// copied from the donor as they are. Config key: <c>mutations</c>. The default value is
    /// <see langword="null"/>: every parameter may mutate.
    /// </summary>
    public IReadOnlyList<string>? Mutations { get; set; }

    /// <summary>A copy whose lists are copied too, so later changes to either side do not reach the other.</summary>
    internal PopulationSamplerOptions Copy() => new()
    {
        PopulationSize = PopulationSize,
        PerturbationInterval = PerturbationInterval,
        MaxSteps = MaxSteps,
        QuantileFraction = QuantileFraction,
        ResampleProbability = ResampleProbability,
        PerturbationFactors = [.. PerturbationFactors],
        Mutations = Mutations is null ? null : [.. Mutations],
    };

    internal void Validate()
    {
        if (PopulationSize < 2)
        {
            throw new ArgumentException($"PopulationSize (population_size) must be at least 2, got {PopulationSize}.");
        }

        if (PerturbationInterval < 1)
        {
            throw new ArgumentException($"PerturbationInterval (perturbation_interval) must be at least 1 step, got {PerturbationInterval}.");
        }

        if (MaxSteps is long max && max < 1)
        {
            throw new ArgumentException($"MaxSteps (max_steps) must be at least 1 step (or null for no limit), got {max}.");
        }

        if (!(QuantileFraction > 0 && QuantileFraction <= 0.5))
        {
            throw new ArgumentException($"QuantileFraction (quantile_fraction) must lie in (0, 0.5], got {QuantileFraction}.");
        }

        if (!(ResampleProbability >= 0 && ResampleProbability <= 1))
        {
            throw new ArgumentException($"ResampleProbability (resample_probability) must lie in [0, 1], got {ResampleProbability}.");
        }

        if (PerturbationFactors is null || PerturbationFactors.Count == 0)
        {
            throw new ArgumentException("PerturbationFactors (perturbation_factors) must hold at least one factor.");
        }

        foreach (double factor in PerturbationFactors)
        {
            if (!(factor > 0) || double.IsInfinity(factor))
            {
                throw new ArgumentException($"PerturbationFactors (perturbation_factors) must be positive finite numbers, got {factor}.");
            }
        }

        if (Mutations is not null)
        {
            foreach (string name in Mutations)
            {
                if (string.IsNullOrEmpty(name))
                {
                    throw new ArgumentException("Mutations (mutations) must hold parameter names, got an empty one.");
                }
            }
        }
    }
}
