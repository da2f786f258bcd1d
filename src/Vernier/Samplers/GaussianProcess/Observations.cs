using Vernier.Randomness;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// The training data for one trial's models: encoded inputs of the completed trials, their
/// objective values standardized for minimization (sign flipped when maximizing), their
/// standardized constraint values, and the encoded inputs of the running trials.
/// </summary>
internal sealed class Observations
{
    private readonly bool[] _feasible;
    private readonly double[] _violation;
    private readonly int _dimension;

    private Observations(int dimension, double[] x, double[] y, bool[] feasible, double[] violation, (double[] Values, double Threshold)[] constraints, double[] pending)
    {
        _dimension = dimension;
        X = x;
        Y = y;
        _feasible = feasible;
        _violation = violation;
        Constraints = constraints;
        Pending = pending;
        HasFeasible = feasible.Contains(true);
        BestFeasible = double.PositiveInfinity;
        for (int i = 0; i < y.Length; i++)
        {
            if (feasible[i])
            {
                BestFeasible = Math.Min(BestFeasible, y[i]);
            }
        }
    }

    /// <summary>Encoded inputs, row-major.</summary>
    public double[] X { get; }

    /// <summary>Standardized objective values, smaller is better.</summary>
    public double[] Y { get; }

    /// <summary>Per constraint: standardized values and the standardized value of 0 (feasible at or below it).</summary>
    public (double[] Values, double Threshold)[] Constraints { get; }

    /// <summary>Encoded inputs of the running trials, row-major.</summary>
    public double[] Pending { get; }

    /// <summary>Whether any observation is feasible.</summary>
    public bool HasFeasible { get; }

    /// <summary>The smallest standardized value among the feasible observations.</summary>
    public double BestFeasible { get; }

    /// <summary>
    /// Collects the data, or null when fewer than two completed trials can be encoded. Keeps at
    /// most <paramref name="maxObservations"/>: the best half and a seeded random selection of the rest.
    /// </summary>
    public static Observations? Collect(EncodedSpace space, SamplerContext context, int maxObservations)
    {
        int dim = space.Dimension;
        bool maximize = context.Directions[0] == StudyDirection.Maximize;
        var encoded = new List<double>();
        var values = new List<double>();
        var trials = new List<FrozenTrial>();
        Span<double> point = stackalloc double[dim];
        foreach (FrozenTrial trial in context.CompletedTrials)
        {
            if (trial.Values.Length != 1 || !double.IsFinite(trial.Values[0]) || !space.TryEncode(trial, point))
            {
                continue;
            }

            foreach (double v in point)
            {
                encoded.Add(v);
            }

            values.Add(maximize ? -trial.Values[0] : trial.Values[0]);
            trials.Add(trial);
        }

        if (values.Count < 2)
        {
            return null;
        }

        double[] x = [.. encoded];
        double[] y = [.. values];
        if (y.Length > maxObservations)
        {
            int[] chosen = BestAndRandom(y, maxObservations, maxObservations / 2, context.CreateRandom("gp:observations"));
            var subX = new double[chosen.Length * dim];
            var subY = new double[chosen.Length];
            var subTrials = new List<FrozenTrial>(chosen.Length);
            for (int i = 0; i < chosen.Length; i++)
            {
                Array.Copy(x, chosen[i] * dim, subX, i * dim, dim);
                subY[i] = y[chosen[i]];
                subTrials.Add(trials[chosen[i]]);
            }

            (x, y, trials) = (subX, subY, subTrials);
        }

        Standardize(y);
        if (!y.All(double.IsFinite))
        {
            // Values so large that their spread overflows: leave this trial to random sampling.
            return null;
        }

        int n = y.Length;
        var feasible = new bool[n];
        var violation = new double[n];
        int constraintCount = 0;
        for (int i = 0; i < n; i++)
        {
            feasible[i] = trials[i].IsFeasible;
            violation[i] = trials[i].ConstraintViolation;
            constraintCount = Math.Max(constraintCount, trials[i].Constraints.Length);
        }

        var constraints = new (double[] Values, double Threshold)[constraintCount];
        for (int c = 0; c < constraintCount; c++)
        {
            var column = new double[n];
            double worst = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                var reported = trials[i].Constraints;
                column[i] = c < reported.Length ? reported[c] : double.NaN;
                if (double.IsFinite(column[i]))
                {
                    worst = Math.Max(worst, column[i]);
                }
            }

            // A missing or NaN constraint value counts as violated, worse than any reported one.
            double missing = double.IsFinite(worst) ? Math.Max(worst, 0) + 1 : 1;
            for (int i = 0; i < n; i++)
            {
                if (!double.IsFinite(column[i]))
                {
                    column[i] = double.IsNegativeInfinity(column[i]) ? -missing : missing;
                }
            }

            (double mean, double sd) = Standardize(column);
            constraints[c] = (column, -mean / sd);
        }

        // The most recent running trials (at most a fifth of the observation cap, so many workers
        // cannot make the model arbitrarily large).
        var pending = new List<double>();
        int pendingLeft = Math.Max(1, maxObservations / 5);
        for (int h = context.History.Count - 1; h >= 0 && pendingLeft > 0; h--)
        {
            FrozenTrial trial = context.History[h];
            if (trial.State == TrialState.Running && space.TryEncode(trial, point))
            {
                for (int d = dim - 1; d >= 0; d--)
                {
                    pending.Add(point[d]);
                }

                pendingLeft--;
            }
        }

        pending.Reverse();

        return new Observations(dim, x, y, feasible, violation, constraints, [.. pending]);
    }

    /// <summary>
    /// The encoded inputs of up to <paramref name="count"/> of the best observations (feasible
    /// ones by value; with none feasible, the least violating), row-major.
    /// </summary>
    public double[] Anchors(int count)
    {
        int n = Y.Length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int byFeasible = _feasible[b].CompareTo(_feasible[a]);
            if (byFeasible != 0)
            {
                return byFeasible;
            }

            int byScore = HasFeasible ? Y[a].CompareTo(Y[b]) : _violation[a].CompareTo(_violation[b]);
            return byScore != 0 ? byScore : a.CompareTo(b);
        });

        int taken = Math.Min(count, n);
        var anchors = new double[taken * _dimension];
        for (int i = 0; i < taken; i++)
        {
            Array.Copy(X, order[i] * _dimension, anchors, i * _dimension, _dimension);
        }

        return anchors;
    }

    /// <summary>
    /// Indices (ascending) of <paramref name="count"/> entries: the <paramref name="bestCount"/>
    /// smallest values, then a random selection of the rest.
    /// </summary>
    public static int[] BestAndRandom(double[] y, int count, int bestCount, RandomStream random)
    {
        int n = y.Length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int byValue = y[a].CompareTo(y[b]);
            return byValue != 0 ? byValue : a.CompareTo(b);
        });

        Span<int> rest = order.AsSpan(bestCount);
        rest.Sort();
        random.Shuffle(rest);
        int[] chosen = order[..count];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Standardizes in place to mean 0 and standard deviation 1 (1 when constant); returns the mean and scale used.</summary>
    public static (double Mean, double Sd) Standardize(double[] values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double variance = 0;
        foreach (double v in values)
        {
            variance += (v - mean) * (v - mean);
        }

        double sd = Math.Sqrt(variance / values.Length);
        if (!(sd > 1e-12 * Math.Max(1, Math.Abs(mean))))
        {
            sd = 1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (values[i] - mean) / sd;
        }

        return (mean, sd);
    }
}
