using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.CmaEs;

/// <summary>
/// A simple form of WS-CMA-ES (Nomura et al., 2021): the initial distribution is moment-matched to
/// a mixture of isotropic Gaussians N(x_i, α²I) centred on the best γ fraction of an earlier
/// study's trials, so mean = their average and Σ = their covariance + α²I (the α²I term is the
/// shrinkage that keeps Σ well conditioned); then σ0 = det(Σ)^(1/2n) and C0 = Σ/σ0².
/// </summary>
internal static class CmaEsWarmStart
{
    /// <summary>γ: the fraction of source trials that count as promising.</summary>
    public const double TopFraction = 0.1;

    /// <summary>α: the standard deviation of each mixture component, in unit coordinates.</summary>
    public const double Alpha = 0.1;

    /// <summary>The initial mean, step size and covariance; null when no source trial covers the space.</summary>
    public static (double[] Mean, double Sigma, double[,] Covariance)? Compute(
        CmaEsSpace space, IReadOnlyList<FrozenTrial> sourceTrials, StudyDirection direction)
    {
        int n = space.Dimension;
        var candidates = new List<(double Value, double[] X)>();
        foreach (FrozenTrial trial in sourceTrials)
        {
            if (trial.State != TrialState.Complete || trial.Values.Length != 1 || !double.IsFinite(trial.Values[0]))
            {
                continue;
            }

            var x = new double[n];
            bool covered = true;
            for (int j = 0; j < n && covered; j++)
            {
                if (trial.Parameters.TryGetValue(space.Names[j], out TrialParameter? parameter) && parameter.Distribution.GetType() == space.Distributions[j].GetType())
                {
                    x[j] = space.ToUnit(j, parameter.InternalValue);
                }
                else
                {
                    covered = false;
                }
            }

            if (covered)
            {
                double value = direction == StudyDirection.Maximize ? -trial.Values[0] : trial.Values[0];
                candidates.Add((value, x));
            }
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        candidates.Sort((a, b) => a.Value.CompareTo(b.Value));
        int top = Math.Max(1, (int)Math.Floor(TopFraction * candidates.Count));
        var mean = new double[n];
        for (int k = 0; k < top; k++)
        {
            for (int i = 0; i < n; i++)
            {
                mean[i] += candidates[k].X[i] / top;
            }
        }

        var sigmaMatrix = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double sum = 0;
                for (int k = 0; k < top; k++)
                {
                    sum += (candidates[k].X[i] - mean[i]) * (candidates[k].X[j] - mean[j]);
                }

                sigmaMatrix[i, j] = sigmaMatrix[j, i] = (sum / top) + (i == j ? Alpha * Alpha : 0);
            }
        }

        double logDeterminant = SymmetricEigen.Decompose(sigmaMatrix).Values.Sum(v => Math.Log(Math.Max(v, 1e-300)));
        double sigma = Math.Exp(logDeterminant / (2 * n));
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                sigmaMatrix[i, j] /= sigma * sigma;
            }
        }

        return (mean, sigma, sigmaMatrix);
    }
}
