using Vernier.Randomness;

namespace Vernier.Importance.Fanova;

/// <summary>
/// A regression tree (CART, squared error) over <see cref="ImportanceData"/> rows: numeric columns in [0, 1] split by a
/// threshold (value ≤ threshold goes left), categorical columns split by a subset of their choices (found exactly by
/// ordering the choices by their mean target, Breiman's method for regression).
/// </summary>
/// <remarks>
/// A missing value (NaN: a conditional parameter the trial does not have) says nothing about which side of a split on
/// that column the trial belongs to, so such a row follows <em>both</em> children of the split: the target is known not
/// to depend on the parameter there. Thresholds and subsets are chosen on the rows that have the column; a split needs
/// rows with the column on both sides. Choices no training row of a node has go to the right child.
/// </remarks>
internal sealed class RegressionTree
{
    /// <summary>The settings of one fit.</summary>
    internal sealed record Settings(int MaxDepth, int MinSamplesSplit, int MinSamplesLeaf, int FeaturesPerSplit);

    /// <summary>One node: a leaf when <see cref="Feature"/> is −1.</summary>
    /// <param name="Feature">The column split on, or −1 for a leaf.</param>
    /// <param name="Threshold">A numeric split's threshold: values at or below it go left.</param>
    /// <param name="LeftChoices">A categorical split's choices that go left; null for numeric splits and leaves.</param>
    /// <param name="Left">The left child's index.</param>
    /// <param name="Right">The right child's index.</param>
    /// <param name="Value">The mean target of the node's training rows.</param>
    internal readonly record struct Node(int Feature, double Threshold, bool[]? LeftChoices, int Left, int Right, double Value)
    {
        public bool IsLeaf => Feature < 0;

        public bool GoesLeft(double value) => LeftChoices is { } choices ? choices[(int)value] : value <= Threshold;
    }

    private RegressionTree(Node[] nodes, int[] choiceCounts)
    {
        Nodes = nodes;
        ChoiceCounts = choiceCounts;
    }

    /// <summary>The nodes; the root is at index 0.</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Per column, 0 for a numeric column or the number of choices of a categorical one.</summary>
    public IReadOnlyList<int> ChoiceCounts { get; }

    /// <summary>The tree's prediction for a row; a missing value averages both children.</summary>
    public double Predict(ReadOnlySpan<double> row) => Predict(row, 0);

    private double Predict(ReadOnlySpan<double> row, int index)
    {
        while (true)
        {
            Node node = Nodes[index];
            if (node.IsLeaf)
            {
                return node.Value;
            }

            double value = row[node.Feature];
            if (double.IsNaN(value))
            {
                return 0.5 * (Predict(row, node.Left) + Predict(row, node.Right));
            }

            index = node.GoesLeft(value) ? node.Left : node.Right;
        }
    }

    /// <summary>Fits a tree.</summary>
    /// <param name="x">The rows (columns as <see cref="ImportanceData"/> encodes them).</param>
    /// <param name="y">The targets.</param>
    /// <param name="sample">The indices of the rows to fit (a bootstrap sample may repeat rows).</param>
    /// <param name="choiceCounts">Per column, 0 for numeric or the number of choices.</param>
    /// <param name="settings">Depth and size limits.</param>
    /// <param name="random">Draws the columns each split considers, and the order ties are broken in.</param>
    public static RegressionTree Fit(double[][] x, double[] y, int[] sample, int[] choiceCounts, Settings settings, RandomStream random)
    {
        var builder = new Builder(x, y, choiceCounts, settings, random);
        return new RegressionTree(builder.Build(sample), choiceCounts);
    }

    private sealed class Builder(double[][] x, double[] y, int[] choiceCounts, Settings settings, RandomStream random)
    {
        private readonly List<Node> _nodes = [];
        private readonly int[] _features = [.. Enumerable.Range(0, choiceCounts.Length)];

        public Node[] Build(int[] sample)
        {
            _nodes.Add(default);
            var pending = new Stack<(int Index, int[] Rows, int Depth)>();
            pending.Push((0, sample, 0));
            while (pending.Count > 0)
            {
                var (index, rows, depth) = pending.Pop();
                double mean = Mean(rows);
                Split? split = depth < settings.MaxDepth && rows.Length >= settings.MinSamplesSplit && !IsConstant(rows)
                    ? FindSplit(rows, mean)
                    : null;
                if (split is not { } s)
                {
                    _nodes[index] = new Node(-1, double.NaN, null, -1, -1, mean);
                    continue;
                }

                int left = _nodes.Count;
                int right = left + 1;
                _nodes.Add(default);
                _nodes.Add(default);
                _nodes[index] = new Node(s.Feature, s.Threshold, s.LeftChoices, left, right, mean);
                var (leftRows, rightRows) = Partition(rows, s);
                pending.Push((right, rightRows, depth + 1));
                pending.Push((left, leftRows, depth + 1));
            }

            return [.. _nodes];
        }

        private readonly record struct Split(int Feature, double Threshold, bool[]? LeftChoices, double Error);

        private double Mean(int[] rows)
        {
            double sum = 0;
            foreach (int r in rows)
            {
                sum += y[r];
            }

            return sum / rows.Length;
        }

