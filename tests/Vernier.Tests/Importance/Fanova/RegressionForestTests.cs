using Vernier.Importance.Fanova;
using Vernier.Randomness;

namespace Vernier.Tests.Importance.Fanova;

public class RegressionForestTests
{
    private static (double[][] X, double[] Y) Data(int n, ulong seed = 3)
    {
        var random = new RandomStream(seed);
        var x = new double[n][];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = [random.NextDouble(), random.NextDouble(), random.NextInt64(3)];
            y[i] = Math.Sin(6 * x[i][0]) + x[i][1] + (x[i][2] == 1 ? 2 : 0);
        }

        return (x, y);
    }

    private static double[] Predictions(IReadOnlyList<RegressionTree> trees)
    {
        var grid = from a in new[] { 0.1, 0.4, 0.7, 0.95 } from b in new[] { 0.2, 0.8 } from c in new[] { 0.0, 1, 2 } select new[] { a, b, c };
        return [.. grid.SelectMany(row => trees.Select(t => t.Predict(row)))];
    }

    [Fact]
    public void Fit_SameSeed_GivesTheSameForest()
    {
        var (x, y) = Data(100);
        var options = new FanovaOptions { Trees = 8, Seed = 5, MaxFeatures = 0.5 };

        Predictions(RegressionForest.Fit(x, y, [0, 0, 3], options)).ShouldBe(Predictions(RegressionForest.Fit(x, y, [0, 0, 3], options)));
    }

    [Fact]
    public void Fit_DifferentSeed_GivesAnotherForest()
    {
        var (x, y) = Data(100);

        Predictions(RegressionForest.Fit(x, y, [0, 0, 3], new FanovaOptions { Trees = 8, Seed = 5 }))
            .ShouldNotBe(Predictions(RegressionForest.Fit(x, y, [0, 0, 3], new FanovaOptions { Trees = 8, Seed = 6 })));
    }

    [Fact]
    public void FitTree_WithoutBootstrap_ReproducesItsTrainingTargets()
    {
        var (x, y) = Data(60);
        var tree = RegressionForest.FitTree(x, y, [0, 0, 3], new FanovaOptions { Bootstrap = false }, 0);

        for (int i = 0; i < y.Length; i++)
        {
            tree.Predict(x[i]).ShouldBe(y[i], 1e-12);
        }
    }

    [Fact]
    public void FitTree_MaxDepthAndMinSamplesLeaf_BoundTheTree()
    {
        var (x, y) = Data(100);
        var tree = RegressionForest.FitTree(x, y, [0, 0, 3], new FanovaOptions { Bootstrap = false, MaxDepth = 2 }, 0);
        tree.Nodes.Count(n => n.IsLeaf).ShouldBeLessThanOrEqualTo(4);

        var shallow = RegressionForest.FitTree(x, y, [0, 0, 3], new FanovaOptions { Bootstrap = false, MinSamplesLeaf = 30 }, 0);
        shallow.Nodes.Count(n => n.IsLeaf).ShouldBeLessThanOrEqualTo(3);
    }

    [Fact]
    public void TreeVariance_AdditiveFunction_MainEffectsAddUpToTheTotal()
    {
        // A fully grown tree on a grid of an additive function is additive over its cells: no interaction variance.
        var rows = new List<double[]>();
        var targets = new List<double>();
        foreach (double a in new[] { 0.1, 0.3, 0.5, 0.9 })
        {
            foreach (int c in new[] { 0, 1, 2 })
            {
                rows.Add([a, c]);
                targets.Add((a * a * 4) + (c == 2 ? 1.5 : 0));
            }
        }

        var tree = RegressionForest.FitTree([.. rows], [.. targets], [0, 3], new FanovaOptions { Bootstrap = false }, 0);
        var variance = new TreeVariance(tree);

        variance.Variance.ShouldBeGreaterThan(0);
        (variance.MarginalVariance(0) + variance.MarginalVariance(1)).ShouldBe(variance.Variance, 1e-12);
        variance.MarginalVariance(1).ShouldBe((1.5 * 1.5 / 3) - (0.5 * 0.5), 1e-12); // a third of the choices at +1.5
    }

    [Fact]
    public void FitTree_MissingValues_FollowBothChildren()
    {
        // Column 1 exists only where column 0 is above 0.5; rows without it must reach both sides of a split on it.
        double[][] x = [[0.1, double.NaN], [0.2, double.NaN], [0.7, 0.1], [0.8, 0.9], [0.9, 0.2], [0.6, 0.8]];
        double[] y = [3, 3, 1, 5, 1, 5];
        var tree = RegressionForest.FitTree(x, y, [0, 0], new FanovaOptions { Bootstrap = false }, 0);

        tree.Predict([0.15, 0.1]).ShouldBe(3);
        tree.Predict([0.15, 0.9]).ShouldBe(3);
        tree.Predict([0.75, 0.1]).ShouldBe(1);
        tree.Predict([0.75, 0.9]).ShouldBe(5);
    }
}
