using Vernier.Storage.Sqlite;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Cli.Tests.Support;

/// <summary>Studies the plot, report and importance commands are tried on.</summary>
internal static class SampleStudies
{
    /// <summary>A SQLite study (plots.db) of <paramref name="count"/> trials over lr (log), layers and optimizer: the 5th pruned (after reporting), the 7th failed, the rest complete.</summary>
    public static async Task<string> CreateSqliteAsync(TempDirectory dir, string name, int count)
    {
        string url = $"sqlite:///{dir.Path}/plots.db";
        await using Study study = await Study.Builder(name).UseSqlite(url).Minimize().WithSeed(3).CreateAsync();
        for (int i = 0; i < count; i++)
        {
            Trial trial = await study.AskAsync();
            double lr = trial.SuggestFloat("lr", 1e-4, 1e-1, log: true);
            int layers = trial.SuggestInt("layers", 1, 4);
            string optimizer = trial.SuggestCategorical("optimizer", ["adam", "sgd"]);
            double loss = Math.Abs(Math.Log10(lr) + 2) + layers + (optimizer == "sgd" ? 1 : 0);
            trial.Report(loss + 1, 0);
            trial.Report(loss + 0.5, 1);
            if (i == 4)
            {
                await study.TellPrunedAsync(trial.Number);
            }
            else if (i == 6)
            {
                await study.TellFailedAsync(trial.Number, "boom");
            }
            else
            {
                await study.TellAsync(trial, loss);
            }
        }

        return url;
    }
}
