using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Vernier.Distributions;

namespace Vernier.Samplers.Nsga2;

/// <summary>
/// The relative search space of an NSGA-II trial, carrying what the sampler read from the history
/// while inferring it, so that <see cref="Nsga2Sampler.SampleRelative"/> does not read it again.
/// Lives only for one sampling call; nothing is kept between trials.
/// </summary>
internal sealed class Nsga2RelativeSpace(IReadOnlyDictionary<string, ParameterDistribution> space, Nsga2Analysis analysis)
    : IReadOnlyDictionary<string, ParameterDistribution>
{
    public Nsga2Analysis Analysis { get; } = analysis;

    public int Count => space.Count;

    public IEnumerable<string> Keys => space.Keys;

    public IEnumerable<ParameterDistribution> Values => space.Values;

    public ParameterDistribution this[string key] => space[key];

    public bool ContainsKey(string key) => space.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out ParameterDistribution value) => space.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, ParameterDistribution>> GetEnumerator() => space.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
