using System.Numerics;
using Vernier.Randomness;

namespace Vernier.Samplers.Tpe;

/// <summary>
/// A weighted mixture of product kernels over one or more parameters, one kernel per observation
/// plus a prior kernel: the l(x) or g(x) of the tree-structured Parzen estimator (Bergstra et al.,
/// 2011; Watanabe, 2023).
/// </summary>
/// <remarks>
/// <para>Numeric parameters get Gaussian kernels truncated to the working range (see
/// <see cref="ParzenDimension"/>); continuous ones are scored by density, integers and stepped
/// floats by the probability mass of the value's cell, so a discrete value's score is exactly its
/// probability. Categoricals get a smoothed indicator kernel: an observation of choice c puts
/// weight 1 + ε on c and ε on every choice (normalised), with ε = prior weight / (n + 1).</para>
/// <para>The prior kernel is wide and centred: mean at the middle of the range and bandwidth equal
/// to the range for numeric parameters, uniform for categoricals; its weight is
/// <c>priorWeight</c> next to the observations' weights.</para>
/// <para>Bandwidths: in one dimension (<c>multivariate: false</c>) each kernel's bandwidth is the
/// larger distance to its neighbours among the sorted means (the prior's mean included, the range
/// ends too when <c>considerEndpoints</c>); jointly over several parameters it is Scott-like,
/// 0.2 · n^(−1/(d+4)) · range. Both are clipped to [range / min(100, 1 + kernels), range], the
/// "magic clip" of Bergstra et al., so that no kernel collapses onto its observation.</para>
/// </remarks>
internal sealed class ParzenEstimator
{
    /// <summary>
    /// The cell width h (in bandwidths) below which a cell's mass is taken from the density at its
    /// middle with the second-order correction, width · φ(z)/σ · (1 + h²(z² − 1)/24), whose relative
    /// error is of order h⁴/1920 · (z⁴ − 6z² + 3): about 1e-5 near the kernel's centre.
    /// </summary>
    private const double MidpointCellWidth = 0.3;

    private readonly ParzenDimension[] _dimensions;
    private readonly double[] _logWeights;
    private readonly double[] _cumulativeWeights;
    private readonly NumericKernels?[] _numeric;
    private readonly CategoricalKernels?[] _categorical;
    private readonly bool _windowed;

    /// <summary>Builds the estimator.</summary>
    /// <param name="dimensions">The parameters.</param>
    /// <param name="observations">Per dimension, the observations in working coordinates (all of equal length, no NaN).</param>
    /// <param name="weights">The observations' non-negative weights.</param>
    /// <param name="priorWeight">The prior kernel's weight (positive).</param>
    /// <param name="considerEndpoints">Whether the range ends count as neighbours in the one-dimensional bandwidth rule.</param>
    /// <param name="multivariate">Whether to use the joint (Scott-like) bandwidth rule instead of the neighbour rule.</param>
    public ParzenEstimator(ParzenDimension[] dimensions, double[][] observations, double[] weights, double priorWeight, bool considerEndpoints, bool multivariate)
    {
        _dimensions = dimensions;
        int n = weights.Length;
        _windowed = dimensions.Length == 1 && dimensions[0].Kind != ParzenKind.Categorical && !multivariate;
        if (_windowed)
        {
            // One numeric dimension: keep the kernels in the order of their means, for the neighbour
            // rule and so that a density only visits the kernels near the point.
            double[] sortedObservations = (double[])observations[0].Clone();
            weights = (double[])weights.Clone();
            BucketSort(sortedObservations, weights, dimensions[0].Low, dimensions[0].High);
            observations = [sortedObservations];
        }

        int kernels = n + 1;
        KernelCount = kernels;

        double total = priorWeight;
        foreach (double w in weights)
        {
            total += w;
        }

        _logWeights = new double[kernels];
        _cumulativeWeights = new double[kernels];
        double running = 0;
        for (int k = 0; k < kernels; k++)
        {
            double w = (k < n ? weights[k] : priorWeight) / total;
            _logWeights[k] = Math.Log(w);
            running += w;
            _cumulativeWeights[k] = running;
        }

        _cumulativeWeights[kernels - 1] = double.PositiveInfinity;
        _numeric = new NumericKernels?[dimensions.Length];
        _categorical = new CategoricalKernels?[dimensions.Length];
        for (int j = 0; j < dimensions.Length; j++)
        {
            if (dimensions[j].Kind == ParzenKind.Categorical)
            {
                _categorical[j] = new CategoricalKernels(dimensions[j].Choices, observations[j], priorWeight);
            }
            else
            {
                _numeric[j] = new NumericKernels(dimensions[j], observations[j], considerEndpoints, _windowed ? 0 : dimensions.Length, _logWeights);
            }
        }
    }

