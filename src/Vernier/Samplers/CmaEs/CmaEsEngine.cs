using Vernier.Distributions;
using Vernier.Randomness;

namespace Vernier.Samplers.CmaEs;

/// <summary>
/// The CMA-ES update engine on the unit cube: sampling from a state, the (μ/μ_w, λ) update of
/// mean, step size, evolution paths and covariance (Hansen's tutorial, 2016), the integer margin
/// (Hamano et al., 2022), the termination criteria that trigger restarts and the IPOP restart
/// itself (Auger and Hansen, 2005). Pure functions of their arguments.
/// </summary>
internal static class CmaEsEngine
{
    /// <summary>How many times a sample outside the cube is redrawn before it is clipped into it.</summary>
    public const int MaxResamples = 100;

    private const double TolFun = 1e-12;
    private const double TolXFactor = 1e-12;
    private const double TolXUpFactor = 1e4;
    private const double MaxCondition = 1e14;

    /// <summary>A state at the start of a run.</summary>
    public static CmaEsState Initial(
        CmaEsSpace space, double[] mean, double sigma, double[,]? covariance, int populationSize, int generation, int restart, double sigma0)
    {
        int n = space.Dimension;
        var c = covariance ?? Identity(n);
        return new CmaEsState
        {
            Space = space.Key,
            Generation = generation,
            Restart = restart,
            Iteration = 0,
            PopulationSize = populationSize,
            Sigma0 = sigma0,
            Sigma = sigma,
            Mean = [.. mean],
            Covariance = CmaEsState.ToRows(c),
            PathSigma = new double[n],
            PathC = new double[n],
            Margin = Filled(n, 1.0),
            BestValues = [],
        };
    }

    /// <summary>
    /// The state of an IPOP restart after <paramref name="previous"/>: a uniformly random mean,
    /// the initial step size, C = I, and a population <paramref name="incPopSize"/> times larger.
    /// </summary>
    public static CmaEsState Restart(CmaEsState previous, CmaEsSpace space, int incPopSize, RandomStream random)
    {
        var mean = new double[space.Dimension];
        for (int i = 0; i < mean.Length; i++)
        {
            mean[i] = random.NextDouble();
        }

        long populationSize = Math.Min((long)previous.PopulationSize * incPopSize, 1 << 20);
        return Initial(space, mean, previous.Sigma0, null, (int)populationSize, previous.Generation + 1, previous.Restart + 1, previous.Sigma0);
    }

    /// <summary>
    /// One candidate x = m + σ·A·B·D·z in the unit cube. A draw that leaves the cube is redrawn up
    /// to <see cref="MaxResamples"/> times; the last one is then clipped into it (repair).
    /// </summary>
    public static double[] Sample(CmaEsState state, RandomStream random)
    {
        int n = state.Dimension;
        SymmetricEigen eigen = SymmetricEigen.Decompose(state.CovarianceMatrix());
        var scale = new double[n];
        for (int i = 0; i < n; i++)
        {
            scale[i] = Math.Sqrt(Math.Max(eigen.Values[i], 0));
        }

        var x = new double[n];
        var z = new double[n];
        for (int attempt = 0; attempt <= MaxResamples; attempt++)
        {
            for (int i = 0; i < n; i++)
            {
                z[i] = random.NextGaussian() * scale[i];
            }

            bool inside = true;
            for (int i = 0; i < n; i++)
            {
                double y = 0;
                for (int k = 0; k < n; k++)
                {
                    y += eigen.Vectors[i, k] * z[k];
                }

                x[i] = state.Mean[i] + (state.Sigma * state.Margin[i] * y);
                inside &= x[i] is >= 0 and <= 1;
            }

            if (inside)
            {
                return x;
            }
        }

        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Clamp(x[i], 0, 1);
        }

