using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Samplers;
using Vernier.Samplers.Population;
using Vernier.Studies;

namespace Vernier.Trials;

/// <summary>
/// The live handle objective code receives: it suggests parameters, reports intermediate values,
/// asks whether to stop, and sets attributes. Every call is written to the study's storage at once.
/// </summary>
/// <remarks>
/// The suggest, report and prune calls are synchronous, as in Optuna, because objective code reads
/// best that way; they wait for the storage write (which never needs a synchronization context).
/// Inside <see cref="Study.OptimizeAsync(Func{Trial, double}, OptimizeOptions?, CancellationToken)"/> a suggested
/// parameter's write goes out in the background instead, so that the objective starts without waiting for a round
/// trip to a shared server: every write is stored before the trial finishes (and before <see cref="ShouldPrune"/>
/// asks), and a write that fails fails the trial as an exception of the objective would.
/// One trial is used by one thread at a time.
/// </remarks>
public sealed class Trial
{
    private readonly Study _study;
    private readonly TrialSampling _sampling;
    private readonly IReadOnlyDictionary<string, object?> _fixedParameters;
    private ImmutableDictionary<string, TrialParameter> _parameters;

    // The parameter writes still in flight; null when every write is waited for at once (trials from Ask).
    private List<Task>? _writesInFlight;

    internal Trial(Study study, FrozenTrial snapshot, TrialSampling sampling, IReadOnlyDictionary<string, object?> fixedParameters)
    {
        _study = study;
        _sampling = sampling;
        _fixedParameters = fixedParameters;
        _parameters = snapshot.Parameters;
        TrialId = snapshot.TrialId;
        Number = snapshot.Number;
        Population = PopulationSegment.FromAttributes(snapshot.SystemAttributes);
        RetryNotBefore = snapshot.SystemAttributes.TryGetValue(Studies.SystemAttributes.RetryNotBefore, out JsonElement notBefore)
            && notBefore.ValueKind == JsonValueKind.String && notBefore.TryGetDateTimeOffset(out DateTimeOffset at) ? at : null;
    }

    /// <summary>For a retry waiting for its backoff, the earliest time its objective may start.</summary>
    internal DateTimeOffset? RetryNotBefore { get; }

    /// <summary>Lets parameter writes run in the background (the optimize loop, which waits for them with <see cref="CompleteWritesAsync"/>).</summary>
    internal void WriteInBackground() => _writesInFlight ??= [];

    /// <summary>
    /// Waits for the parameter writes still in flight. With <paramref name="throwOnFailure"/>, the first failed write's
    /// error is thrown; without, failures are only observed (the trial is failing for another reason).
    /// </summary>
    internal async Task CompleteWritesAsync(bool throwOnFailure)
    {
        if (_writesInFlight is not { Count: > 0 } writes)
        {
            return;
        }

        Task all = Task.WhenAll(writes);
        writes.Clear();
        if (throwOnFailure)
        {
            await all;
        }
        else
        {
            await all.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Told of each intermediate value once it is stored (set by the optimize loop from <see cref="OptimizeOptions.ReportCallbacks"/>), or null.</summary>
    internal Action<Trial, long, double>? ReportObserver { get; set; }

    /// <summary>The trial's number within its study.</summary>
    public int Number { get; }

    /// <summary>The storage's id of the trial.</summary>
    public long TrialId { get; }

    /// <summary>The study this trial belongs to.</summary>
    public Study Study => _study;

    /// <summary>
    /// The segment of training this trial does when the study's sampler is a
    /// <see cref="Samplers.Population.PopulationSampler"/>; null otherwise. The trial restores the
    /// checkpoint of trial <see cref="PopulationSegment.RestoreFromTrial"/> (or starts from scratch),
    /// trains and reports steps <c>StartStep + 1 … EndStep</c>, saves its own checkpoint under
    /// <see cref="Number"/> and returns the value after the last step.
    /// </summary>
    public PopulationSegment? Population { get; }

    /// <summary>The parameters suggested so far (external values).</summary>
    public IReadOnlyDictionary<string, object?> Params => _parameters.ToDictionary(p => p.Key, p => p.Value.Value);

    /// <summary>The parameters suggested so far, with their distributions.</summary>
    public ImmutableDictionary<string, TrialParameter> Parameters => _parameters;

    /// <summary>Suggests a real value in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="low">Lower bound, inclusive.</param>
    /// <param name="high">Upper bound, inclusive.</param>
    /// <param name="log">Sample on a log scale.</param>
    /// <param name="step">Grid spacing, or null.</param>
    public double SuggestFloat(string name, double low, double high, bool log = false, double? step = null) =>
        (double)Suggest(name, new FloatDistribution(low, high, log, step))!;

    /// <summary>Suggests a real value with a normal prior (see <see cref="NormalDistribution"/>): unbounded, likeliest near the mean.</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="mean">The mean (of the logarithm when <paramref name="log"/>).</param>
    /// <param name="standardDeviation">The standard deviation (of the logarithm when <paramref name="log"/>), positive.</param>
    /// <param name="log">Whether the logarithm of the value is normal (a log-normal: positive values).</param>
    /// <param name="step">Round values to multiples of this step, or null.</param>
    public double SuggestNormal(string name, double mean, double standardDeviation, bool log = false, double? step = null) =>
        (double)Suggest(name, new NormalDistribution(mean, standardDeviation, log, step))!;

    /// <summary>Suggests an integer in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="low">Lower bound, inclusive.</param>
    /// <param name="high">Upper bound, inclusive.</param>
    /// <param name="log">Sample on a log scale.</param>
    /// <param name="step">Grid spacing.</param>
    public int SuggestInt(string name, int low, int high, bool log = false, int step = 1) =>
        checked((int)(long)Suggest(name, new IntDistribution(low, high, log, step))!);

    /// <summary>Suggests one of <paramref name="choices"/>.</summary>
    /// <typeparam name="T">The choices' type: string, a number type, bool (or object for a mix).</typeparam>
    /// <param name="name">The parameter's name.</param>
    /// <param name="choices">The choices, at least one.</param>
    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var distribution = new CategoricalDistribution(choices.Cast<object?>());
        Suggest(name, distribution);
        return choices[(int)_parameters[name].InternalValue];
    }

    /// <summary>Suggests a value from any distribution; returns the external value (double, long or the choice).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="distribution">The distribution.</param>
    /// <exception cref="IncompatibleDistributionException">The name was asked with a conflicting distribution before.</exception>
    public object? Suggest(string name, ParameterDistribution distribution)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(distribution);
        if (_parameters.TryGetValue(name, out TrialParameter? existing))
        {
            if (existing.Distribution != distribution)
            {
                throw new IncompatibleDistributionException(name, existing.Distribution, distribution, "earlier in this trial");
            }

            return existing.Value;
        }

        double internalValue;
        if (_fixedParameters.TryGetValue(name, out object? fixedValue))
        {
            try
            {
                internalValue = distribution.ToInternal(fixedValue);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"the enqueued value for '{name}' does not fit: {e.Message}", e);
            }
        }
        else
        {
            internalValue = _sampling.Draw(name, distribution, _parameters);
        }