    /// <summary>The number of kernels, the prior's included.</summary>
    public int KernelCount { get; }

    /// <summary>The bandwidths of a numeric dimension (the prior's last), for tests.</summary>
    internal double[] Bandwidths(int dimension) => _numeric[dimension]!.Sigma;

    /// <summary>The means of a numeric dimension in working coordinates (the prior's last), for tests.</summary>
    internal double[] Means(int dimension) => _numeric[dimension]!.Mu;

    /// <summary>Draws candidates; returns, per dimension, the internal values.</summary>
    public double[][] Sample(RandomStream random, int count)
    {
        var samples = new double[_dimensions.Length][];
        for (int j = 0; j < samples.Length; j++)
        {
            samples[j] = new double[count];
        }

        for (int c = 0; c < count; c++)
        {
            double u = random.NextDouble();
            int k = Array.BinarySearch(_cumulativeWeights, u);
            k = k < 0 ? ~k : k;
            k = Math.Min(k, KernelCount - 1);
            for (int j = 0; j < _dimensions.Length; j++)
            {
                ParzenDimension d = _dimensions[j];
                samples[j][c] = d.Kind == ParzenKind.Categorical
                    ? _categorical[j]!.Sample(random, k)
                    : d.ToInternal(_numeric[j]!.Sample(random, k, d));
            }
        }

        return samples;
    }

    /// <summary>The log density (log mass for discrete and categorical dimensions) of each candidate, given per dimension as internal values.</summary>
    public double[] LogPdf(double[][] candidates)
    {
        int count = candidates.Length == 0 ? 0 : candidates[0].Length;
        var result = new double[count];
        if (_windowed)
        {
            ParzenDimension d = _dimensions[0];
            var scratch = new double[KernelCount];
            for (int c = 0; c < count; c++)
            {
                double value = candidates[0][c];
                if (TryRepeat(candidates[0], c, result))
                {
                    continue;
                }

                (double lo, double hi) = d.Kind == ParzenKind.Continuous ? (d.ToWorking(value), double.NaN) : d.Cell(value);
                result[c] = _numeric[0]!.LogPdfSorted(lo, hi, _logWeights, scratch);
            }

            return result;
        }

        var buffer = new double[KernelCount];
        // Discrete and categorical candidates repeat: each distinct value's per-kernel terms are computed once
        // and added where the candidate's own computation would add them, so every sum is the same.
        var termCache = new Dictionary<long, double[]>?[_dimensions.Length];
        for (int c = 0; c < count; c++)
        {
            if (_dimensions.Length == 1 && TryRepeat(candidates[0], c, result))
            {
                continue;
            }

            _logWeights.CopyTo(buffer, 0);
            for (int j = 0; j < _dimensions.Length; j++)
            {
                ParzenDimension d = _dimensions[j];
                double value = candidates[j][c];
                if (d.Kind == ParzenKind.Continuous)
                {
                    _numeric[j]!.AccumulateDensity(buffer, d.ToWorking(value));
                }
                else if (_dimensions.Length == 1)
                {
                    AccumulateDiscrete(j, value, buffer);
                }
                else
                {
                    Dictionary<long, double[]> cache = termCache[j] ??= [];
                    long key = BitConverter.DoubleToInt64Bits(value);
                    if (!cache.TryGetValue(key, out double[]? terms))
                    {
                        terms = new double[KernelCount];
                        AccumulateDiscrete(j, value, terms);
                        cache[key] = terms;
                    }

                    Add(buffer, terms);
                }
            }

            result[c] = LogSumExp.Of(buffer);
        }

        return result;
    }

    /// <summary>Adds a discrete or categorical dimension's per-kernel log terms for <paramref name="value"/> to the buffer.</summary>
    private void AccumulateDiscrete(int j, double value, double[] buffer)
    {
        if (_dimensions[j].Kind == ParzenKind.Categorical)
        {
            _categorical[j]!.Accumulate(buffer, (int)value);
        }
        else
        {
            (double lo, double hi) = _dimensions[j].Cell(value);
            _numeric[j]!.AccumulateMass(buffer, lo, hi);
        }
    }

