namespace Vernier.Bench.Population;

/// <summary>
/// A toy where the best hyperparameter changes during training: noisy gradient descent on a quadratic,
/// followed through its expected squared error. With learning rate η, one step maps the error m to
/// (1 − η)²·m + η²·σ²: a large η shrinks the error fast while it is large, a small η lowers the noise
/// floor η·σ²/(2 − η) once it is small. A fixed η has to trade the two; a decaying schedule does not,
/// which is what population based training can find and a search over fixed values cannot.
/// </summary>
/// <remarks>
/// Deterministic (the noise is in expectation), so every difference between methods comes from their
/// decisions. With σ² = 0.01 and 200 steps from m = 1, the best fixed η (≈ 0.028) ends at 1.5e-4 and the
/// greedy schedule η_t = m_t / (m_t + σ²) at 5.0e-5.
/// </remarks>
internal static class LearningRateSchedule
{
    /// <summary>The parameter's name; its range is log-uniform [<see cref="LowRate"/>, <see cref="HighRate"/>].</summary>
    public const string Parameter = "lr";

    public const double LowRate = 1e-4;

    public const double HighRate = 1.0;

    /// <summary>The steps of one full training run.</summary>
    public const long TrainingSteps = 200;

    /// <summary>The gradient noise's variance σ².</summary>
    public const double NoiseVariance = 0.01;

    /// <summary>The error before training.</summary>
    public const double InitialError = 1.0;

    /// <summary>The expected squared error after one step at learning rate <paramref name="rate"/>.</summary>
    public static double Step(double error, double rate) => ((1 - rate) * (1 - rate) * error) + (rate * rate * NoiseVariance);

    /// <summary>The error after <paramref name="steps"/> steps at one fixed rate.</summary>
    public static double Train(double rate, long steps, double error = InitialError)
    {
        for (long i = 0; i < steps; i++)
        {
            error = Step(error, rate);
        }

        return error;
    }

    /// <summary>The best error any fixed rate reaches in a full run (a fine log grid; a reference line, not a method).</summary>
    public static (double Rate, double Error) BestFixedRate()
    {
        (double Rate, double Error) best = (double.NaN, double.PositiveInfinity);
        const int points = 4000;
        for (int i = 0; i <= points; i++)
        {
            double rate = LowRate * Math.Pow(HighRate / LowRate, (double)i / points);
            double error = Train(rate, TrainingSteps);
            if (error < best.Error)
            {
                best = (rate, error);
            }
        }

        return best;
    }

    /// <summary>The error of the greedy schedule η_t = m_t / (m_t + σ²), which minimizes each step's expected error: a lower bound for reference.</summary>
    public static double GreedyScheduleError()
    {
        double error = InitialError;
        for (long i = 0; i < TrainingSteps; i++)
        {
            error = Step(error, error / (error + NoiseVariance));
        }

        return error;
    }
}
