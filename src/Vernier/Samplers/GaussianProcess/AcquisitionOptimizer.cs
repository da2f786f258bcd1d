using Vernier.Randomness;

namespace Vernier.Samplers.GaussianProcess;

/// <summary>
/// Maximizes the acquisition over the encoded space: many random candidates (uniform, plus
/// perturbations of the best observed points), then local refinement of the best few —
/// projected gradient ascent on continuous inputs within [0, 1], one-cell moves on integer and
/// stepped inputs, and every alternative choice on categorical inputs — repeated while it improves.
/// </summary>
internal static class AcquisitionOptimizer
{
    private const int MaxChoicesTried = 32;

    /// <summary>The best point found (encoded), and its acquisition value.</summary>
    /// <param name="space">The encoded space.</param>
    /// <param name="acquisition">The function to maximize.</param>
    /// <param name="random">The trial's stream for this purpose.</param>
    /// <param name="anchors">Good observed points (encoded, row-major) to perturb; may be empty.</param>
    /// <param name="randomCandidates">How many uniform candidates.</param>
    /// <param name="localStarts">How many of the best candidates to refine.</param>
    public static (double[] Point, double Value) Maximize(EncodedSpace space, Acquisition acquisition, RandomStream random, double[] anchors, int randomCandidates, int localStarts)
    {
        int dim = space.Dimension;
        int anchorCount = anchors.Length / dim;
        const int PerturbationsPerAnchor = 16;
        int total = randomCandidates + (anchorCount * PerturbationsPerAnchor);
        var candidates = new double[total * dim];
        for (int c = 0; c < randomCandidates; c++)
        {
            Span<double> point = candidates.AsSpan(c * dim, dim);
            for (int d = 0; d < dim; d++)
            {
                point[d] = space.Categorical[d] ? random.NextInt64(space.ChoiceCounts[d]) : space.Snap(d, random.NextDouble());
            }
        }

        for (int a = 0; a < anchorCount; a++)
        {
            ReadOnlySpan<double> anchor = anchors.AsSpan(a * dim, dim);
            for (int p = 0; p < PerturbationsPerAnchor; p++)
            {
                Span<double> point = candidates.AsSpan((randomCandidates + (a * PerturbationsPerAnchor) + p) * dim, dim);
                double scale = p < PerturbationsPerAnchor / 2 ? 0.02 : 0.1;
                for (int d = 0; d < dim; d++)
                {
                    if (space.Categorical[d])
                    {
                        point[d] = random.NextDouble() < 0.2 ? random.NextInt64(space.ChoiceCounts[d]) : anchor[d];
                    }
                    else
                    {
                        double step = Math.Max(scale, space.CellWidths[d]);
                        point[d] = space.Snap(d, anchor[d] + (step * random.NextGaussian()));
                    }
                }
            }
        }

        var scratch = new double[acquisition.ScratchLength];
        var values = new double[total];
        acquisition.ValueBatch(candidates, values);

        int[] order = new int[total];
        for (int i = 0; i < total; i++)
        {
            order[i] = i;
        }

        // Best first; NaN last; ties by index so the order is deterministic.
        Array.Sort(order, (a, b) =>
        {
            double va = double.IsNaN(values[a]) ? double.NegativeInfinity : values[a];
            double vb = double.IsNaN(values[b]) ? double.NegativeInfinity : values[b];
            int byValue = vb.CompareTo(va);
            return byValue != 0 ? byValue : a.CompareTo(b);
        });

        double[] best = candidates.AsSpan(order[0] * dim, dim).ToArray();
        double bestValue = values[order[0]];
        int starts = Math.Min(localStarts, total);
        for (int s = 0; s < starts; s++)
        {
            double[] point = candidates.AsSpan(order[s] * dim, dim).ToArray();
            double value = Refine(space, acquisition, point, values[order[s]], scratch);
            if (value > bestValue || double.IsNaN(bestValue))
            {
                bestValue = value;
                best = point;
            }
        }

        return (best, bestValue);
    }

    /// <summary>Local search from a point (changed in place); returns its final value.</summary>
    internal static double Refine(EncodedSpace space, Acquisition acquisition, double[] point, double value, double[] scratch)
    {
        int dim = space.Dimension;
        bool hasContinuous = false;
        for (int d = 0; d < dim; d++)
        {
            hasContinuous |= space.IsContinuous(d);
        }

        var trial = new double[dim];
        for (int round = 0; round < 4; round++)
        {
            // Another round only when a discrete move changed the point.
            bool improved = false;
            if (hasContinuous)
            {
                value = GradientAscent(space, acquisition, point, value, scratch);
            }

            for (int d = 0; d < dim; d++)
            {
                if (space.IsContinuous(d))
                {
                    continue;
                }

                point.CopyTo(trial, 0);
                if (space.Categorical[d])
                {
                    int choices = space.ChoiceCounts[d];
                    int current = (int)point[d];
                    for (int i = 0; i < Math.Min(choices, MaxChoicesTried); i++)
                    {
                        // Around the current choice first when there are many.
                        int choice = (current + 1 + i) % choices;
                        if (choice == current)
                        {
                            continue;
                        }

                        trial[d] = choice;
                        double v = acquisition.Value(trial, scratch);
                        if (v > value)
                        {
                            value = v;
                            point[d] = choice;
                            improved = true;
                        }
                    }
                }
                else
                {
                    foreach (int direction in (ReadOnlySpan<int>)[-1, 1])
                    {
                        double moved = space.Snap(d, point[d] + (direction * space.CellWidths[d]));
                        if (moved == point[d])
                        {
                            continue;
                        }

                        trial[d] = moved;
                        double v = acquisition.Value(trial, scratch);
                        if (v > value)
                        {
                            value = v;
                            point[d] = moved;
                            improved = true;
                        }

                        trial[d] = point[d];
                    }
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return value;
    }

    /// <summary>Projected gradient ascent on the continuous inputs with an adaptive step; returns the final value.</summary>
    private static double GradientAscent(EncodedSpace space, Acquisition acquisition, double[] point, double value, double[] scratch)
    {
        int dim = space.Dimension;
        var gradient = new double[dim];
        var trial = new double[dim];
        double step = 0.05;
        double current = acquisition.ValueAndGradient(point, gradient, scratch);
        if (!double.IsFinite(current))
        {
            return value;
        }

        for (int iteration = 0; iteration < 20 && step > 1e-4; iteration++)
        {
            double norm = 0;
            for (int d = 0; d < dim; d++)
            {
                if (space.IsContinuous(d))
                {
                    norm += gradient[d] * gradient[d];
                }
            }

            norm = Math.Sqrt(norm);
            if (!(norm > 1e-12))
            {
                break;
            }

            point.CopyTo(trial, 0);
            for (int d = 0; d < dim; d++)
            {
                if (space.IsContinuous(d))
                {
                    trial[d] = Math.Clamp(point[d] + (step * gradient[d] / norm), 0, 1);
                }
            }

            var trialGradient = new double[dim];
            double v = acquisition.ValueAndGradient(trial, trialGradient, scratch);
            if (v > current)
            {
                current = v;
                trial.CopyTo(point, 0);
                gradient = trialGradient;
                step = Math.Min(step * 2, 0.5);
            }
            else
            {
                step *= 0.25;
            }
        }

        return current;
    }
}