        return x;
    }

    /// <summary>
    /// The next generation's state from λ evaluated candidates, best first, and why the run should
    /// stop (null to go on): the tutorial's update, then the margin on discrete dimensions.
    /// </summary>
    /// <param name="state">The state the candidates were sampled from.</param>
    /// <param name="space">The space (which dimensions are discrete).</param>
    /// <param name="ranked">The candidates in the unit cube, best first; exactly λ.</param>
    /// <param name="rankedValues">Their objective values (minimized), best first.</param>
    /// <param name="withMargin">Whether to apply the margin.</param>
    public static (CmaEsState Next, string? StopReason) Tell(
        CmaEsState state, CmaEsSpace space, IReadOnlyList<double[]> ranked, IReadOnlyList<double> rankedValues, bool withMargin)
    {
        int n = state.Dimension, lambda = state.PopulationSize;
        if (ranked.Count != lambda || rankedValues.Count != lambda)
        {
            throw new ArgumentException($"CMA-ES needs exactly λ = {lambda} candidates, got {ranked.Count}.");
        }

        var p = new CmaEsParameters(n, lambda);
        double sigma = state.Sigma;
        double[] mean = state.Mean;
        double[] margin = state.Margin;
        double[,] c = state.CovarianceMatrix();
        SymmetricEigen eigen = SymmetricEigen.Decompose(c);
        double[] inverseScale = InverseScales(eigen);

        // y_i = A⁻¹ (x_i − m) / σ: the steps in the coordinates C describes.
        var y = new double[lambda][];
        for (int k = 0; k < lambda; k++)
        {
            y[k] = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[k][i] = (ranked[k][i] - mean[i]) / (sigma * margin[i]);
            }
        }

        var yw = new double[n];
        for (int k = 0; k < p.Mu; k++)
        {
            for (int i = 0; i < n; i++)
            {
                yw[i] += p.Weights[k] * y[k][i];
            }
        }

        // Mean (c_m = 1).
        var newMean = new double[n];
        for (int i = 0; i < n; i++)
        {
            newMean[i] = Math.Clamp(mean[i] + (sigma * margin[i] * yw[i]), 0, 1);
        }

        // Step-size control: the conjugate evolution path and cumulative step-size adaptation.
        double[] whitenedYw = InverseSqrtTimes(eigen, inverseScale, yw);
        var pathSigma = new double[n];
        double pathSigmaFactor = Math.Sqrt(p.CSigma * (2 - p.CSigma) * p.MuEff);
        double pathSigmaNorm = 0;
        for (int i = 0; i < n; i++)
        {
            pathSigma[i] = ((1 - p.CSigma) * state.PathSigma[i]) + (pathSigmaFactor * whitenedYw[i]);
            pathSigmaNorm += pathSigma[i] * pathSigma[i];
        }

        pathSigmaNorm = Math.Sqrt(pathSigmaNorm);
        double newSigma = sigma * Math.Exp(Math.Min(1, p.CSigma / p.DSigma * ((pathSigmaNorm / p.ChiN) - 1)));

        // Covariance: the stalled-path indicator h_σ, the evolution path, rank-one and rank-μ updates.
        double correction = Math.Sqrt(1 - Math.Pow(1 - p.CSigma, 2 * (state.Iteration + 1)));
        bool hSigma = pathSigmaNorm / correction < (1.4 + (2.0 / (n + 1))) * p.ChiN;
        var pathC = new double[n];
        double pathCFactor = hSigma ? Math.Sqrt(p.Cc * (2 - p.Cc) * p.MuEff) : 0;
        for (int i = 0; i < n; i++)
        {
            pathC[i] = ((1 - p.Cc) * state.PathC[i]) + (pathCFactor * yw[i]);
        }

        double weightSum = 0;
        var adjustedWeights = new double[lambda];
        for (int k = 0; k < lambda; k++)
        {
            weightSum += p.Weights[k];
            if (p.Weights[k] >= 0)
            {
                adjustedWeights[k] = p.Weights[k];
            }
            else
            {
                double[] whitened = InverseSqrtTimes(eigen, inverseScale, y[k]);
                double squaredNorm = Dot(whitened, whitened);
                adjustedWeights[k] = squaredNorm > 1e-300 ? p.Weights[k] * n / squaredNorm : 0;
            }
        }

        double delta = hSigma ? 0 : p.Cc * (2 - p.Cc);
        double keep = 1 + (p.C1 * delta) - p.C1 - (p.CMu * weightSum);
        var newC = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = i; j < n; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < lambda; k++)
                {
                    rankMu += adjustedWeights[k] * y[k][i] * y[k][j];
                }

                double value = (keep * c[i, j]) + (p.C1 * pathC[i] * pathC[j]) + (p.CMu * rankMu);
                newC[i, j] = newC[j, i] = value;
            }
        }

        double[] newMargin = [.. margin];
        if (withMargin && space.HasDiscrete)
        {
            ApplyMargin(space, newMean, newSigma, newC, newMargin, 1.0 / (n * lambda));
        }

        int historyLength = 10 + (int)Math.Ceiling(30.0 * n / lambda);
        double[] bestValues = [.. state.BestValues.Skip(Math.Max(0, state.BestValues.Length + 1 - historyLength)), rankedValues[0]];

        var next = state with
        {
            Generation = state.Generation + 1,
            Iteration = state.Iteration + 1,
            Sigma = newSigma,
            Mean = newMean,
            Covariance = CmaEsState.ToRows(newC),
            PathSigma = pathSigma,
            PathC = pathC,
            Margin = newMargin,
            BestValues = bestValues,
        };

        return (next, StopReason(next, rankedValues, historyLength));
    }

    /// <summary>
    /// The margin of CMA-ES with Margin: for each discrete dimension, the probability that a sample
    /// falls in another cell than the mean's is kept at least α. In an edge cell (the first or
    /// last value, one neighbour) the mean is moved towards the cell's inner border until the
    /// marginal probability of crossing it is α. In an inner cell each side gets at least α/2: the
    /// mean and the dimension's scale A are solved from the two tail probabilities.
    /// </summary>
    internal static void ApplyMargin(CmaEsSpace space, double[] mean, double sigma, double[,] c, double[] margin, double alpha)
    {
        for (int j = 0; j < space.Dimension; j++)
        {
            if (!space.Discrete[j])
            {
                continue;
            }

            double baseScale = sigma * Math.Sqrt(Math.Max(c[j, j], 1e-300));
            double s = baseScale * margin[j];
            var (lo, hi) = space.Cell(j, mean[j]);
            if (lo <= 0 && hi >= 1)
            {
                continue; // a single cell: nothing to reach
            }

            if (lo <= 0 || hi >= 1)
            {
                double border = lo <= 0 ? hi : lo;
                double distance = Math.Abs(border - mean[j]);
                if (NormalMath.UpperTail(distance / s) < alpha)
                {
                    double side = mean[j] < border ? -1 : 1;
                    mean[j] = border + (side * NormalMath.InverseUpperTail(alpha) * s);
                }

                continue;
            }

            double pLow = NormalMath.UpperTail((mean[j] - lo) / s);
            double pHigh = NormalMath.UpperTail((hi - mean[j]) / s);
            if (pLow >= alpha / 2 && pHigh >= alpha / 2)
            {
                continue;
            }

            double qLow = NormalMath.InverseUpperTail(Math.Clamp(Math.Max(pLow, alpha / 2), 1e-12, 0.5 - 1e-12));
            double qHigh = NormalMath.InverseUpperTail(Math.Clamp(Math.Max(pHigh, alpha / 2), 1e-12, 0.5 - 1e-12));
            double newScale = (hi - lo) / (qLow + qHigh);
            mean[j] = lo + (qLow * newScale);
            margin[j] = newScale / baseScale;
        }
    }

    /// <summary>Hansen's termination criteria (TolX, TolXUp, TolFun, ConditionCov, NoEffectAxis, NoEffectCoord); null when none holds.</summary>
    private static string? StopReason(CmaEsState next, IReadOnlyList<double> generationValues, int historyLength)
    {
        int n = next.Dimension;
        double sigma = next.Sigma;
        double[,] c = next.CovarianceMatrix();
        SymmetricEigen eigen = SymmetricEigen.Decompose(c);
        double maxEigen = eigen.Values.Max(), minEigen = eigen.Values.Min();

        if (!double.IsFinite(sigma) || !double.IsFinite(maxEigen) || minEigen <= 0 || maxEigen / minEigen > MaxCondition)
        {
            return "condition number of C";
        }

        double tolX = TolXFactor * next.Sigma0;
        bool allSmall = true;
        for (int i = 0; i < n; i++)
        {
            allSmall &= sigma * Math.Abs(next.PathC[i]) < tolX && sigma * Math.Sqrt(c[i, i]) < tolX;
        }

        if (allSmall)
        {
            return "tolx";
        }

        if (sigma * Math.Sqrt(maxEigen) > TolXUpFactor * next.Sigma0)
        {
            return "tolxup";
        }

        if (next.BestValues.Length >= historyLength)
        {
            double low = double.PositiveInfinity, high = double.NegativeInfinity;
            foreach (double v in next.BestValues.Concat(generationValues))
            {
                low = Math.Min(low, v);
                high = Math.Max(high, v);
            }

            if (high - low < TolFun)
            {
                return "tolfun";
            }
        }

        int axis = next.Iteration % n;
        bool noEffectAxis = true;
        for (int i = 0; i < n; i++)
        {
            double shifted = next.Mean[i] + (0.1 * sigma * next.Margin[i] * Math.Sqrt(Math.Max(eigen.Values[axis], 0)) * eigen.Vectors[i, axis]);
            noEffectAxis &= shifted == next.Mean[i];
        }

        if (noEffectAxis)
        {
            return "no effect axis";
        }

        for (int i = 0; i < n; i++)
        {
            if (next.Mean[i] + (0.2 * sigma * next.Margin[i] * Math.Sqrt(c[i, i])) == next.Mean[i])
            {
                return "no effect coordinate";
            }
        }

        return null;
    }

    /// <summary>1/√λ_i for each eigenvalue, guarding against tiny or negative ones.</summary>
    private static double[] InverseScales(SymmetricEigen eigen)
    {
        double floor = Math.Max(eigen.Values.Max(), 1e-300) * 1e-20;
        return [.. eigen.Values.Select(v => 1 / Math.Sqrt(Math.Max(v, floor)))];
    }

    /// <summary>C^(−1/2)·v = B·D⁻¹·Bᵀ·v.</summary>
    private static double[] InverseSqrtTimes(SymmetricEigen eigen, double[] inverseScale, double[] v)
    {
        int n = v.Length;
        var rotated = new double[n];
        for (int k = 0; k < n; k++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += eigen.Vectors[i, k] * v[i];
            }

            rotated[k] = sum * inverseScale[k];
        }

        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += eigen.Vectors[i, k] * rotated[k];
            }

            result[i] = sum;
        }

        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double[,] Identity(int n)
    {
        var identity = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            identity[i, i] = 1;
        }

        return identity;
    }

    private static double[] Filled(int n, double value)
    {
        var array = new double[n];
        Array.Fill(array, value);
        return array;
    }
}
