namespace Vernier.Samplers.Qmc;

/// <summary>The low-discrepancy sequence a <see cref="QmcSampler"/> follows.</summary>
public enum QmcSequence
{
    /// <summary>The Sobol sequence in base 2 with the direction numbers of Joe and Kuo (2008).</summary>
    Sobol = 0,

    /// <summary>The Halton sequence: one prime base per dimension.</summary>
    Halton = 1,
}

/// <summary>Options of the <see cref="QmcSampler"/>.</summary>
public sealed class QmcSamplerOptions
{
    /// <summary>The sequence to follow.</summary>
    /// <remarks>The default value is <see cref="QmcSequence.Sobol"/>.</remarks>
    public QmcSequence Sequence { get; init; } = QmcSequence.Sobol;

    /// <summary>
    /// Whether to randomize the sequence with the study's seed: a linear matrix scramble plus a
    /// random digital shift for Sobol, random digit permutations for Halton. Without it the
    /// points are the same for every seed, and the first point is the lower corner of the space.
    /// </summary>
    /// <remarks>The default value is <see langword="true"/>.</remarks>
    public bool Scramble { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Sequence))
        {
            throw new ArgumentException($"sequence must be sobol or halton, not {(int)Sequence}.", nameof(Sequence));
        }
    }
}
