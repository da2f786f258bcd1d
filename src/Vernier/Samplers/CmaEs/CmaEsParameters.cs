namespace Vernier.Samplers.CmaEs;

/// <summary>
/// The strategy parameters of (μ/μ_w, λ)-CMA-ES with active (negative) weights, as in Table 1 of
/// Hansen's "The CMA Evolution Strategy: A Tutorial" (2016): they depend only on n and λ.
/// </summary>
internal sealed class CmaEsParameters
{
    public CmaEsParameters(int dimension, int populationSize)
    {
        int n = dimension, lambda = populationSize;
        N = n;
        Lambda = lambda;
        Mu = lambda / 2;

        var raw = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            raw[i] = Math.Log((lambda + 1) / 2.0) - Math.Log(i + 1);
        }

        double sumPositive = 0, sumPositiveSquares = 0, sumNegative = 0, sumNegativeSquares = 0;
        foreach (double w in raw)
        {
            if (w > 0)
            {
                sumPositive += w;
                sumPositiveSquares += w * w;
            }
            else
            {
                sumNegative += w;
                sumNegativeSquares += w * w;
            }
        }

        MuEff = sumPositive * sumPositive / sumPositiveSquares;
        double muEffMinus = sumNegativeSquares > 0 ? sumNegative * sumNegative / sumNegativeSquares : 0;

        const double alphaCov = 2;
        C1 = alphaCov / (((n + 1.3) * (n + 1.3)) + MuEff);
        CMu = Math.Min(1 - C1, alphaCov * (MuEff - 2 + (1 / MuEff)) / (((n + 2) * (n + 2)) + (alphaCov * MuEff / 2)));

        double alphaMuMinus = 1 + (C1 / CMu);
        double alphaMuEffMinus = 1 + (2 * muEffMinus / (MuEff + 2));
        double alphaPosDefMinus = (1 - C1 - CMu) / (n * CMu);
        double negativeScale = Math.Min(alphaMuMinus, Math.Min(alphaMuEffMinus, alphaPosDefMinus));

        Weights = new double[lambda];
        for (int i = 0; i < lambda; i++)
        {
            Weights[i] = raw[i] >= 0 ? raw[i] / sumPositive : negativeScale * raw[i] / -sumNegative;
        }

        CSigma = (MuEff + 2) / (n + MuEff + 5);
        DSigma = 1 + (2 * Math.Max(0, Math.Sqrt((MuEff - 1) / (n + 1)) - 1)) + CSigma;
        Cc = (4 + (MuEff / n)) / (n + 4 + (2 * MuEff / n));
        ChiN = Math.Sqrt(n) * (1 - (1 / (4.0 * n)) + (1 / (21.0 * n * n)));
    }

    public int N { get; }

    public int Lambda { get; }

    /// <summary>The number of positive weights, ⌊λ/2⌋.</summary>
    public int Mu { get; }

    /// <summary>w_1 ≥ … ≥ w_λ: the first μ sum to 1, the rest are negative.</summary>
    public double[] Weights { get; }

    public double MuEff { get; }

    public double C1 { get; }

    public double CMu { get; }

    public double CSigma { get; }

    public double DSigma { get; }

    public double Cc { get; }

    /// <summary>E‖N(0, I)‖.</summary>
    public double ChiN { get; }

    /// <summary>Hansen's default population size, 4 + ⌊3 ln n⌋.</summary>
    public static int DefaultPopulationSize(int dimension) => 4 + (int)Math.Floor(3 * Math.Log(dimension));
}