        var parameter = new TrialParameter(distribution, internalValue);
        Task write = _study.Storage.SetTrialParameterAsync(TrialId, name, parameter);
        if (_writesInFlight is null)
        {
            _study.Wait(write);
        }
        else if (!write.IsCompletedSuccessfully)
        {
            _writesInFlight.Add(write);
        }

        _parameters = _parameters.Add(name, parameter);
        return parameter.Value;
    }

    /// <summary>Reports an intermediate objective value (e.g. validation accuracy after an epoch) for pruning and learning curves.</summary>
    /// <param name="value">The value; NaN is recorded as is.</param>
    /// <param name="step">The step (epoch, iteration…), ≥ 0.</param>
    public void Report(double value, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        _study.Wait(_study.Storage.SetTrialIntermediateValueAsync(TrialId, step, value));
        ReportObserver?.Invoke(this, step, value);
    }

    /// <summary>
    /// Reports outcome constraint values: the trial is feasible when every value is ≤ 0. Samplers
    /// that know about constraints (TPE, GP, NSGA-II) prefer feasible regions, and best-trial
    /// queries return feasible trials whenever there is one. Call it before returning the objective value.
    /// </summary>
    /// <param name="values">One value per constraint.</param>
    /// <exception cref="ArgumentException">No values were given.</exception>
    public void ReportConstraints(params IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("give at least one constraint value.", nameof(values));
        }

        SetSystemAttribute(Studies.SystemAttributes.Constraints, values.ToArray());
    }

    /// <summary>Whether the study's pruner says this trial should stop now; if so, throw <see cref="TrialPrunedException"/>.</summary>
    public bool ShouldPrune()
    {
        _study.Wait(CompleteWritesAsync(throwOnFailure: true));
        return _study.Wait(_study.ShouldPruneAsync(TrialId, CancellationToken.None));
    }

    /// <summary>
    /// Sets a system attribute: for integrations (runners, samplers) that keep their own records with
    /// the trial, such as the process running it. User code should use <see cref="SetUserAttribute"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetSystemAttribute(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _study.Wait(_study.Storage.SetTrialAttributeAsync(TrialId, Storage.AttributeScope.System, key, Storage.AttributeJson.ToElement(value)));
    }

    /// <summary>Sets a user attribute (any JSON-serializable value).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    public void SetUserAttribute(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _study.Wait(_study.Storage.SetTrialAttributeAsync(TrialId, Storage.AttributeScope.User, key, Storage.AttributeJson.ToElement(value)));
    }
}
