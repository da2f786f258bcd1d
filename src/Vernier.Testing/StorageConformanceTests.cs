using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

/// <summary>
/// The behaviour every <see cref="IStorage"/> promises, as one abstract xunit class: a backend's
/// test project subclasses it, implements <see cref="CreateStorageAsync"/>, and inherits every test.
/// </summary>
/// <remarks>
/// <para>Each test asks for fresh, empty stores through <see cref="CreateStorageAsync"/>; the suite
/// disposes every storage it obtained when the test ends. A subclass that creates files cleans
/// them up in <see cref="IDisposable.Dispose"/>, which xunit calls after that.</para>
/// <para>Persistent backends also override <see cref="OpenSecondHandleAsync"/> to open another,
/// independent handle on the same store (as a second process would): the concurrency tests then
/// spread their callers over both handles, and the cross-handle tests check that each sees the
/// other's writes. Backends that cannot (in-memory) keep the default, and those parts are skipped.</para>
/// <example>
/// <code>
/// public sealed class InMemoryStorageTests : StorageConformanceTests
/// {
///     protected override Task&lt;IStorage&gt; CreateStorageAsync() =&gt; Task.FromResult&lt;IStorage&gt;(new InMemoryStorage());
/// }
/// </code>
/// </example>
/// </remarks>
public abstract partial class StorageConformanceTests : IAsyncLifetime
{
    /// <summary>A fixed, UTC instant with sub-millisecond ticks, so that timestamp precision is exercised.</summary>
    private static readonly DateTimeOffset Epoch = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private readonly List<IStorage> _storages = [];
    private readonly Lock _storagesGate = new();

    /// <summary>Creates a new, empty store and a handle on it.</summary>
    protected abstract Task<IStorage> CreateStorageAsync();

    /// <summary>
    /// Opens a second, independent handle on the store behind <paramref name="storage"/> (for a
    /// file or a database: a new connection, as another process would), or returns null when the
    /// backend cannot. The default returns null.
    /// </summary>
    /// <param name="storage">A handle returned by <see cref="CreateStorageAsync"/>.</param>
    protected virtual Task<IStorage?> OpenSecondHandleAsync(IStorage storage) => Task.FromResult<IStorage?>(null);

    /// <summary>
    /// The finest time step the backend keeps: timestamps must come back within this of what was
    /// written. The default, one tick, means exactly.
    /// </summary>
    protected virtual TimeSpan TimestampResolution => TimeSpan.FromTicks(1);

    /// <inheritdoc />
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    async Task IAsyncLifetime.DisposeAsync()
    {
        IStorage[] storages;
        lock (_storagesGate)
        {
            storages = [.. _storages];
            _storages.Clear();
        }

        foreach (IStorage storage in storages)
        {
            await storage.DisposeAsync();
        }
    }

    /// <summary>An instant <paramref name="seconds"/> after a fixed epoch.</summary>
    private static DateTimeOffset At(double seconds) => Epoch.AddSeconds(seconds);

    private async Task<IStorage> NewStorageAsync()
    {
        IStorage storage = await CreateStorageAsync();
        Track(storage);
        return storage;
    }

    /// <summary>The storage and, when the backend can open one, a second handle on the same store.</summary>
    private async Task<(IStorage First, IStorage? Second)> NewStorageWithSecondHandleAsync()
    {
        IStorage first = await NewStorageAsync();
        IStorage? second = await OpenSecondHandleAsync(first);
        if (second is not null)
        {
            Track(second);
        }

        return (first, second);
    }

    /// <summary>Handles to spread concurrent callers over: both when a second exists, else the one twice.</summary>
    private async Task<IStorage[]> NewStorageHandlesAsync()
    {
        (IStorage first, IStorage? second) = await NewStorageWithSecondHandleAsync();
        return [first, second ?? first];
    }

    private void Track(IStorage storage)
    {
        lock (_storagesGate)
        {
            _storages.Add(storage);
        }
    }

    private static Task<StudyRecord> NewStudyAsync(IStorage storage, string name = "study") =>
        storage.CreateStudyAsync(name, [StudyDirection.Minimize], At(0));

    private static Task<FrozenTrial> NewRunningTrialAsync(IStorage storage, long studyId, int? maxRunning = null) =>
        storage.CreateTrialAsync(studyId, new NewTrial { State = TrialState.Running, StartedAt = At(1) }, maxRunning);

    private static Task<FrozenTrial> NewWaitingTrialAsync(IStorage storage, long studyId) =>
        storage.CreateTrialAsync(studyId, new NewTrial { State = TrialState.Waiting, Parameters = SampleData.Parameters() });

    /// <summary>Runs <paramref name="workers"/> callers at once, released together, and waits for all.</summary>
    private static async Task RunConcurrentlyAsync(int workers, Func<int, Task> work)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task[] tasks = [.. Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            await work(w);
        }))];
        start.SetResult();
        await Task.WhenAll(tasks);
    }

    private void ShouldMatch(FrozenTrial actual, FrozenTrial expected) =>
        TrialAssertions.ShouldMatch(actual, expected, TimestampResolution);

    private void ShouldBeSameInstant(DateTimeOffset? actual, DateTimeOffset? expected) =>
        TrialAssertions.ShouldBeSameInstant(actual, expected, TimestampResolution, "timestamp");
}
