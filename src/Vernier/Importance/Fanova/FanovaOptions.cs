namespace Vernier.Importance.Fanova;

/// <summary>
/// Options of <see cref="FanovaImportanceEvaluator"/>: the random forest it fits. The defaults mirror Optuna's
/// <c>FanovaImportanceEvaluator</c> (64 trees of depth at most 64, bootstrap samples, every feature considered at each split).
/// </summary>
public sealed class FanovaOptions
{
    /// <summary>The number of trees in the forest. Must be at least 1. The default value is 64.</summary>
    public int Trees { get; set; } = 64;

    /// <summary>The maximum depth of a tree (the root has depth 0). Must be at least 1. The default value is 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>The fewest training rows a node needs to be split. Must be at least 2. The default value is 2.</summary>
    public int MinSamplesSplit { get; set; } = 2;

    /// <summary>The fewest training rows each child of a split must keep. Must be at least 1. The default value is 1.</summary>
    public int MinSamplesLeaf { get; set; } = 1;

    /// <summary>
    /// The share of the parameters each split chooses among, drawn afresh at every split (at least one parameter).
    /// Must be in (0, 1]. The default value is 1 (every parameter, as scikit-learn's regression forest does).
    /// </summary>
    public double MaxFeatures { get; set; } = 1.0;

    /// <summary>Whether each tree is fitted to a bootstrap sample of the trials (drawn with replacement) rather than to all of them. The default value is true.</summary>
    public bool Bootstrap { get; set; } = true;

    /// <summary>The seed of the forest's randomness: equal seeds and equal trials give equal importances. The default value is 0.</summary>
    public ulong Seed { get; set; }

    /// <summary>Throws if an option is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    internal void Validate()
    {
        if (Trees < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Trees), Trees, $"{nameof(FanovaOptions)}.{nameof(Trees)} must be at least 1.");
        }

        if (MaxDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, $"{nameof(FanovaOptions)}.{nameof(MaxDepth)} must be at least 1.");
        }

        if (MinSamplesSplit < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSamplesSplit), MinSamplesSplit, $"{nameof(FanovaOptions)}.{nameof(MinSamplesSplit)} must be at least 2.");
        }

        if (MinSamplesLeaf < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MinSamplesLeaf), MinSamplesLeaf, $"{nameof(FanovaOptions)}.{nameof(MinSamplesLeaf)} must be at least 1.");
        }

        if (!(MaxFeatures > 0 && MaxFeatures <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFeatures), MaxFeatures, $"{nameof(FanovaOptions)}.{nameof(MaxFeatures)} must be in (0, 1].");
        }
    }
}
