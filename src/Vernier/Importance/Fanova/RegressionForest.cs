using Vernier.Randomness;

namespace Vernier.Importance.Fanova;

/// <summary>
/// A random forest of <see cref="RegressionTree"/>s: each tree fitted to a bootstrap sample of the rows (or all of them),
/// choosing among a random share of the columns at each split. Tree <c>t</c> draws from the stream derived from
/// (seed, t), so a forest is a pure function of its data, settings and seed.
/// </summary>
internal static class RegressionForest
{
    /// <summary>Fits tree <paramref name="index"/> of the forest.</summary>
    public static RegressionTree FitTree(double[][] x, double[] y, int[] choiceCounts, FanovaOptions options, int index)
    {
        var random = RandomStream.Derive(options.Seed, index, "fanova-tree");
        int n = y.Length;
        int[] sample = new int[n];
        for (int i = 0; i < n; i++)
        {
            sample[i] = options.Bootstrap ? (int)random.NextInt64(n) : i;
        }

        int columns = choiceCounts.Length;
        int featuresPerSplit = Math.Clamp((int)Math.Ceiling(options.MaxFeatures * columns - 1e-9), 1, Math.Max(1, columns));
        var settings = new RegressionTree.Settings(options.MaxDepth, options.MinSamplesSplit, options.MinSamplesLeaf, Math.Min(featuresPerSplit, columns));
        return RegressionTree.Fit(x, y, sample, choiceCounts, settings, random);
    }

    /// <summary>Fits every tree of the forest.</summary>
    public static IReadOnlyList<RegressionTree> Fit(double[][] x, double[] y, int[] choiceCounts, FanovaOptions options, CancellationToken cancellationToken = default)
    {
        var trees = new RegressionTree[options.Trees];
        for (int t = 0; t < trees.Length; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            trees[t] = FitTree(x, y, choiceCounts, options, t);
        }

        return trees;
    }
}
