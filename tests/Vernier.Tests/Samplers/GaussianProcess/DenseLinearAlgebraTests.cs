using Vernier.Randomness;
using Vernier.Samplers.GaussianProcess;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class DenseLinearAlgebraTests
{
    private static double[] RandomSpd(int n, ulong seed)
    {
        var random = new RandomStream(seed);
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = random.NextGaussian();
        }

        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++)
                {
                    s += b[(i * n) + k] * b[(j * n) + k];
                }

                a[(i * n) + j] = s;
            }
        }

        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void Cholesky_ReconstructsTheMatrix(int n)
    {
        double[] a = RandomSpd(n, (ulong)n);
        double[] l = (double[])a.Clone();
        DenseLinearAlgebra.CholeskyInPlace(l, n).ShouldBeTrue();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (j > i)
                {
                    l[(i * n) + j].ShouldBe(0);
                }

                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += l[(i * n) + k] * l[(j * n) + k];
                }

                s.ShouldBe(a[(i * n) + j], 1e-9 * n);
            }
        }
    }

    [Fact]
    public void Cholesky_NotPositiveDefinite_ReturnsFalse()
    {
        double[] a = [1, 2, 2, 1];
        DenseLinearAlgebra.CholeskyInPlace(a, 2).ShouldBeFalse();
    }

    [Fact]
    public void Solves_AndInverse_AgreeWithTheMatrix()
    {
        const int n = 20;
        double[] a = RandomSpd(n, 3);
        double[] l = (double[])a.Clone();
        DenseLinearAlgebra.CholeskyInPlace(l, n).ShouldBeTrue();
        double[] b = [.. Enumerable.Range(0, n).Select(i => Math.Sin(i))];
        double[] x = (double[])b.Clone();
        DenseLinearAlgebra.SolveLower(l, n, x);
        DenseLinearAlgebra.SolveLowerTransposed(l, n, x);
        double[] inverse = DenseLinearAlgebra.InverseFromCholesky(l, n);
        for (int i = 0; i < n; i++)
        {
            double ax = 0;
            double inverseB = 0;
            for (int j = 0; j < n; j++)
            {
                ax += a[(i * n) + j] * x[j];
                inverseB += inverse[(i * n) + j] * b[j];
                double identity = 0;
                for (int k = 0; k < n; k++)
                {
                    identity += inverse[(i * n) + k] * a[(k * n) + j];
                }

                identity.ShouldBe(i == j ? 1 : 0, 1e-9);
            }

            ax.ShouldBe(b[i], 1e-9);
            inverseB.ShouldBe(x[i], 1e-9);
        }
    }
}
