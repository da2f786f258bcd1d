namespace Vernier.Samplers.Nsga2;

/// <summary>How an <see cref="Nsga2Sampler"/> combines two parents' numeric parameters.</summary>
public enum Nsga2Crossover
{
    /// <summary>Each parameter comes from one parent or the other (categoricals always cross this way).</summary>
    Uniform = 0,

    /// <summary>Simulated binary crossover (Deb and Agrawal, 1995), distribution index 20, on the unit scale.</summary>
    Sbx = 1,

    /// <summary>Blend crossover BLX-α (Eshelman and Schaffer, 1993) with α = 0.5, on the unit scale.</summary>
    Blx = 2,
}

/// <summary>Options of the <see cref="Nsga2Sampler"/>.</summary>
public sealed class Nsga2SamplerOptions
{
    /// <summary>How many complete trials make a generation, and how many survive into the next.</summary>
    /// <remarks>The default value is 50. At least 2.</remarks>
    public int PopulationSize { get; init; } = 50;

    /// <summary>
    /// The probability that a child's parameter is mutated (drawn afresh, uniformly); null for
    /// 1 / (number of parameters the sampler varies jointly).
    /// </summary>
    /// <remarks>The default value is <see langword="null"/> (automatic). Otherwise within [0, 1].</remarks>
    public double? MutationProbability { get; init; }

    /// <summary>How the parents' numeric parameters are combined.</summary>
    /// <remarks>The default value is <see cref="Nsga2Crossover.Uniform"/>.</remarks>
    public Nsga2Crossover Crossover { get; init; } = Nsga2Crossover.Uniform;

    /// <summary>The probability that a child is a crossover of two parents rather than a copy of the first.</summary>
    /// <remarks>The default value is 0.9. Within [0, 1].</remarks>
    public double CrossoverProbability { get; init; } = 0.9;

    /// <summary>In a uniform crossover, the probability that a parameter is taken from the second parent.</summary>
    /// <remarks>The default value is 0.5. Within [0, 1].</remarks>
    public double SwappingProbability { get; init; } = 0.5;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (PopulationSize < 2)
        {
            throw new ArgumentException($"population_size must be at least 2, got {PopulationSize}.", nameof(PopulationSize));
        }

        if (MutationProbability is double m && !(m >= 0 && m <= 1))
        {
            throw new ArgumentException($"mutation_prob must be within [0, 1], got {m}.", nameof(MutationProbability));
        }

        if (!(CrossoverProbability >= 0 && CrossoverProbability <= 1))
        {
            throw new ArgumentException($"crossover_prob must be within [0, 1], got {CrossoverProbability}.", nameof(CrossoverProbability));
        }

        if (!(SwappingProbability >= 0 && SwappingProbability <= 1))
        {
            throw new ArgumentException($"swapping_prob must be within [0, 1], got {SwappingProbability}.", nameof(SwappingProbability));
        }

        if (!Enum.IsDefined(Crossover))
        {
            throw new ArgumentException($"crossover must be uniform, sbx or blx, not {(int)Crossover}.", nameof(Crossover));
        }
    }
}
