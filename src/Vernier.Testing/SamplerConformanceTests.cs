using Shouldly;
using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

/// <summary>
/// The checks every sampler must pass. A sampler's test class derives from this one and says how
/// to create the sampler; the suite runs it on a mixed search space (floats, log scales, steps,
/// integers, categoricals of every type, normals and a stepped log-normal, a conditional
/// parameter), define-by-run and declared.
/// </summary>
public abstract class SamplerConformanceTests
{
    /// <summary>How many trials each check runs; samplers with a start-up phase should exceed it.</summary>
    protected virtual int TrialCount => 40;

    /// <summary>
    /// The declared space the checks use. Samplers that need a finite space (grid) override it
    /// with stepped parameters.
    /// </summary>
    protected virtual SearchSpace Space { get; } = new(
    [
        new ParameterSpec("x", new FloatDistribution(-3, 3)),
        new ParameterSpec("lr", new FloatDistribution(1e-5, 1e-1, log: true)),
        new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.1)),
        new ParameterSpec("layers", new IntDistribution(1, 6)),
        new ParameterSpec("units", new IntDistribution(8, 512, log: true)),
        new ParameterSpec("batch", new IntDistribution(16, 128, step: 16)),
        new ParameterSpec("activation", new CategoricalDistribution(["relu", "tanh", "gelu"])),
        new ParameterSpec("flag", new CategoricalDistribution([true, false])),
        new ParameterSpec("width", new CategoricalDistribution([0.5, 1L, 2L])),
        new ParameterSpec("shift", new NormalDistribution(0.1, 1)),
        new ParameterSpec("decay", new NormalDistribution(-3, 1.5, log: true, step: 0.01)),
        new ParameterSpec("momentum", new FloatDistribution(0, 0.99), Condition.Equal("activation", "tanh")),
    ]);

    /// <summary>Creates the sampler under test, fresh each time (as a new process would).</summary>
    /// <param name="space">The space the check uses.</param>
    protected abstract Sampler CreateSampler(SearchSpace space);

    /// <summary>A deterministic objective over the space (lower is better).</summary>
    /// <param name="parameters">The trial's parameters.</param>
    protected static double Objective(IReadOnlyDictionary<string, object?> parameters)
    {
        double sum = 0;
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sum += value switch
            {
                double d => Math.Abs(d - 0.1) + name.Length * 0.01,
                long l => Math.Log(1 + Math.Abs(l)),
                string s => s.Length * 0.1,
                bool b => b ? 0.2 : 0.1,
                _ => 0,
            };
        }

        return sum;
    }

    /// <summary>Every suggestion lies within its parameter's bounds and step grid, and categoricals are valid choices.</summary>
    [Fact]
    public async Task DeclaredSpace_SuggestionsAreWithinBoundsOnGridAndValid()
    {
        IReadOnlyList<FrozenTrial> trials = await RunDeclaredAsync(seed: 1, TrialCount);
        trials.Count.ShouldBe(TrialCount);
        foreach (FrozenTrial trial in trials)
        {
            trial.State.ShouldBe(TrialState.Complete, trial.FailReason);
            foreach (var (name, parameter) in trial.Parameters)
            {
                ParameterSpec spec = Space.Find(name).ShouldNotBeNull();
                parameter.Distribution.ShouldBe(spec.Distribution);
                spec.Distribution.Contains(parameter.InternalValue).ShouldBeTrue($"trial {trial.Number}: {name} = {parameter.InternalValue} is outside {spec.Distribution}");
            }
        }
    }

    /// <summary>A conditional parameter is present exactly when its condition holds.</summary>
    [Fact]
    public async Task DeclaredSpace_ConditionalParametersOnlyWhenTheirConditionHolds()
    {
        foreach (FrozenTrial trial in await RunDeclaredAsync(seed: 2, TrialCount))
        {
            Space.Validate(trial.Params).ShouldBeEmpty($"trial {trial.Number}");
        }
    }

    /// <summary>Define-by-run objectives get valid values too.</summary>
    [Fact]
    public async Task DefineByRun_SuggestionsAreValid()
    {
        await using Study study = await Study.Builder("conformance-dbr").WithSampler(CreateSampler(Space)).WithSeed(3).CreateAsync();
        await study.OptimizeAsync(
            trial =>
            {
                var chosen = new Dictionary<string, object?>();
                foreach (ParameterSpec spec in Space.Parameters)
                {
                    if (spec.When is null || spec.When.IsSatisfiedBy(chosen))
                    {
                        chosen[spec.Name] = trial.Suggest(spec.Name, spec.Distribution);
                    }
                }

                return Objective(chosen);
            },
            new OptimizeOptions { NTrials = TrialCount });
        foreach (FrozenTrial trial in await study.GetTrialsAsync())
        {
            trial.State.ShouldBe(TrialState.Complete, trial.FailReason);
            Space.Validate(trial.Params).ShouldBeEmpty($"trial {trial.Number}");
        }
    }

    /// <summary>The same seed gives the same suggestions with a fresh sampler and storage.</summary>
    [Fact]
    public async Task SameSeed_GivesSameSuggestions()
    {
        string[] first = Fingerprints(await RunDeclaredAsync(seed: 42, TrialCount));
        string[] second = Fingerprints(await RunDeclaredAsync(seed: 42, TrialCount));
        second.ShouldBe(first);
        Fingerprints(await RunDeclaredAsync(seed: 43, TrialCount)).ShouldNotBe(first);
    }

    /// <summary>A study stopped and resumed with a fresh sampler continues exactly as the uninterrupted one.</summary>
    [Fact]
    public async Task Resume_ContinuesExactlyAsUninterrupted()
    {
        var storage = new InMemoryStorage();
        int half = TrialCount / 2;
        await RunDeclaredAsync(seed: 7, half, storage);
        IReadOnlyList<FrozenTrial> resumed = await RunDeclaredAsync(seed: 7, TrialCount, storage);
        IReadOnlyList<FrozenTrial> straight = await RunDeclaredAsync(seed: 7, TrialCount);
        Fingerprints(resumed).ShouldBe(Fingerprints(straight));
    }

    /// <summary>A history full of failed, NaN and pruned trials does not break the sampler.</summary>
    [Fact]
    public async Task HistoryOfFailedAndNonFiniteTrials_DoesNotBreakSampling()
    {
        await using Study study = await Study.Builder("conformance-failures").WithSampler(CreateSampler(Space)).WithSeed(5).CreateAsync();
        await study.OptimizeAsync(
            trial => (trial.Number % 4) switch
            {
                0 => throw new InvalidOperationException("boom"),
                1 => double.NaN,
                2 => throw new TrialPrunedException(),
                _ => Objective(trial.Params),
            },
            new OptimizeOptions { NTrials = TrialCount, SearchSpace = Space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(TrialCount);
        trials.ShouldAllBe(t => t.FailReason == null || !t.FailReason.StartsWith("could not choose parameters", StringComparison.Ordinal));
        foreach (FrozenTrial trial in trials)
        {
            Space.Validate(trial.Params).ShouldBeEmpty($"trial {trial.Number}");
        }
    }

    /// <summary>Many asks before any tell (parallel workers) stay valid and differ from one another.</summary>
    [Fact]
    public async Task ParallelAsks_StayValidAndDistinct()
    {
        await using Study study = await Study.Builder("conformance-parallel").WithSampler(CreateSampler(Space)).WithSeed(9).CreateAsync();
        await study.OptimizeAsync(trial => Objective(trial.Params), new OptimizeOptions { NTrials = TrialCount / 2, SearchSpace = Space });
        var pending = new List<Trial>();
        for (int i = 0; i < 8; i++)
        {
            pending.Add(await study.AskAsync(Space));
        }

        foreach (Trial trial in pending)
        {
            Space.Validate(trial.Params).ShouldBeEmpty($"trial {trial.Number}");
        }

        pending.Select(t => Fingerprint(t.Params)).Distinct().Count().ShouldBe(pending.Count);
    }

    private async Task<IReadOnlyList<FrozenTrial>> RunDeclaredAsync(ulong seed, int totalTrials, IStorage? storage = null)
    {
        StudyBuilder builder = Study.Builder("conformance").WithSampler(CreateSampler(Space)).WithSeed(seed);
        if (storage is not null)
        {
            builder.UseStorage(storage);
        }

        await using Study study = await builder.CreateOrLoadAsync();
        await study.OptimizeAsync(trial => Objective(trial.Params), new OptimizeOptions { TotalTrials = totalTrials, SearchSpace = Space });
        return await study.GetTrialsAsync();
    }

    private static string[] Fingerprints(IEnumerable<FrozenTrial> trials) => [.. trials.Select(t => Fingerprint(t.Params))];

    private static string Fingerprint(IReadOnlyDictionary<string, object?> parameters) =>
        string.Join(";", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={CategoricalDistribution.FormatChoice(p.Value)}"));
}
