namespace Vernier.Samplers.CmaEs;

/// <summary>
/// The eigendecomposition C = B·diag(values)·Bᵀ of a small symmetric matrix by the cyclic Jacobi
/// method: exact to rounding, deterministic, and fast for the few dimensions CMA-ES meets in
/// hyperparameter search.
/// </summary>
internal sealed class SymmetricEigen
{
    private SymmetricEigen(double[] values, double[,] vectors)
    {
        Values = values;
        Vectors = vectors;
    }

    /// <summary>The eigenvalues.</summary>
    public double[] Values { get; }

    /// <summary>The eigenvectors, one per column, orthonormal.</summary>
    public double[,] Vectors { get; }

    public int Dimension => Values.Length;

    /// <summary>Decomposes a symmetric matrix (only its upper triangle is read, the lower one is assumed equal).</summary>
    public static SymmetricEigen Decompose(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = new double[n, n];
        var v = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            v[i, i] = 1;
            for (int j = i; j < n; j++)
            {
                a[i, j] = a[j, i] = matrix[i, j];
            }
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diagonal = 0;
            for (int p = 0; p < n; p++)
            {
                diagonal += a[p, p] * a[p, p];
                for (int q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off == 0 || off <= 1e-32 * diagonal)
            {
                break;
            }

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    Rotate(a, v, p, q);
                }
            }
        }

        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return new SymmetricEigen(values, v);
    }

    /// <summary>One Jacobi rotation that zeroes a[p, q].</summary>
    private static void Rotate(double[,] a, double[,] v, int p, int q)
    {
        double apq = a[p, q];
        if (apq == 0)
        {
            return;
        }

        int n = a.GetLength(0);
        double theta = (a[q, q] - a[p, p]) / (2 * apq);
        double t = Math.Abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1);
        double s = t * c;

        for (int k = 0; k < n; k++)
        {
            if (k == p || k == q)
            {
                continue;
            }

            double akp = a[k, p], akq = a[k, q];
            a[k, p] = a[p, k] = c * akp - s * akq;
            a[k, q] = a[q, k] = s * akp + c * akq;
        }

        a[p, p] -= t * apq;
        a[q, q] += t * apq;
        a[p, q] = a[q, p] = 0;

        for (int k = 0; k < n; k++)
        {
            double vkp = v[k, p], vkq = v[k, q];
            v[k, p] = c * vkp - s * vkq;
            v[k, q] = s * vkp + c * vkq;
        }
    }
}
