using System.Numerics;
using System.Runtime.InteropServices;

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
    public static void SolveLower(double[] l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            double s = b[i] - Dot(l.AsSpan(i * n, i), b[..i]);
            b[i] = s / l[(i * n) + i];
        }
    }

    /// <summary>Solves Lᵀ w = b in place (back substitution) with L lower triangular, row-major.</summary>
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

    /// <summary>The dot product of two spans of equal length.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int length = x.Length;
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count * 2)
        {
            ReadOnlySpan<Vector<double>> vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            ReadOnlySpan<Vector<double>> vy = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            Vector<double> acc0 = Vector<double>.Zero;
            Vector<double> acc1 = Vector<double>.Zero;
            int k = 0;
            for (; k + 1 < vx.Length; k += 2)
            {
                acc0 += vx[k] * vy[k];
                acc1 += vx[k + 1] * vy[k + 1];
            }

            if (k < vx.Length)
            {
                acc0 += vx[k] * vy[k];
            }

            sum = Vector.Sum(acc0 + acc1);
            i = vx.Length * Vector<double>.Count;
        }

        for (; i < length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>y += a x.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int length = x.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            ReadOnlySpan<Vector<double>> vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            Span<Vector<double>> vy = MemoryMarshal.Cast<double, Vector<double>>(y[..x.Length]);
            var va = new Vector<double>(a);
            for (int k = 0; k < vx.Length; k++)
            {
                vy[k] += va * vx[k];
            }

            i = vx.Length * Vector<double>.Count;
        }

        for (; i < length; i++)
        {
            y[i] += a * x[i];
        }
    }
}
