using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Samplers;

namespace Vernier.Trials;

/// <summary>
/// The sampler's work for one trial: the relative (joint) sample done once per attempt, and
/// independent draws for the rest. Shared by define-by-run suggestions and declared spaces.
/// </summary>
internal sealed class TrialSampling
{
    private readonly Sampler _sampler;
    private readonly Dictionary<string, ParameterDistribution?> _knownDistributions = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, ParameterDistribution> _relativeSpace = ImmutableDictionary<string, ParameterDistribution>.Empty;
    private IReadOnlyDictionary<string, double> _relativeValues = ImmutableDictionary<string, double>.Empty;

    public TrialSampling(Sampler sampler, SamplerContext context)
    {
        _sampler = sampler;
        Context = context;
    }

    public SamplerContext Context { get; }

    /// <summary>Runs the relative sample for the current attempt.</summary>
    public void SampleRelative(int attempt)
    {
        Context.Attempt = attempt;
        _relativeSpace = _sampler.InferRelativeSearchSpace(Context);
        _relativeValues = _relativeSpace.Count == 0
            ? ImmutableDictionary<string, double>.Empty
            : _sampler.SampleRelative(Context, _relativeSpace);
    }

    /// <summary>Chooses an internal value for a parameter: from the relative sample when it covers it, else independently.</summary>
    public double Draw(string name, ParameterDistribution distribution, IReadOnlyDictionary<string, TrialParameter> current)
    {
        if (KnownDistribution(name) is { } known && !known.IsCompatibleWith(distribution))
        {
            throw new IncompatibleDistributionException(name, known, distribution, "in an earlier trial of this study");
        }

        Context.CurrentParameters = current;
        double value = _relativeValues.TryGetValue(name, out double relative) &&
                       _relativeSpace.TryGetValue(name, out ParameterDistribution? relativeDistribution) &&
                       relativeDistribution.IsCompatibleWith(distribution) && distribution.Contains(relative)
            ? relative
            : _sampler.SampleIndependent(Context, name, distribution);
        if (!distribution.Contains(value))
        {
            throw new InvalidOperationException(
                $"sampler '{_sampler.Name}' returned {value} for '{name}', outside {distribution}; this is a bug in the sampler.");
        }

        return value;
    }

    /// <summary>
    /// The distribution an earlier trial used for <paramref name="name"/>, or null. Looked up per
    /// name on demand (usually the first trial has it) rather than by indexing the whole history on every ask.
    /// </summary>
    private ParameterDistribution? KnownDistribution(string name)
    {
        if (!_knownDistributions.TryGetValue(name, out ParameterDistribution? known))
        {
            foreach (FrozenTrial trial in Context.History)
            {
                if (trial.Parameters.TryGetValue(name, out TrialParameter? parameter))
                {
                    known = parameter.Distribution;
                    break;
                }
            }

            if (known is null && Context.KnownDistributions is { } seen)
            {
                known = seen.GetValueOrDefault(name);
            }

            _knownDistributions[name] = known;
        }

        return known;
    }
}
