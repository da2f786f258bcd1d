using Vernier.Distributions;
using Vernier.Randomness;
using Vernier.Samplers.CmaEs;

namespace Vernier.Tests.Samplers.CmaEs;

public class CmaEsEngineTests
{
    private static CmaEsSpace ContinuousSpace(int n) =>
        new([.. Enumerable.Range(0, n).Select(i => $"x{i}")], [.. Enumerable.Range(0, n).Select(_ => (ParameterDistribution)new FloatDistribution(0, 1))]);

    /// <summary>Runs the engine on f over the unit cube without restarts; returns the final state and the best value seen.</summary>
    private static (CmaEsState State, double Best) Run(CmaEsSpace space, Func<double[], double> f, int evaluations, ulong seed, bool withMargin = true)
    {
        int n = space.Dimension;
        double[] centre = [.. Enumerable.Repeat(0.5, n)];
        CmaEsState state = CmaEsEngine.Initial(space, centre, 1.0 / 6, null, CmaEsParameters.DefaultPopulationSize(n), 0, 0, 1.0 / 6);
        var random = new RandomStream(seed);
        double best = double.PositiveInfinity;
        for (int used = 0; used + state.PopulationSize <= evaluations;)
        {
            var candidates = new List<(double[] X, double Value)>();
            for (int k = 0; k < state.PopulationSize; k++)
            {
                double[] x = CmaEsEngine.Sample(state, random);
                double value = f(x);
                best = Math.Min(best, value);
                candidates.Add((x, value));
            }

            used += state.PopulationSize;
            candidates.Sort((a, b) => a.Value.CompareTo(b.Value));
            (state, string? stop) = CmaEsEngine.Tell(state, space, [.. candidates.Select(c => c.X)], [.. candidates.Select(c => c.Value)], withMargin);
            if (stop is not null)
            {
                break;
            }
        }

        return (state, best);
    }

    [Fact]
    public void Tell_OnASphere_ShrinksSigmaAndMovesTheMeanToTheOptimum()
    {
        double[] optimum = [0.3, 0.7, 0.55, 0.2];
        double Sphere(double[] x) => x.Select((v, i) => (v - optimum[i]) * (v - optimum[i])).Sum();

        (CmaEsState state, double best) = Run(ContinuousSpace(4), Sphere, 1200, seed: 11);

        state.Sigma.ShouldBeLessThan(1e-3);
        for (int i = 0; i < optimum.Length; i++)
        {
            state.Mean[i].ShouldBe(optimum[i], 1e-3);
        }

        best.ShouldBeLessThan(1e-8);
    }

    [Fact]
    public void Tell_OnRosenbrock2D_ReachesBelow1eMinus3WithinTheBudget()
    {
        // x in [−2, 2]², optimum (1, 1) at u = (0.75, 0.75).
        static double Rosenbrock(double[] u)
        {
            double x = -2 + 4 * u[0], y = -2 + 4 * u[1];
            return 100 * (y - x * x) * (y - x * x) + (1 - x) * (1 - x);
        }

        (_, double best) = Run(ContinuousSpace(2), Rosenbrock, 1500, seed: 3);

        best.ShouldBeLessThan(1e-3);
    }

    [Fact]
    public void Parameters_FollowTheTutorialDefaults()
    {
        var p = new CmaEsParameters(10, CmaEsParameters.DefaultPopulationSize(10));

        p.Lambda.ShouldBe(10);
        p.Mu.ShouldBe(5);
        p.Weights.Take(p.Mu).Sum().ShouldBe(1, 1e-12);
        p.Weights.Skip(p.Mu).ShouldAllBe(w => w <= 0);
        p.Weights.ShouldBe(p.Weights.OrderByDescending(w => w).ToArray());
        p.MuEff.ShouldBe(3.1672, 1e-3);
        p.CSigma.ShouldBe((p.MuEff + 2) / (10 + p.MuEff + 5), 1e-15);
        (p.C1 + p.CMu).ShouldBeLessThanOrEqualTo(1);
    }

    [Fact]
    public void Sample_StaysInsideTheCube()
    {
        CmaEsSpace space = ContinuousSpace(3);
        CmaEsState state = CmaEsEngine.Initial(space, [0.01, 0.99, 0.5], 0.9, null, 6, 0, 0, 1.0 / 6);
        var random = new RandomStream(5);
        for (int i = 0; i < 200; i++)
        {
            CmaEsEngine.Sample(state, random).ShouldAllBe(v => v >= 0 && v <= 1);
        }
    }

    [Fact]
    public void Tell_OnAFlatFunction_StopsWithTolFun()
    {
        CmaEsSpace space = ContinuousSpace(2);
        CmaEsState state = CmaEsEngine.Initial(space, [0.5, 0.5], 1.0 / 6, null, 6, 0, 0, 1.0 / 6);
        var random = new RandomStream(1);
        string? stop = null;
        for (int g = 0; g < 100 && stop is null; g++)
        {
            double[][] xs = [.. Enumerable.Range(0, 6).Select(_ => CmaEsEngine.Sample(state, random))];
            (state, stop) = CmaEsEngine.Tell(state, space, xs, [.. Enumerable.Repeat(1.0, 6)], withMargin: false);
        }

        stop.ShouldBe("tolfun");
    }

    [Fact]
    public void Restart_DoublesThePopulationAndResetsTheDistribution()
    {
        CmaEsSpace space = ContinuousSpace(2);
        CmaEsState converged = CmaEsEngine.Initial(space, [0.2, 0.2], 1e-9, null, 6, 40, 0, 1.0 / 6);

        CmaEsState restarted = CmaEsEngine.Restart(converged, space, 2, new RandomStream(9));

        restarted.PopulationSize.ShouldBe(12);
        restarted.Restart.ShouldBe(1);
        restarted.Generation.ShouldBe(41);
        restarted.Sigma.ShouldBe(1.0 / 6);
        restarted.Mean.ShouldAllBe(m => m >= 0 && m <= 1);
    }

    [Fact]
    public void NormalMath_MatchesKnownValues()
    {
        NormalMath.Erfc(1).ShouldBe(0.157299207050285, 1e-13);
        NormalMath.Erfc(2.5).ShouldBe(4.069520174449590e-04, 1e-15);
        NormalMath.Erfc(3).ShouldBe(2.209049699858544e-05, 1e-16);
        NormalMath.UpperTail(1.959963984540054).ShouldBe(0.025, 1e-12);
        NormalMath.InverseUpperTail(0.025).ShouldBe(1.959963984540054, 1e-9);
        NormalMath.InverseUpperTail(1e-6).ShouldBe(4.753424308822899, 1e-8);
        NormalMath.InverseUpperTail(0.9).ShouldBe(-1.2815515655446004, 1e-9);
    }

    [Fact]
    public void SymmetricEigen_ReconstructsTheMatrix()
    {
        double[,] m = { { 4, 1, 0.5 }, { 1, 3, 0.2 }, { 0.5, 0.2, 1 } };
        SymmetricEigen e = SymmetricEigen.Decompose(m);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double sum = 0;
                for (int k = 0; k < 3; k++)
                {
                    sum += e.Vectors[i, k] * e.Values[k] * e.Vectors[j, k];
                }

                sum.ShouldBe(m[i, j], 1e-12);
            }
        }
    }
}
