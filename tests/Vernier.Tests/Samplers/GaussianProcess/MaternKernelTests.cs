using Vernier.Samplers.GaussianProcess;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class MaternKernelTests
{
    [Fact]
    public void Shape_IsOneAtZeroAndDecreasing()
    {
        MaternKernel.Shape(0).ShouldBe(1);
        double previous = 1;
        for (double s = 0.01; s < 50; s *= 1.5)
        {
            double value = MaternKernel.Shape(s);
            value.ShouldBeLessThan(previous);
            value.ShouldBeGreaterThan(0);
            previous = value;
        }
    }

    [Theory]
    [InlineData(1e-4)]
    [InlineData(0.3)]
    [InlineData(2.0)]
    [InlineData(9.0)]
    public void ShapeDerivative_MatchesFiniteDifferences(double s)
    {
        const double h = 1e-6;
        double numeric = (MaternKernel.Shape(s + h) - MaternKernel.Shape(s - h)) / (2 * h);
        MaternKernel.ShapeDerivative(s).ShouldBe(numeric, 1e-6);
    }

    [Fact]
    public void Covariance_UsesLengthScalesPerInputAndHammingForCategoricals()
    {
        var kernel = new MaternKernel([4.0, 1.0], 2.0, 0.0, [false, true]);
        double[] a = [0.2, 1];
        double[] b = [0.7, 1];
        double[] c = [0.2, 0];
        kernel.SquaredDistance(a, b).ShouldBe(4.0 * 0.25, 1e-12);
        kernel.SquaredDistance(a, c).ShouldBe(1.0, 1e-12);
        kernel.Covariance(a, a).ShouldBe(2.0, 1e-12);
        kernel.Covariance(a, c).ShouldBe(2.0 * MaternKernel.Shape(1.0), 1e-12);
    }
}
