using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vernier.Examples.Digits;

/// <summary>
/// The loops that take the time, vectorised with <see cref="Vector{T}"/>.
/// </summary>
/// <remarks>
/// Every kernel is element-wise: SIMD lanes hold different outputs, never partial sums of one
/// output, and each output accumulates its terms in a fixed order with a separate multiply and
/// add (the JIT does not fuse them). So the results are bit-identical whatever the vector width
/// (SSE, AVX2, AVX-512, Arm) and whether the scalar tail or the vector body computes an element.
/// </remarks>
internal static class Kernels
{
    /// <summary><c>y[k] += a · x[k]</c> for every k of <paramref name="y"/>.</summary>
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        x = x[..y.Length];
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        nuint length = (nuint)y.Length;
        nuint k = 0;
        if (Vector.IsHardwareAccelerated && length >= (nuint)Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            nuint width = (nuint)Vector<float>.Count;
            for (; k <= length - width; k += width)
            {
                (Vector.LoadUnsafe(ref yRef, k) + va * Vector.LoadUnsafe(ref xRef, k)).StoreUnsafe(ref yRef, k);
            }
        }

        for (; k < length; k++)
        {
            Unsafe.Add(ref yRef, k) += a * Unsafe.Add(ref xRef, k);
        }
    }

    /// <summary>
    /// <c>output[r, :] = start + Σ_i input[r, i] · matrix[i, :]</c> for each row r, terms added in
    /// ascending i; <c>start</c> is <paramref name="bias"/>, or zero when it is empty. Zero inputs
    /// are skipped, which saves much of the work after ReLU and on the blank borders of the digits.
    /// </summary>
    /// <param name="input">rows × inner, row-major.</param>
    /// <param name="rows">The number of rows to compute.</param>
    /// <param name="inner">The length of an input row, the number of matrix rows.</param>
    /// <param name="matrix">inner × outer, row-major.</param>
    /// <param name="bias">outer values, or empty.</param>
    /// <param name="output">rows × outer, row-major.</param>
    /// <param name="outer">The length of an output row.</param>
    public static void MatrixMultiply(
        ReadOnlySpan<float> input, int rows, int inner, ReadOnlySpan<float> matrix, ReadOnlySpan<float> bias, Span<float> output, int outer)
    {
        for (int r = 0; r < rows; r++)
        {
            Span<float> outputRow = output.Slice(r * outer, outer);
            if (bias.IsEmpty)
            {
                outputRow.Clear();
            }
            else
            {
                bias.CopyTo(outputRow);
            }

            ReadOnlySpan<float> inputRow = input.Slice(r * inner, inner);
            for (int i = 0; i < inner; i++)
            {
                float a = inputRow[i];
                if (a != 0)
                {
                    MultiplyAdd(a, matrix.Slice(i * outer, outer), outputRow);
                }
            }
        }
    }

    /// <summary>
    /// <c>gradient[i, :] = Σ_r input[r, i] · outputGradient[r, :]</c>, terms added in ascending r:
    /// the weight gradient of a dense layer, overwriting <paramref name="gradient"/>.
    /// </summary>
    public static void OuterProductSum(
        ReadOnlySpan<float> input, int rows, int inner, ReadOnlySpan<float> outputGradient, Span<float> gradient, int outer)
    {
        gradient[..(inner * outer)].Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> inputRow = input.Slice(r * inner, inner);
            ReadOnlySpan<float> gradientRow = outputGradient.Slice(r * outer, outer);
            for (int i = 0; i < inner; i++)
            {
                float a = inputRow[i];
                if (a != 0)
                {
                    MultiplyAdd(a, gradientRow, gradient.Slice(i * outer, outer));
                }
            }
        }
    }

    /// <summary>One AdamW step for one parameter tensor.</summary>
    /// <param name="parameters">The values to update.</param>
    /// <param name="gradients">Their gradients.</param>
    /// <param name="firstMoments">Adam's running mean of the gradients.</param>
    /// <param name="secondMoments">Adam's running mean of the squared gradients.</param>
    /// <param name="step">The step's constants.</param>
    /// <param name="decay">The factor every parameter is multiplied by first: <c>1 − lr·λ</c> for weights, 1 for biases.</param>
    public static void AdamW(
        Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> firstMoments, Span<float> secondMoments, in AdamStep step, float decay)
    {
        int length = parameters.Length;
        gradients = gradients[..length];
        firstMoments = firstMoments[..length];
        secondMoments = secondMoments[..length];
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradients);
        ref float m = ref MemoryMarshal.GetReference(firstMoments);
        ref float v = ref MemoryMarshal.GetReference(secondMoments);
        nuint k = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            var beta1 = new Vector<float>(AdamStep.Beta1);
            var oneMinusBeta1 = new Vector<float>(1 - AdamStep.Beta1);
            var beta2 = new Vector<float>(AdamStep.Beta2);
            var oneMinusBeta2 = new Vector<float>(1 - AdamStep.Beta2);
            var stepSize = new Vector<float>(step.StepSize);
            var epsilon = new Vector<float>(step.Epsilon);
            var decayVector = new Vector<float>(decay);
            nuint width = (nuint)Vector<float>.Count;
            for (; k <= (nuint)length - width; k += width)
            {
                Vector<float> gk = Vector.LoadUnsafe(ref g, k);
                Vector<float> mk = beta1 * Vector.LoadUnsafe(ref m, k) + oneMinusBeta1 * gk;
                Vector<float> vk = beta2 * Vector.LoadUnsafe(ref v, k) + oneMinusBeta2 * gk * gk;
                Vector<float> pk = decayVector * Vector.LoadUnsafe(ref p, k) - stepSize * mk / (Vector.SquareRoot(vk) + epsilon);
                mk.StoreUnsafe(ref m, k);
                vk.StoreUnsafe(ref v, k);
                pk.StoreUnsafe(ref p, k);
            }
        }

        for (; k < (nuint)length; k++)
        {
            float gk = Unsafe.Add(ref g, k);
            float mk = AdamStep.Beta1 * Unsafe.Add(ref m, k) + (1 - AdamStep.Beta1) * gk;
            float vk = AdamStep.Beta2 * Unsafe.Add(ref v, k) + (1 - AdamStep.Beta2) * gk * gk;
            Unsafe.Add(ref m, k) = mk;
            Unsafe.Add(ref v, k) = vk;
            Unsafe.Add(ref p, k) = decay * Unsafe.Add(ref p, k) - step.StepSize * mk / (MathF.Sqrt(vk) + step.Epsilon);
        }
    }

    /// <summary>Writes <c>destination[j, i] = source[i, j]</c>.</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> sourceRow = source.Slice(i * columns, columns);
            for (int j = 0; j < columns; j++)
            {
                destination[j * rows + i] = sourceRow[j];
            }
        }
    }
}
