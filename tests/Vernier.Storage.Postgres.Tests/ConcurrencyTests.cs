using System.Collections.Concurrent;
using Vernier.Storage.Postgres.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres.Tests;

/// <summary>Many handles (as many processes would open) on one study at once.</summary>
public sealed class ConcurrencyTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Epoch = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CreateTrial_ManyHandlesAndTasks_NumbersAreUniqueAndDense()
    {
        PostgresUrl url = database.NewSchema("numbers");
        PostgresStorage[] handles = [.. Enumerable.Range(0, 4).Select(_ => PostgresStorage.Open(url))];
        try
        {
            StudyRecord study = await handles[0].CreateStudyAsync("busy", [StudyDirection.Minimize], Epoch);
            StudyRecord other = await handles[0].CreateStudyAsync("other", [StudyDirection.Minimize], Epoch);
            var numbers = new ConcurrentBag<int>();

            await RunTogetherAsync(32, async worker =>
            {
                IStorage storage = handles[worker % handles.Length];
                for (int i = 0; i < 25; i++)
                {
                    numbers.Add((await storage.CreateTrialAsync(study.StudyId, new NewTrial { StartedAt = Epoch })).Number);

                    // Another study's trials interleave without taking its numbers.
                    if (i % 5 == 0)
                    {
                        await storage.CreateTrialAsync(other.StudyId, new NewTrial { State = TrialState.Waiting });
                    }
                }
            });

            numbers.Order().ShouldBe(Enumerable.Range(0, 800));
            (await handles[1].GetTrialsAsync(study.StudyId)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, 800));
            (await handles[2].GetTrialsAsync(other.StudyId)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, 160));
        }
        finally
        {
            await DisposeAllAsync(handles);
        }
    }

    [Fact]
    public async Task CreateAndClaim_ManyHandlesUnderMaxRunning_NeverExceedTheLimit()
    {
        const int limit = 3;
        PostgresUrl url = database.NewSchema("limit");
        PostgresStorage[] handles = [.. Enumerable.Range(0, 4).Select(_ => PostgresStorage.Open(url))];
        try
        {
            StudyRecord study = await handles[0].CreateStudyAsync("limited", [StudyDirection.Minimize], Epoch);
            for (int i = 0; i < 40; i++)
            {
                await handles[0].CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting });
            }

            int started = 0;
            int refused = 0;
            int maxSeen = 0;
            using var stop = new CancellationTokenSource();

            // A watcher reads committed states throughout: no snapshot may ever show more than the limit running.
            Task watcher = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    int running = (await handles[3].GetTrialsAsync(study.StudyId, [TrialState.Running])).Count;
                    InterlockedMax(ref maxSeen, running);
                }
            });

            await RunTogetherAsync(16, async worker =>
            {
                IStorage storage = handles[worker % 3];
                for (int i = 0; i < 12; i++)
                {
                    FrozenTrial? trial;
                    if ((worker + i) % 2 == 0)
                    {
                        trial = await storage.ClaimWaitingTrialAsync(study.StudyId, Epoch, limit);
                    }
                    else
                    {
                        try
                        {
                            trial = await storage.CreateTrialAsync(study.StudyId, new NewTrial { StartedAt = Epoch }, limit);
                        }
                        catch (ConcurrencyLimitExceededException)
                        {
                            trial = null;
                        }
                    }

                    if (trial is null)
                    {
                        Interlocked.Increment(ref refused);
                        continue;
                    }

                    Interlocked.Increment(ref started);
                    (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([i], Epoch))).ShouldBeTrue();
                }
            });
            await stop.CancelAsync();
            await watcher;

            maxSeen.ShouldBeLessThanOrEqualTo(limit);
            started.ShouldBeGreaterThan(0);
            IReadOnlyList<FrozenTrial> trials = await handles[0].GetTrialsAsync(study.StudyId);
            trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, trials.Count));
            trials.Count(t => t.State == TrialState.Complete).ShouldBe(started);
            trials.Count(t => t.State == TrialState.Running).ShouldBe(0);
        }
        finally
        {
            await DisposeAllAsync(handles);
        }
    }

    [Fact]
    public async Task ClaimWaitingTrial_ManyHandles_ClaimEachTrialExactlyOnce()
    {
        PostgresUrl url = database.NewSchema("claim");
        PostgresStorage[] handles = [.. Enumerable.Range(0, 4).Select(_ => PostgresStorage.Open(url))];
        try
        {
            StudyRecord study = await handles[0].CreateStudyAsync("queue", [StudyDirection.Minimize], Epoch);
            for (int i = 0; i < 100; i++)
            {
                await handles[0].CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting });
            }

            var claimed = new ConcurrentBag<int>();
            await RunTogetherAsync(16, async worker =>
            {
                while (await handles[worker % handles.Length].ClaimWaitingTrialAsync(study.StudyId, Epoch) is { } trial)
                {
                    claimed.Add(trial.Number);
                }
            });

            claimed.Order().ShouldBe(Enumerable.Range(0, 100));
        }
        finally
        {
            await DisposeAllAsync(handles);
        }
    }

    private static async Task RunTogetherAsync(int workers, Func<int, Task> work)
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

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<PostgresStorage> storages)
    {
        foreach (PostgresStorage storage in storages)
        {
            await storage.DisposeAsync();
        }
    }
}
