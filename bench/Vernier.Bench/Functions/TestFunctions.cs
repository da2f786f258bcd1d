namespace Vernier.Bench.Functions;

/// <summary>
/// The benchmark functions of <c>bench/functions.json</c>, each written in exactly the evaluation order of the
/// file's <c>code</c> lines so that the results match its test vectors bit for bit.
/// </summary>
internal static class TestFunctions
{
    // branin: B=5.1/(4.0*PI*PI), C=5.0/PI, T=1.0/(8.0*PI), K=10.0*(1.0-T), left to right in double.
    private static readonly double BraninB = 5.1 / (4.0 * Math.PI * Math.PI);
    private static readonly double BraninC = 5.0 / Math.PI;
    private static readonly double BraninT = 1.0 / (8.0 * Math.PI);
    private static readonly double BraninK = 10.0 * (1.0 - BraninT);

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10.0, 3.0, 17.0, 3.5, 1.7, 8.0 },
        { 0.05, 10.0, 17.0, 0.1, 8.0, 14.0 },
        { 3.0, 3.5, 1.7, 10.0, 17.0, 8.0 },
        { 17.0, 8.0, 0.05, 10.0, 0.1, 14.0 },
    };

    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    private const double TwoPi = 2.0 * Math.PI;

    /// <summary>The hpo_surrogate penalty per activation, in the order of its choices: relu, gelu, tanh.</summary>
    internal static readonly IReadOnlyDictionary<string, double> ActivationPenalty =
        new Dictionary<string, double>(StringComparer.Ordinal) { ["relu"] = 0.3, ["gelu"] = 0.0, ["tanh"] = 0.6 };

    /// <summary>The hpo_surrogate penalty per batch size.</summary>
    internal static readonly IReadOnlyDictionary<long, double> BatchSizePenalty =
        new Dictionary<long, double> { [16] = 0.2, [32] = 0.0, [64] = 0.1, [128] = 0.35 };

    public static double Branin(double x0, double x1)
    {
        double u = ((x1 - (BraninB * x0) * x0) + BraninC * x0) - 6.0;
        return (u * u + BraninK * Math.Cos(x0)) + 10.0;
    }

    public static double Hartmann6(ReadOnlySpan<double> x)
    {
        if (x.Length != 6)
        {
            throw new ArgumentException($"hartmann6 takes 6 coordinates, not {x.Length}.", nameof(x));
        }

        double outer = 0.0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0.0;
            for (int j = 0; j < 6; j++)
            {
                double d = x[j] - HartmannP[i, j];
                inner = inner + HartmannA[i, j] * (d * d);
            }

            outer = outer + HartmannAlpha[i] * Math.Exp(-inner);
        }

        return -outer;
    }

    public static double Rosenbrock(ReadOnlySpan<double> x)
    {
        double total = 0.0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double t1 = x[i + 1] - x[i] * x[i];
            double t2 = 1.0 - x[i];
            total = total + ((100.0 * t1) * t1 + t2 * t2);
        }

        return total;
    }

    public static double Ackley(ReadOnlySpan<double> x)
    {
        double s1 = 0.0;
        double s2 = 0.0;
        foreach (double v in x)
        {
            s1 = s1 + v * v;
            s2 = s2 + Math.Cos(TwoPi * v);
        }

        double d = x.Length;
        return ((-20.0 * Math.Exp(-0.2 * Math.Sqrt(s1 / d)) - Math.Exp(s2 / d)) + 20.0) + Math.E;
    }

    public static double StyblinskiTang(ReadOnlySpan<double> x)
    {
        double total = 0.0;
        foreach (double v in x)
        {
            double v2 = v * v;
            total = total + ((v2 * v2 - 16.0 * v2) + 5.0 * v);
        }

        return 0.5 * total;
    }

    public static double HpoSurrogate(double lr, long layers, string activation, double dropout, long batchSize)
    {
        double d = Math.Log10(lr) + 2.5;
        double l = (double)(layers - 4);
        double q = dropout - 0.2;
        return (((d * d + 0.15 * (l * l)) + ActivationPenalty[activation]) + 2.0 * (q * q)) + BatchSizePenalty[batchSize];
    }

    /// <summary>The pruning curve's scale <c>c</c> and time constant <c>tau</c>.</summary>
    public static (double C, double Tau) PruningCurveShape(double lr, long layers, double dropout)
    {
        double c = (1.0 + 0.1 * (double)layers) + 2.0 * dropout;
        double tau = Math.Pow(10.0, 1.0 - (Math.Log10(lr) + 2.5) / 2.5);
        return (c, tau);
    }

    /// <summary>The pruning curve's value reported at <paramref name="step"/> (0..49): the loss after epoch step + 1.</summary>
    public static double PruningCurve(double final, double c, double tau, int step) => final + c * Math.Exp(-(double)(step + 1) / tau);
}
