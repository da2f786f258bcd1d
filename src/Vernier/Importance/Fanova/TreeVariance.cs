namespace Vernier.Importance.Fanova;

/// <summary>
/// The functional ANOVA of one regression tree (Hutter, Hoos and Leyton-Brown 2014, "An Efficient Approach for
/// Assessing Hyperparameter Importance"): the variance of the tree's prediction over the search space, and the
/// variance of each parameter's marginal prediction (the prediction averaged over every other parameter), both exact
/// over the tree's partition of the space.
/// </summary>
/// <remarks>
/// The space is the product of one uniform measure per column: a numeric column is [0, 1] (the unit scale of
/// <see cref="ImportanceData"/>, log-aware, each integer with an equal cell), a categorical column gives each choice
/// mass 1/k. Each leaf is a box of that space; the marginal of a column is constant between the thresholds the tree
/// uses on it (or per choice), so it is a finite sum.
/// </remarks>
internal sealed class TreeVariance
{
    private readonly double[] _values;        // per leaf, its value minus the tree's mean
    private readonly double[][] _measures;     // per leaf, per column, the measure of the leaf's side in that column
    private readonly double[][] _low;          // numeric columns: per leaf, the interval [low, high]
    private readonly double[][] _high;
    private readonly bool[]?[][] _choices;    // categorical columns: per leaf, the choices it covers
    private readonly int[] _choiceCounts;

    /// <summary>Decomposes a tree.</summary>
    public TreeVariance(RegressionTree tree)
    {
        _choiceCounts = [.. tree.ChoiceCounts];
        int columns = _choiceCounts.Length;
        var leaves = new List<(double Value, double[] Low, double[] High, bool[]?[] Choices)>();
        var low = new double[columns];
        var high = new double[columns];
        var choices = new bool[]?[columns];
        for (int c = 0; c < columns; c++)
        {
            high[c] = 1;
            choices[c] = _choiceCounts[c] > 0 ? Enumerable.Repeat(true, _choiceCounts[c]).ToArray() : null;
        }

        var pending = new Stack<(int Node, double[] Low, double[] High, bool[]?[] Choices)>();
        pending.Push((0, low, high, choices));
        while (pending.Count > 0)
        {
            var (index, l, h, ch) = pending.Pop();
            RegressionTree.Node node = tree.Nodes[index];
            if (node.IsLeaf)
            {
                leaves.Add((node.Value, l, h, ch));
                continue;
            }

            int f = node.Feature;
            if (node.LeftChoices is { } left)
            {
                bool[]?[] leftChoices = (bool[]?[])ch.Clone(), rightChoices = (bool[]?[])ch.Clone();
                leftChoices[f] = [.. ch[f]!.Select((on, i) => on && left[i])];
                rightChoices[f] = [.. ch[f]!.Select((on, i) => on && !left[i])];
                pending.Push((node.Left, l, h, leftChoices));
                pending.Push((node.Right, l, h, rightChoices));
            }
            else
            {
                double[] leftHigh = (double[])h.Clone(), rightLow = (double[])l.Clone();
                leftHigh[f] = Math.Min(h[f], node.Threshold);
                rightLow[f] = Math.Max(l[f], node.Threshold);
                pending.Push((node.Left, l, leftHigh, ch));
                pending.Push((node.Right, rightLow, h, ch));
            }
        }

        _low = [.. leaves.Select(t => t.Low)];
        _high = [.. leaves.Select(t => t.High)];
        _choices = [.. leaves.Select(t => t.Choices)];
        _measures = new double[leaves.Count][];
        for (int i = 0; i < leaves.Count; i++)
        {
            var measure = new double[columns];
            for (int c = 0; c < columns; c++)
            {
                measure[c] = _choiceCounts[c] > 0
                    ? (double)_choices[i][c]!.Count(on => on) / _choiceCounts[c]
                    : Math.Max(0, _high[i][c] - _low[i][c]);
            }

            _measures[i] = measure;
        }

        double totalMeasure = 0, weighted = 0;
        for (int i = 0; i < leaves.Count; i++)
        {
            double volume = Volume(i, -1);
            totalMeasure += volume;
            weighted += volume * leaves[i].Value;
        }

        Mean = totalMeasure > 0 ? weighted / totalMeasure : 0;
        _values = [.. leaves.Select(t => t.Value - Mean)];
        double variance = 0;
        for (int i = 0; i < _values.Length; i++)
        {
            variance += Volume(i, -1) * _values[i] * _values[i];
        }

        Variance = totalMeasure > 0 ? Math.Max(0, variance / totalMeasure) : 0;
    }

    /// <summary>The mean prediction over the space.</summary>
    public double Mean { get; }

    /// <summary>The variance of the prediction over the space.</summary>
    public double Variance { get; }

    /// <summary>The number of leaves.</summary>
    public int LeafCount => _values.Length;

    /// <summary>The variance of the marginal prediction of one column (its main effect).</summary>
    public double MarginalVariance(int column) =>
        _choiceCounts[column] > 0 ? CategoricalMarginal(column) : NumericMarginal(column);

    private double NumericMarginal(int column)
    {
        // The marginal is constant between consecutive interval ends; add each leaf's share to the cells it covers.
        double[] cuts = [.. _low.Select(l => l[column]).Concat(_high.Select(h => h[column])).Append(0).Append(1)
            .Select(v => Math.Clamp(v, 0, 1)).Distinct().Order()];
        var delta = new double[cuts.Length];
        for (int i = 0; i < _values.Length; i++)
        {
            double lo = Math.Clamp(_low[i][column], 0, 1), hi = Math.Clamp(_high[i][column], 0, 1);
            if (hi <= lo)
            {
                continue;
            }

            double share = _values[i] * Volume(i, column);
            delta[Array.BinarySearch(cuts, lo)] += share;
            delta[Array.BinarySearch(cuts, hi)] -= share;
        }

        double marginal = 0, mean = 0, squares = 0;
        for (int k = 0; k < cuts.Length - 1; k++)
        {
            marginal += delta[k];
            double width = cuts[k + 1] - cuts[k];
            mean += width * marginal;
            squares += width * marginal * marginal;
        }

        return Math.Max(0, squares - (mean * mean));
    }

    private double CategoricalMarginal(int column)
    {
        int k = _choiceCounts[column];
        var marginal = new double[k];
        for (int i = 0; i < _values.Length; i++)
        {
            double share = _values[i] * Volume(i, column);
            bool[] covered = _choices[i][column]!;
            for (int c = 0; c < k; c++)
            {
                if (covered[c])
                {
                    marginal[c] += share;
                }
            }
        }

        double mean = marginal.Average();
        return Math.Max(0, marginal.Average(m => m * m) - (mean * mean));
    }

    /// <summary>The product of a leaf's measures over every column but <paramref name="except"/> (−1: all).</summary>
    private double Volume(int leaf, int except)
    {
        double volume = 1;
        double[] measure = _measures[leaf];
        for (int c = 0; c < measure.Length; c++)
        {
            if (c != except)
            {
                volume *= measure[c];
            }
        }

        return volume;
    }
}