        private bool IsConstant(int[] rows)
        {
            double first = y[rows[0]];
            foreach (int r in rows)
            {
                if (y[r] != first)
                {
                    return false;
                }
            }

            return true;
        }

        private Split? FindSplit(int[] rows, double mean)
        {
            // Every split draws its columns afresh (all of them, in a random order, by default: ties go to the first found).
            random.Shuffle(_features.AsSpan());
            Split? best = null;
            for (int k = 0; k < settings.FeaturesPerSplit; k++)
            {
                int feature = _features[k];
                Split? candidate = choiceCounts[feature] > 0
                    ? CategoricalSplit(rows, feature, mean)
                    : NumericSplit(rows, feature, mean);
                if (candidate is { } c && (best is null || c.Error < best.Value.Error))
                {
                    best = c;
                }
            }

            return best;
        }

        private Split? NumericSplit(int[] rows, int feature, double mean)
        {
            var present = new List<(double Value, double Target)>(rows.Length);
            double absentSum = 0, absentSquares = 0;
            int absent = 0;
            foreach (int r in rows)
            {
                double v = x[r][feature];
                double t = y[r] - mean;
                if (double.IsNaN(v))
                {
                    absent++;
                    absentSum += t;
                    absentSquares += t * t;
                }
                else
                {
                    present.Add((v, t));
                }
            }

            if (present.Count < 2)
            {
                return null;
            }

            present.Sort((a, b) => a.Value.CompareTo(b.Value));
            double totalSum = 0, totalSquares = 0;
            foreach (var (_, t) in present)
            {
                totalSum += t;
                totalSquares += t * t;
            }

            Split? best = null;
            double leftSum = 0, leftSquares = 0;
            for (int i = 0; i < present.Count - 1; i++)
            {
                double t = present[i].Target;
                leftSum += t;
                leftSquares += t * t;
                if (present[i].Value == present[i + 1].Value)
                {
                    continue;
                }

                int nLeft = i + 1 + absent;
                int nRight = present.Count - i - 1 + absent;
                if (nLeft < settings.MinSamplesLeaf || nRight < settings.MinSamplesLeaf)
                {
                    continue;
                }

                double error = Error(leftSum + absentSum, leftSquares + absentSquares, nLeft)
                    + Error(totalSum - leftSum + absentSum, totalSquares - leftSquares + absentSquares, nRight);
                if (best is null || error < best.Value.Error)
                {
                    double threshold = 0.5 * (present[i].Value + present[i + 1].Value);
                    best = new Split(feature, threshold, null, error);
                }
            }

            return best;
        }

        private Split? CategoricalSplit(int[] rows, int feature, double mean)
        {
            int choices = choiceCounts[feature];
            var counts = new int[choices];
            var sums = new double[choices];
            var squares = new double[choices];
            double absentSum = 0, absentSquares = 0;
            int absent = 0;
            foreach (int r in rows)
            {
                double v = x[r][feature];
                double t = y[r] - mean;
                if (double.IsNaN(v))
                {
                    absent++;
                    absentSum += t;
                    absentSquares += t * t;
                }
                else
                {
                    int c = (int)v;
                    counts[c]++;
                    sums[c] += t;
                    squares[c] += t * t;
                }
            }

            int[] seen = [.. Enumerable.Range(0, choices).Where(c => counts[c] > 0).OrderBy(c => sums[c] / counts[c]).ThenBy(c => c)];
            if (seen.Length < 2)
            {
                return null;
            }

            double totalSum = seen.Sum(c => sums[c]), totalSquares = seen.Sum(c => squares[c]);
            int totalCount = seen.Sum(c => counts[c]);
            Split? best = null;
            double leftSum = 0, leftSquares = 0;
            int leftCount = 0;
            for (int j = 0; j < seen.Length - 1; j++)
            {
                int c = seen[j];
                leftSum += sums[c];
                leftSquares += squares[c];
                leftCount += counts[c];
                int nLeft = leftCount + absent;
                int nRight = totalCount - leftCount + absent;
                if (nLeft < settings.MinSamplesLeaf || nRight < settings.MinSamplesLeaf)
                {
                    continue;
                }

                double error = Error(leftSum + absentSum, leftSquares + absentSquares, nLeft)
                    + Error(totalSum - leftSum + absentSum, totalSquares - leftSquares + absentSquares, nRight);
                if (best is null || error < best.Value.Error)
                {
                    var left = new bool[choices];
                    for (int i = 0; i <= j; i++)
                    {
                        left[seen[i]] = true;
                    }

                    best = new Split(feature, double.NaN, left, error);
                }
            }

            return best;
        }

        private (int[] Left, int[] Right) Partition(int[] rows, Split split)
        {
            var left = new List<int>(rows.Length);
            var right = new List<int>(rows.Length);
            foreach (int r in rows)
            {
                double v = x[r][split.Feature];
                if (double.IsNaN(v))
                {
                    left.Add(r);
                    right.Add(r);
                }
                else if (split.LeftChoices is { } choices ? choices[(int)v] : v <= split.Threshold)
                {
                    left.Add(r);
                }
                else
                {
                    right.Add(r);
                }
            }

            return ([.. left], [.. right]);
        }

        /// <summary>The squared error about the mean of n values with this sum and sum of squares.</summary>
        private static double Error(double sum, double squares, int n) => Math.Max(0, squares - (sum * sum / n));
    }
}