    /// <summary>buffer[k] += terms[k] for every kernel.</summary>
    private static void Add(double[] buffer, double[] terms)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated && buffer.Length >= Vector<double>.Count)
        {
            for (; k <= buffer.Length - Vector<double>.Count; k += Vector<double>.Count)
            {
                (new Vector<double>(buffer, k) + new Vector<double>(terms, k)).CopyTo(buffer, k);
            }
        }

        for (; k < buffer.Length; k++)
        {
            buffer[k] += terms[k];
        }
    }

    /// <summary>
    /// In one dimension, copies the result of an earlier candidate with the very same value (discrete
    /// and categorical candidates repeat often): the computation is deterministic, so nothing changes.
    /// </summary>
    private static bool TryRepeat(double[] values, int c, double[] result)
    {
        long bits = BitConverter.DoubleToInt64Bits(values[c]);
        for (int e = 0; e < c; e++)
        {
            if (BitConverter.DoubleToInt64Bits(values[e]) == bits)
            {
                result[c] = result[e];
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Sorts values in [low, high] with their items in linear expected time: one bucket per value
    /// by position in the range, then each bucket sorted on its own (insertion sort when small).
    /// </summary>
    internal static void BucketSort(double[] keys, double[] items, double low, double high)
    {
        int n = keys.Length;
        if (n < 64 || !(high > low))
        {
            Array.Sort(keys, items);
            return;
        }

        var bucketOf = new int[n];
        var start = new int[n + 1];
        double scale = n / (high - low);
        for (int i = 0; i < n; i++)
        {
            int b = (int)((keys[i] - low) * scale);
            b = b < 0 ? 0 : b >= n ? n - 1 : b;
            bucketOf[i] = b;
            start[b + 1]++;
        }

        for (int b = 0; b < n; b++)
        {
            start[b + 1] += start[b];
        }

        var sortedKeys = new double[n];
        var sortedItems = new double[n];
        var next = (int[])start.Clone();
        for (int i = 0; i < n; i++)
        {
            int position = next[bucketOf[i]]++;
            sortedKeys[position] = keys[i];
            sortedItems[position] = items[i];
        }

        for (int b = 0; b < n; b++)
        {
            int from = start[b], length = start[b + 1] - from;
            if (length > 16)
            {
                Array.Sort(sortedKeys, sortedItems, from, length);
                continue;
            }

            for (int i = from + 1; i < from + length; i++)
            {
                double key = sortedKeys[i], item = sortedItems[i];
                int j = i - 1;
                while (j >= from && sortedKeys[j] > key)
                {
                    sortedKeys[j + 1] = sortedKeys[j];
                    sortedItems[j + 1] = sortedItems[j];
                    j--;
                }

                sortedKeys[j + 1] = key;
                sortedItems[j + 1] = item;
            }
        }

        sortedKeys.CopyTo(keys, 0);
        sortedItems.CopyTo(items, 0);
    }

    /// <summary>ln(1 + h²(z² − 1)/24): the midpoint rule's second-order correction for a cell of h bandwidths at z.</summary>
    private static double MidpointCorrection(double h, double z) => Math.Log(1 + Math.Max(h * h * (z * z - 1) / 24, -0.5));

    /// <summary>Truncated Gaussian kernels of one numeric dimension; the prior's is last.</summary>
    private sealed class NumericKernels
    {
        private readonly double _low;
        private readonly double _high;

        private readonly double _maxSigma;
        private readonly double _maxLogScale;

        /// <summary>For discrete kernels that repeat: each kernel's class of equal (mean, bandwidth), and one kernel per class.</summary>
        private int[]? _classOf;
        private int[]? _representatives;

        public NumericKernels(ParzenDimension dimension, double[] observations, bool considerEndpoints, int jointDimensions, double[] logWeights)
        {
            _low = dimension.Low;
            _high = dimension.High;
            _maxLogScale = double.NegativeInfinity;
            int n = observations.Length;
            int kernels = n + 1;
            double range = _high - _low;
            Mu = new double[kernels];
            observations.CopyTo(Mu, 0);
            Mu[n] = 0.5 * (_low + _high);
            Sigma = new double[kernels];
            if (jointDimensions > 0)
            {
                double scott = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (jointDimensions + 4)) * range;
                Array.Fill(Sigma, scott, 0, n);
            }
            else
            {
                NeighbourBandwidths(Mu, Sigma, n, _low, _high, considerEndpoints);
            }

            double logMinSigma = 0;

            double minSigma = range / Math.Min(100.0, 1.0 + kernels);
            logMinSigma = Math.Log(minSigma);
            for (int k = 0; k < n; k++)
            {
                Sigma[k] = Math.Clamp(Sigma[k], minSigma, range);
                _maxSigma = Math.Max(_maxSigma, Sigma[k]);
            }

            Sigma[n] = range;
            InvSigma = new double[kernels];
            LogZ = new double[kernels];
            LogNorm = new double[kernels];
            for (int k = 0; k < kernels; k++)
            {
                InvSigma[k] = 1.0 / Sigma[k];
                double a = (_low - Mu[k]) * InvSigma[k], b = (_high - Mu[k]) * InvSigma[k];
                // Beyond 8.3 bandwidths the tails hold less than 1e-16: the kernel is whole.
                LogZ[k] = a <= -8.3 && b >= 8.3 ? 0 : TruncatedNormal.LogMass(a, b);
                LogNorm[k] = -(Sigma[k] == minSigma ? logMinSigma : Math.Log(Sigma[k])) - TruncatedNormal.LogSqrt2Pi - LogZ[k];
                if (k < n)
                {
                    _maxLogScale = Math.Max(_maxLogScale, logWeights[k] + LogNorm[k]);
                }
            }

            if (n == 0)
            {
                _maxLogScale = double.NegativeInfinity;
            }

            if (dimension.Kind == ParzenKind.Discrete)
            {
                GroupEqualKernels();
            }
        }

        /// <summary>
        /// Discrete observations repeat and bandwidths are equal (joint rule) or mostly clipped to the
        /// same minimum (neighbour rule), so many kernels are the same (mean, bandwidth): a cell's mass is
        /// then computed once per distinct kernel. Kept only when it saves much.
        /// </summary>
        private void GroupEqualKernels()
        {
            var classes = new Dictionary<(long, long), int>();
            var classOf = new int[Mu.Length];
            var representatives = new List<int>();
            for (int k = 0; k < Mu.Length; k++)
            {
                var key = (BitConverter.DoubleToInt64Bits(Mu[k]), BitConverter.DoubleToInt64Bits(Sigma[k]));
                if (!classes.TryGetValue(key, out int c))
                {
                    c = representatives.Count;
                    if (4 * c > Mu.Length)
                    {
                        return;
                    }

                    classes[key] = c;
                    representatives.Add(k);
                }

                classOf[k] = c;
            }

            _classOf = classOf;
            _representatives = [.. representatives];
        }

        public double[] Mu { get; }

        public double[] Sigma { get; }

        public double[] InvSigma { get; }

        /// <summary>ln of each kernel's mass inside the range.</summary>
        public double[] LogZ { get; }

        /// <summary>−ln σ − ln √(2π) − ln Z: the log density's constant.</summary>
        public double[] LogNorm { get; }

        public double Sample(RandomStream random, int k, ParzenDimension dimension)
        {
            double z = TruncatedNormal.SampleStandard(random, (_low - Mu[k]) * InvSigma[k], (_high - Mu[k]) * InvSigma[k]);
            return Math.Clamp(Mu[k] + Sigma[k] * z, dimension.Low, dimension.High);
        }

        public void AccumulateDensity(double[] buffer, double x)
        {
            double[] mu = Mu, inv = InvSigma, norm = LogNorm;
            int k = 0;
            if (Vector.IsHardwareAccelerated && buffer.Length >= Vector<double>.Count)
            {
                var vx = new Vector<double>(x);
                var half = new Vector<double>(0.5);
                for (; k <= buffer.Length - Vector<double>.Count; k += Vector<double>.Count)
                {
                    Vector<double> z = (vx - new Vector<double>(mu, k)) * new Vector<double>(inv, k);
                    (new Vector<double>(buffer, k) + new Vector<double>(norm, k) - half * z * z).CopyTo(buffer, k);
                }
            }

            for (; k < buffer.Length; k++)
            {
                double z = (x - mu[k]) * inv[k];
                buffer[k] += norm[k] - 0.5 * z * z;
            }
        }

        public void AccumulateMass(double[] buffer, double lo, double hi)
        {
            double width = hi - lo, mid = 0.5 * (lo + hi), logWidth = Math.Log(width);
            if (_classOf is { } classOf && _representatives is { } representatives)
            {
                Span<double> classTerms = representatives.Length <= 256 ? stackalloc double[representatives.Length] : new double[representatives.Length];
                for (int c = 0; c < representatives.Length; c++)
                {
                    classTerms[c] = MassTerm(representatives[c], lo, hi, width, mid, logWidth);
                }

                for (int k = 0; k < buffer.Length; k++)
                {
                    buffer[k] += classTerms[classOf[k]];
                }

                return;
            }

            for (int k = 0; k < buffer.Length; k++)
            {
                buffer[k] += MassTerm(k, lo, hi, width, mid, logWidth);
            }
        }

        /// <summary>Kernel k's log mass of the cell [lo, hi] (of the given width, middle and log width).</summary>
        private double MassTerm(int k, double lo, double hi, double width, double mid, double logWidth)
        {
            double[] mu = Mu, inv = InvSigma;
            double h = width * inv[k];
            if (h < MidpointCellWidth)
            {
                double z = (mid - mu[k]) * inv[k];
                return LogNorm[k] + logWidth - 0.5 * z * z + MidpointCorrection(h, z);
            }

            return TruncatedNormal.LogMass((lo - mu[k]) * inv[k], (hi - mu[k]) * inv[k]) - LogZ[k];
        }

        /// <summary>
        /// The log density at x (when <paramref name="hi"/> is NaN) or the log mass of the cell
        /// [lo, hi], for kernels sorted by mean: only kernels whose bound can reach within 37 of
        /// the largest term are visited, found by binary search, so a point far from most
        /// observations costs little. Every kernel's term is at most
        /// max(ln w + norm) + ln width − ½ (distance / max σ)², which bounds the window.
        /// <paramref name="scratch"/> holds at least one element per kernel.
        /// </summary>
        public double LogPdfSorted(double lo, double hi, double[] logWeights, double[] scratch)
        {
            bool density = double.IsNaN(hi);
            if (density)
            {
                hi = lo;
            }

            int n = Mu.Length - 1;
            double logWidth = density ? 0 : Math.Log(hi - lo);
            // Per distinct kernel (discrete only), the costly part of its term, once computed (NaN: not yet).
            Span<double> classCache = density || _representatives is null ? default
                : _representatives.Length <= 256 ? stackalloc double[_representatives.Length] : new double[_representatives.Length];
            classCache.Fill(double.NaN);
            int nearest = LowerBound(Mu, n, lo);
            double max = Term(n, lo, hi, density, logWeights, logWidth, classCache);
            if (nearest < n)
            {
                max = Math.Max(max, Term(nearest, lo, hi, density, logWeights, logWidth, classCache));
            }

            if (nearest > 0)
            {
                max = Math.Max(max, Term(nearest - 1, lo, hi, density, logWeights, logWidth, classCache));
            }

            double slack = _maxLogScale + logWidth - (max - 37);
            double reach = slack > 0 ? _maxSigma * Math.Sqrt(2 * slack) : 0;
            int first = LowerBound(Mu, n, lo - reach);
            int last = LowerBound(Mu, n, hi + reach + double.Epsilon * Math.Abs(hi + reach));
            Span<double> terms = scratch.AsSpan(0, last - first + 1);
            if (density)
            {
                // Term's density case, inlined.
                double[] mu = Mu, inv = InvSigma, norm = LogNorm;
                for (int k = first; k < last; k++)
                {
                    double z = (lo - mu[k]) * inv[k];
                    terms[k - first] = logWeights[k] + norm[k] - 0.5 * z * z;
                }
            }
            else
            {
                for (int k = first; k < last; k++)
                {
                    terms[k - first] = Term(k, lo, hi, density, logWeights, logWidth, classCache);
                }
            }

            terms[^1] = Term(n, lo, hi, density, logWeights, logWidth, classCache);
            return LogSumExp.Of(terms);
        }

        /// <summary>
        /// Kernel k's log-density or log-mass term. <paramref name="logWidth"/> is ln(hi − lo); with a
        /// non-empty <paramref name="classCache"/> the correction or mass, the same for every kernel of a
        /// class, is computed once per class.
        /// </summary>
        private double Term(int k, double lo, double hi, bool density, double[] logWeights, double logWidth, Span<double> classCache)
        {
            double inv = InvSigma[k];
            if (density)
            {
                double z = (lo - Mu[k]) * inv;
                return logWeights[k] + LogNorm[k] - 0.5 * z * z;
            }

            double width = hi - lo, h = width * inv;
            bool cached = !classCache.IsEmpty;
            int c = cached ? _classOf![k] : 0;
            if (h < MidpointCellWidth)
            {
                double z = (0.5 * (lo + hi) - Mu[k]) * inv;
                double correction = cached ? classCache[c] : double.NaN;
                if (double.IsNaN(correction))
                {
                    correction = MidpointCorrection(h, z);
                    if (cached)
                    {
                        classCache[c] = correction;
                    }
                }

                return logWeights[k] + LogNorm[k] + logWidth - 0.5 * z * z + correction;
            }

            double mass = cached ? classCache[c] : double.NaN;
            if (double.IsNaN(mass))
            {
                mass = TruncatedNormal.LogMass((lo - Mu[k]) * inv, (hi - Mu[k]) * inv);
                if (cached)
                {
                    classCache[c] = mass;
                }
            }

            return logWeights[k] + mass - LogZ[k];
        }

        /// <summary>The first index in sorted[0..count) whose value is ≥ x.</summary>
        private static int LowerBound(double[] sorted, int count, double x)
        {
            int low = 0, high = count;
            while (low < high)
            {
                int mid = (low + high) >>> 1;
                if (sorted[mid] < x)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }

        /// <summary>
        /// Each kernel's bandwidth is its larger gap to a neighbour among the means sorted together
        /// with the prior's (the observations arrive sorted); the range ends count as neighbours when asked.
        /// </summary>
        private static void NeighbourBandwidths(double[] mu, double[] sigma, int n, double low, double high, bool considerEndpoints)
        {
            double prior = mu[n];
            int q = LowerBound(mu, n, prior);
            for (int i = 0; i < n; i++)
            {
                double? previous = i == q ? prior : i > 0 ? mu[i - 1] : considerEndpoints ? low : null;
                double? next = i + 1 == q ? prior : i + 1 < n ? mu[i + 1] : considerEndpoints ? high : null;
                double left = previous is double p ? mu[i] - p : 0;
                double right = next is double x ? x - mu[i] : 0;
                sigma[i] = Math.Max(left, right);
            }
        }
    }

    /// <summary>Smoothed indicator kernels of one categorical dimension; the prior's (uniform) is last.</summary>
    private sealed class CategoricalKernels
    {
        private readonly int _choices;
        private readonly double[] _probabilities;
        private readonly double[] _logProbabilities;

        public CategoricalKernels(int choices, double[] observations, double priorWeight)
        {
            _choices = choices;
            int n = observations.Length;
            _probabilities = new double[(n + 1) * choices];
            _logProbabilities = new double[_probabilities.Length];
            double epsilon = priorWeight / (n + 1);
            double observedRow = 1.0 / (1.0 + choices * epsilon);
            // Every observation's row holds only two values (observed, not observed) and the prior's one: three logarithms in all.
            double hit = (epsilon + 1) * observedRow, miss = epsilon * observedRow, uniform = 1.0 / choices;
            double logHit = Math.Log(hit), logMiss = Math.Log(miss), logUniform = Math.Log(uniform);
            Array.Fill(_probabilities, miss, 0, n * choices);
            Array.Fill(_logProbabilities, logMiss, 0, n * choices);
            for (int k = 0; k < n; k++)
            {
                int cell = k * choices + (int)observations[k];
                _probabilities[cell] = hit;
                _logProbabilities[cell] = logHit;
            }

            Array.Fill(_probabilities, uniform, n * choices, choices);
            Array.Fill(_logProbabilities, logUniform, n * choices, choices);
        }

        public double Sample(RandomStream random, int k)
        {
            double u = random.NextDouble();
            int row = k * _choices;
            for (int c = 0; c < _choices - 1; c++)
            {
                u -= _probabilities[row + c];
                if (u < 0)
                {
                    return c;
                }
            }

            return _choices - 1;
        }

        public void Accumulate(double[] buffer, int choice)
        {
            for (int k = 0; k < buffer.Length; k++)
            {
                buffer[k] += _logProbabilities[k * _choices + choice];
            }
        }
    }
}
