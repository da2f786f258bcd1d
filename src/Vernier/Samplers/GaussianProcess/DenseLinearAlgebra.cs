using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The few dense kernels the Gaussian process needs, on flat row-major <c>double[]</c> arrays:
/// a Cholesky factorization, triangular solves and the inverse from the factor. Written for
/// speed (contiguous rows, SIMD dot products) because they run for every trial.
/// </summary>
internal static class DenseLinearAlgebra
{
    /// <summary>
    /// Factors a symmetric positive-definite n×n matrix in place: on return its lower triangle is
    /// L with A = L Lᵀ (the strict upper triangle is zeroed). Returns false when A is not
    /// numerically positive definite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CholeskyInPlace(double[] a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> rowI = a.AsSpan(i * n, n);
            for (int j = 0; j < i; j++)
            {
                ReadOnlySpan<double> rowJ = a.AsSpan(j * n, j);
                double s = rowI[j] - Dot(rowI[..j], rowJ);
                rowI[j] = s / a[(j * n) + j];
            }

            double diagonal = rowI[i] - Dot(rowI[..i], rowI[..i]);
            if (!(diagonal > 0) || !double.IsFinite(diagonal))
            {
                return false;
            }

            rowI[i] = Math.Sqrt(diagonal);
            rowI[(i + 1)..].Clear();
        }

        return true;
    }

    /// <summary>Solves L v = b in place (forward substitution) with L lower triangular, row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLower(double[] l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            double s = b[i] - Dot(l.AsSpan(i * n, i), b[..i]);
            b[i] = s / l[(i * n) + i];
        }
    }

    /// <summary>Solves Lᵀ w = b in place (back substitution) with L lower triangular, row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SolveLowerTransposed(double[] l, int n, Span<double> b)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double wi = b[i] / l[(i * n) + i];
            b[i] = wi;
            if (wi != 0)
            {
                Axpy(-wi, l.AsSpan(i * n, i), b[..i]);
            }
        }
    }

    /// <summary>The inverse of A = L Lᵀ as a full symmetric n×n matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double[] InverseFromCholesky(double[] l, int n)
    {
        // Rows of M = L⁻¹ (lower triangular), then A⁻¹ = Mᵀ M; entry (i, j) = Σ_k M[k,i] M[k,j].
        // Stored transposed (column i of M as a row) so both sums run over contiguous memory.
        var mt = new double[n * n];
        var column = new double[n];
        for (int c = 0; c < n; c++)
        {
            Array.Clear(column);
            column[c] = 1;
            for (int i = c; i < n; i++)
            {
                double s = column[i] - Dot(l.AsSpan((i * n) + c, i - c), column.AsSpan(c, i - c));
                column[i] = s / l[(i * n) + i];
            }

            column.AsSpan(c, n - c).CopyTo(mt.AsSpan((c * n) + c, n - c));
        }

        var inverse = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                // Column i of M is nonzero from row i on; row index k ≥ max(i, j) = i.
                double s = Dot(mt.AsSpan((i * n) + i, n - i), mt.AsSpan((j * n) + i, n - i));
                inverse[(i * n) + j] = s;
                inverse[(j * n) + i] = s;
            }
        }

        return inverse;
    }

    /// <summary>
    /// The dot product of two spans of equal length. Sums in four fixed lanes (<see cref="Vector256{T}"/>,
    /// emulated where the hardware lacks it) and reduces them in a fixed order, so the result is
    /// the same on every machine whatever its vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int length = x.Length;
        int i = 0;
        Vector256<double> acc0 = Vector256<double>.Zero;
        Vector256<double> acc1 = Vector256<double>.Zero;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y[..length]);
        for (; i + 8 <= length; i += 8)
        {
            acc0 += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            acc1 += Vector256.LoadUnsafe(ref xr, (nuint)(i + 4)) * Vector256.LoadUnsafe(ref yr, (nuint)(i + 4));
        }

        if (i + 4 <= length)
        {
            acc0 += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256.LoadUnsafe(ref yr, (nuint)i);
            i += 4;
        }

        Vector256<double> acc = acc0 + acc1;
        double sum = (acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
        for (; i < length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>y += a x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int length = x.Length;
        int i = 0;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y[..length]);
        var va = Vector256.Create(a);
        for (; i + 4 <= length; i += 4)
        {
            (Vector256.LoadUnsafe(ref yr, (nuint)i) + (va * Vector256.LoadUnsafe(ref xr, (nuint)i))).StoreUnsafe(ref yr, (nuint)i);
        }

        for (; i < length; i++)
        {
            y[i] += a * x[i];
        }
    }
}
