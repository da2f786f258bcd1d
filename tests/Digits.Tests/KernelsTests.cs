namespace Vernier.Examples.Digits.Tests;

/// <summary>
/// The kernels must give, element for element, exactly what plain scalar code gives: that is what
/// makes training bit-identical whatever SIMD width a machine has.
/// </summary>
public class KernelsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(256)]
    public void MultiplyAdd_EqualsScalarLoopExactly(int length)
    {
        var random = new SeededRandom((ulong)length);
        float[] x = Draw(random, length);
        float[] y = Draw(random, length);
        float a = Draw(random, 1)[0];
        float[] expected = [.. y.Select((value, k) => value + a * x[k])];

        Kernels.MultiplyAdd(a, x, y);

        y.ShouldBe(expected);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    public void AdamW_EqualsScalarLoopExactly(int length)
    {
        var random = new SeededRandom((ulong)length);
        float[] parameters = Draw(random, length);
        float[] gradients = Draw(random, length);
        float[] firstMoments = Draw(random, length);
        float[] secondMoments = [.. Draw(random, length).Select(MathF.Abs)];
        var step = new AdamStep(3e-3, 1e-2, Math.Pow(0.9f, 5), Math.Pow(0.999f, 5));
        float[] expectedParameters = new float[length], expectedFirst = new float[length], expectedSecond = new float[length];
        for (int k = 0; k < length; k++)
        {
            expectedFirst[k] = AdamStep.Beta1 * firstMoments[k] + (1 - AdamStep.Beta1) * gradients[k];
            expectedSecond[k] = AdamStep.Beta2 * secondMoments[k] + (1 - AdamStep.Beta2) * gradients[k] * gradients[k];
            expectedParameters[k] = step.WeightDecayFactor * parameters[k] - step.StepSize * expectedFirst[k] / (MathF.Sqrt(expectedSecond[k]) + step.Epsilon);
        }

        Kernels.AdamW(parameters, gradients, firstMoments, secondMoments, step, step.WeightDecayFactor);

        firstMoments.ShouldBe(expectedFirst);
        secondMoments.ShouldBe(expectedSecond);
        parameters.ShouldBe(expectedParameters);
    }

    [Fact]
    public void MatrixMultiply_ComputesRowsTimesMatrixPlusBias()
    {
        float[] input = [1, 0, 2, /* second row */ 0, 3, 0];
        float[] matrix = [1, 2, /* */ 3, 4, /* */ 5, 6];
        float[] output = new float[4];

        Kernels.MatrixMultiply(input, 2, 3, matrix, [10, 20], output, 2);

        output.ShouldBe([10 + 1 + 10, 20 + 2 + 12, 10 + 9, 20 + 12]);
    }

    [Fact]
    public void OuterProductSum_ComputesInputTransposedTimesGradient()
    {
        float[] input = [1, 2, /* second row */ 3, 4];
        float[] outputGradient = [1, 0, 1, /* */ 0, 1, 2];
        float[] gradient = new float[6];

        Kernels.OuterProductSum(input, 2, 2, outputGradient, gradient, 3);

        gradient.ShouldBe([1, 3, 1 + 6, /* */ 2, 4, 2 + 8]);
    }

    private static float[] Draw(SeededRandom random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
