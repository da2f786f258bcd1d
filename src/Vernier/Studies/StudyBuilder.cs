using System.Security.Cryptography;
using System.Text.Json;
using Vernier.Pruners;
using Vernier.Randomness;
using Vernier.Samplers;
using Vernier.Storage;

namespace Vernier.Studies;

/// <summary>
/// Describes a study to create or load. Storage packages extend it (<c>UseSqlite(...)</c>,
/// <c>UsePostgres(...)</c>) through extension methods that call <see cref="UseStorage"/>.
/// </summary>
/// <example>
/// <code>
/// await using Study study = await Study.Builder("mlp")
///     .Maximize()
///     .WithSampler(new RandomSampler())
///     .WithSeed(42)
///     .CreateOrLoadAsync();
/// </code>
/// </example>
public sealed class StudyBuilder
{
    private readonly StudyOptions _options = new();
    private IStorage? _storage;
    private bool _ownsStorage;
    private StudyDirection[]? _directions;
    private Sampler _sampler = new RandomSampler();
    private Pruner _pruner = new NopPruner();
    private ulong? _seed;

    internal StudyBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The study's name.</summary>
    public string Name { get; }

    /// <summary>Keeps the study in <paramref name="storage"/>. The default is a new <see cref="InMemoryStorage"/>.</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="ownsStorage">Whether disposing the study disposes the storage.</param>
    public StudyBuilder UseStorage(IStorage storage, bool ownsStorage = false)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _storage = storage;
        _ownsStorage = ownsStorage;
        return this;
    }

    /// <summary>One objective, minimized (the default).</summary>
    public StudyBuilder Minimize() => WithDirections(StudyDirection.Minimize);

    /// <summary>One objective, maximized.</summary>
    public StudyBuilder Maximize() => WithDirections(StudyDirection.Maximize);

    /// <summary>One direction per objective.</summary>
    /// <param name="directions">At least one.</param>
    public StudyBuilder WithDirections(params StudyDirection[] directions)
    {
        ArgumentNullException.ThrowIfNull(directions);
        if (directions.Length == 0)
        {
            throw new ArgumentException("a study needs at least one direction.", nameof(directions));
        }

        _directions = directions;
        return this;
    }

    /// <summary>The sampler. The default is <see cref="RandomSampler"/>.</summary>
    /// <param name="sampler">The sampler.</param>
    public StudyBuilder WithSampler(Sampler sampler)
    {
        _sampler = sampler ?? throw new ArgumentNullException(nameof(sampler));
        return this;
    }

    /// <summary>The pruner. The default is <see cref="NopPruner"/> (never prunes).</summary>
    /// <param name="pruner">The pruner.</param>
    public StudyBuilder WithPruner(Pruner pruner)
    {
        _pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        return this;
    }

    /// <summary>
    /// The seed of a new study. The default is a random seed, recorded with the study. Loading a
    /// study that was created with another seed is an error.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public StudyBuilder WithSeed(ulong seed)
    {
        _seed = seed;
        return this;
    }

    /// <summary>Adjusts the <see cref="StudyOptions"/>.</summary>
    /// <param name="configure">Changes the options.</param>
    public StudyBuilder Configure(Action<StudyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Creates the study.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="DuplicateStudyException">A study with this name exists.</exception>
    public async Task<Study> CreateAsync(CancellationToken cancellationToken = default)
    {
        _options.Validate();
        IStorage storage = Storage();
        StudyRecord record = await storage.CreateStudyAsync(Name, _directions ?? [StudyDirection.Minimize], _options.TimeProvider.GetUtcNow(), cancellationToken);
        ulong seed = _seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        await storage.SetStudyAttributeAsync(record.StudyId, AttributeScope.System, SystemAttributes.Seed, JsonSerializer.SerializeToElement(seed), cancellationToken);
        return new Study(storage, _ownsStorage, record, seed, _sampler, _pruner, _options);
    }

    /// <summary>Loads an existing study.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StudyNotFoundException">No study has this name.</exception>
    /// <exception cref="ArgumentException">The directions or seed given differ from the stored ones.</exception>
    public async Task<Study> LoadAsync(CancellationToken cancellationToken = default)
    {
        _options.Validate();
        IStorage storage = Storage();
        StudyRecord record = await storage.FindStudyAsync(Name, cancellationToken) ?? throw new StudyNotFoundException(Name);
        return await OpenAsync(storage, record, cancellationToken);
    }

    /// <summary>Loads the study if it exists, otherwise creates it (also when several processes race to create it).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Study> CreateOrLoadAsync(CancellationToken cancellationToken = default)
    {
        _options.Validate();
        IStorage storage = Storage();
        if (await storage.FindStudyAsync(Name, cancellationToken) is { } existing)
        {
            return await OpenAsync(storage, existing, cancellationToken);
        }

        try
        {
            return await CreateAsync(cancellationToken);
        }
        catch (DuplicateStudyException)
        {
            return await LoadAsync(cancellationToken);
        }
    }

    private IStorage Storage()
    {
        if (_storage is null)
        {
            _storage = new InMemoryStorage();
            _ownsStorage = true;
        }

        return _storage;
    }

    private async Task<Study> OpenAsync(IStorage storage, StudyRecord record, CancellationToken cancellationToken)
    {
        if (_directions is not null && !_directions.SequenceEqual(record.Directions))
        {
            throw new ArgumentException(
                $"study '{Name}' was created to {string.Join(", ", record.Directions.Select(d => d.ToWireName()))}, " +
                $"not {string.Join(", ", _directions.Select(d => d.ToWireName()))}; use another study name.");
        }

        ulong seed;
        if (record.SystemAttributes.TryGetValue(SystemAttributes.Seed, out JsonElement stored))
        {
            seed = stored.GetUInt64();
        }
        else
        {
            // Created by a process that has not written its seed yet (or died first): agree on one derived from the name.
            seed = RandomStream.StableHash(record.Name);
            await storage.SetStudyAttributeAsync(record.StudyId, AttributeScope.System, SystemAttributes.Seed, JsonSerializer.SerializeToElement(seed), cancellationToken);
        }

        if (_seed is ulong requested && requested != seed)
        {
            throw new ArgumentException(
                $"study '{Name}' was created with seed {seed}, not {requested}; a study keeps its seed so that it can be reproduced. Use another study name.");
        }

        return new Study(storage, _ownsStorage, record, seed, _sampler, _pruner, _options);
    }
}
