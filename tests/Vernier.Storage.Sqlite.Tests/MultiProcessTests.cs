using System.Globalization;
using Microsoft.Data.Sqlite;
using Vernier.Storage.Sqlite.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite.Tests;

/// <summary>Several real processes on one file, and a process killed mid-write: what one machine running many workers does.</summary>
public sealed class MultiProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateTrial_FourProcessesAtOnce_GetDenseUniqueNumbersWithoutLockErrors()
    {
        const int processes = 4;
        const int perProcess = 50;
        string path = _directory.File("shared.db");
        await CreateStudyAsync(path);
        var workers = Enumerable.Range(0, processes).Select(_ => WorkerProcess.Start("create", path, "shared", $"{perProcess}")).ToList();
        try
        {
            // Release them together once all have opened the file, so that their writes overlap.
            await Task.WhenAll(workers.Select(w => w.WaitForLinesAsync(1, Patience)));
            workers.ForEach(w => w.Send("go"));
            int[] exitCodes = await Task.WhenAll(workers.Select(w => w.WaitForExitAsync(Patience)));

            foreach (WorkerProcess worker in workers)
            {
                worker.Errors.ShouldBeEmpty();
            }

            exitCodes.ShouldAllBe(code => code == 0);
            int[] reported = [.. workers.SelectMany(w => w.Lines.Skip(1)).Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
            reported.Order().ShouldBe(Enumerable.Range(0, processes * perProcess));

            await using SqliteStorage storage = SqliteStorage.Open(path);
            StudyRecord study = (await storage.FindStudyAsync("shared")).ShouldNotBeNull();
            IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
            trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, processes * perProcess));
            trials.ShouldAllBe(t => t.State == TrialState.Complete && t.Value == t.Number);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task StudyBudget_FourProcessesRacingForIt_NeverExceedIt()
    {
        const int budget = 40;
        string path = _directory.File("budget.db");
        await using (SqliteStorage storage = SqliteStorage.Open(path))
        await using (await Study.Builder("budget").UseStorage(storage).CreateAsync())
        {
        }

        var workers = Enumerable.Range(0, 4).Select(_ => WorkerProcess.Start("budget", path, "budget", $"{budget}")).ToList();
        try
        {
            await Task.WhenAll(workers.Select(w => w.WaitForLinesAsync(1, Patience)));
            workers.ForEach(w => w.Send("go"));
            int[] exitCodes = await Task.WhenAll(workers.Select(w => w.WaitForExitAsync(Patience)));
            foreach (WorkerProcess worker in workers)
            {
                worker.Errors.ShouldBeEmpty();
            }

            exitCodes.ShouldAllBe(code => code == 0);
            await using SqliteStorage reader = SqliteStorage.Open(path);
            StudyRecord study = (await reader.FindStudyAsync("budget")).ShouldNotBeNull();
            IReadOnlyList<FrozenTrial> trials = await reader.GetTrialsAsync(study.StudyId);
            trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, budget));
            trials.ShouldAllBe(t => t.State == TrialState.Complete);
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [Fact]
    public async Task KilledProcess_LosesNoTrialItReportedFinished_AndTheFileStaysSound()
    {
        string path = _directory.File("killed.db");
        await CreateStudyAsync(path);
        int[] reported;
        using (WorkerProcess worker = WorkerProcess.Start("loop", path, "shared"))
        {
            await worker.WaitForLinesAsync(40, Patience);
            worker.Kill();
            (await worker.WaitForExitAsync(Patience)).ShouldNotBe(0);
            reported = [.. worker.Lines.Select(n => int.Parse(n, CultureInfo.InvariantCulture))];
        }

        using (SqliteConnection connection = RawDatabase.Open(path))
        using (SqliteCommand check = connection.Command("PRAGMA integrity_check"))
        {
            check.ExecuteScalar().ShouldBe("ok");
        }

        await using SqliteStorage storage = SqliteStorage.Open(path);
        StudyRecord study = (await storage.FindStudyAsync("shared")).ShouldNotBeNull();
        Dictionary<int, FrozenTrial> trials = (await storage.GetTrialsAsync(study.StudyId)).ToDictionary(t => t.Number);
        reported.Length.ShouldBeGreaterThanOrEqualTo(40);
        foreach (int number in reported)
        {
            FrozenTrial trial = trials[number];
            trial.State.ShouldBe(TrialState.Complete, $"trial {number} was reported finished");
            trial.Value.ShouldBe(number);
        }

        // At most the trial in flight when the process died is left unfinished (Running, for a stale-trial sweep).
        trials.Values.Count(t => t.State != TrialState.Complete).ShouldBeLessThanOrEqualTo(1);
        trials.Keys.Order().ShouldBe(Enumerable.Range(0, trials.Count));
    }

    private static async Task CreateStudyAsync(string path)
    {
        await using SqliteStorage storage = SqliteStorage.Open(path);
        await storage.CreateStudyAsync("shared", [StudyDirection.Minimize], DateTimeOffset.UnixEpoch);
    }
}
