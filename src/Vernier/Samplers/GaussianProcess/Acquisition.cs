namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The acquisition function the sampler maximizes: log expected improvement over the best
/// feasible value, plus the log probability that every outcome constraint is satisfied
/// (each constraint modelled by its own GP, as in Gardner et al. 2014's constrained EI). With
/// no feasible trial yet, only the log probability of feasibility is maximized.
/// </summary>
internal sealed class Acquisition
{
    private readonly GaussianProcessRegressor? _objective;
    private readonly double _incumbent;
    private readonly GaussianProcessRegressor[] _constraints;
    private readonly double[] _thresholds;

    /// <param name="objective">The objective's GP (standardized, minimized), or null to ignore improvement.</param>
    /// <param name="incumbent">The best feasible standardized value.</param>
    /// <param name="constraints">One GP per constraint (standardized constraint values).</param>
    /// <param name="thresholds">The standardized value of 0 for each constraint: feasible below it.</param>
    public Acquisition(GaussianProcessRegressor? objective, double incumbent, GaussianProcessRegressor[] constraints, double[] thresholds)
    {
        _objective = objective;
        _incumbent = incumbent;
        _constraints = constraints;
        _thresholds = thresholds;
        ScratchLength = 2 * Math.Max(objective?.Count ?? 0, constraints.Length == 0 ? 0 : constraints.Max(c => c.Count));
    }

    /// <summary>How many doubles of workspace the evaluation methods need.</summary>
    public int ScratchLength { get; }

    /// <summary>The acquisition value at a point.</summary>
    public double Value(ReadOnlySpan<double> point, Span<double> scratch)
    {
        double value = 0;
        if (_objective is not null)
        {
            (double mean, double variance) = _objective.Predict(point, scratch);
            value += LogExpectedImprovement.Value(mean, Math.Sqrt(variance), _incumbent);
        }

        for (int c = 0; c < _constraints.Length; c++)
        {
            (double mean, double variance) = _constraints[c].Predict(point, scratch);
            value += LogExpectedImprovement.LogCdf((_thresholds[c] - mean) / Math.Sqrt(variance));
        }

        return value;
    }

    /// <summary>The acquisition values at many points (row-major), computed in batches.</summary>
    public void ValueBatch(ReadOnlySpan<double> points, Span<double> values)
    {
        int count = values.Length;
        var means = new double[count];
        var variances = new double[count];
        values.Clear();
        if (_objective is not null)
        {
            _objective.PredictBatch(points, means, variances);
            for (int i = 0; i < count; i++)
            {
                values[i] += LogExpectedImprovement.Value(means[i], Math.Sqrt(variances[i]), _incumbent);
            }
        }

        for (int c = 0; c < _constraints.Length; c++)
        {
            _constraints[c].PredictBatch(points, means, variances);
            for (int i = 0; i < count; i++)
            {
                values[i] += LogExpectedImprovement.LogCdf((_thresholds[c] - means[i]) / Math.Sqrt(variances[i]));
            }
        }
    }

    /// <summary>The acquisition value at a point and its gradient with respect to the numeric inputs.</summary>
    public double ValueAndGradient(ReadOnlySpan<double> point, Span<double> gradient, Span<double> scratch)
    {
        int dim = point.Length;
        gradient.Clear();
        Span<double> meanGradient = stackalloc double[dim];
        Span<double> varianceGradient = stackalloc double[dim];
        double value = 0;
        if (_objective is not null)
        {
            (double mean, double variance) = _objective.PredictWithGradient(point, meanGradient, varianceGradient, scratch);
            double sd = Math.Sqrt(variance);
            (double logEi, double dMean, double dSd) = LogExpectedImprovement.ValueAndDerivatives(mean, sd, _incumbent);
            value += logEi;
            for (int d = 0; d < dim; d++)
            {
                gradient[d] += (dMean * meanGradient[d]) + (dSd * varianceGradient[d] / (2 * sd));
            }
        }

        for (int c = 0; c < _constraints.Length; c++)
        {
            (double mean, double variance) = _constraints[c].PredictWithGradient(point, meanGradient, varianceGradient, scratch);
            double sd = Math.Sqrt(variance);
            double z = (_thresholds[c] - mean) / sd;
            value += LogExpectedImprovement.LogCdf(z);
            double dz = LogExpectedImprovement.LogCdfDerivative(z);
            for (int d = 0; d < dim; d++)
            {
                // z = (t − μ)/σ: ∂z/∂x = −μ′/σ − z σ′/σ, σ′ = (σ²)′/(2σ).
                double sdGradient = varianceGradient[d] / (2 * sd);
                gradient[d] += dz * ((-meanGradient[d] / sd) - (z * sdGradient / sd));
            }
        }

        return value;
    }
}
