// A child process for the SQLite storage's multi-process tests. Prints one trial number per line, after the trial is finished.
//   create <db> <study> <count>   prints "ready", waits for a line on standard input, then creates and finishes <count> trials
//   loop <db> <study>             creates and finishes trials until killed
//   budget <db> <study> <total>   prints "ready", waits for a line, then optimizes the study (4 at once) up to its budget of <total> trials
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Storage.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

if (args.Length < 3 || (args[0] is "create" or "budget" && args.Length < 4))
{
    await Console.Error.WriteLineAsync("usage: create <db> <study> <count> | loop <db> <study> | budget <db> <study> <total>");
    return 2;
}

TimeProvider clock = TimeProvider.System;
await using SqliteStorage storage = SqliteStorage.Open(args[1]);
StudyRecord study = await storage.FindStudyAsync(args[2]) ?? throw new InvalidOperationException($"no study '{args[2]}'");
var x = new FloatDistribution(0, 1);

if (args[0] is "create" or "budget")
{
    Console.WriteLine("ready");
    Console.ReadLine();
}

if (args[0] == "budget")
{
    await using Study loaded = await Study.Builder(args[2]).UseStorage(storage).LoadAsync();
    await loaded.OptimizeAsync(
        async (trial, token) =>
        {
            double value = trial.SuggestFloat("x", 0, 1);
            await Task.Yield();
            return value;
        },
        new OptimizeOptions { TotalTrials = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), MaxConcurrency = 4 },
        CancellationToken.None);
    return 0;
}

long remaining = args[0] == "create" ? long.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : long.MaxValue;
for (long i = 0; i < remaining; i++)
{
    FrozenTrial trial = await storage.CreateTrialAsync(study.StudyId, new NewTrial { StartedAt = clock.GetUtcNow() });
    await storage.SetTrialParameterAsync(trial.TrialId, "x", new TrialParameter(x, (trial.Number % 100) / 100.0));
    await storage.SetTrialIntermediateValueAsync(trial.TrialId, 0, trial.Number);
    await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([trial.Number], clock.GetUtcNow()));
    Console.WriteLine(trial.Number);
}

return 0;
