using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Plots.Tests.Support;

/// <summary>In-memory studies made through ask and tell, for reports: complete, pruned (after reporting) and failed trials.</summary>
internal static class ReportStudies
{
    /// <summary>
    /// <paramref name="count"/> trials of a study where <c>x</c> decides the value, <c>noise</c> does not matter and
    /// <c>kind</c> adds a constant: every 5th trial pruned after two reports, every 7th failed, the rest complete.
    /// </summary>
    public static async Task<Study> CreateAsync(string name, int count, params StudyDirection[] directions)
    {
        Study study = await Study.Builder(name).WithDirections(directions.Length == 0 ? [StudyDirection.Minimize] : directions).WithSeed(5).CreateAsync();
        for (int i = 0; i < count; i++)
        {
            Trial trial = await study.AskAsync();
            double x = trial.SuggestFloat("x", -5, 5);
            double noise = trial.SuggestFloat("noise", 1e-3, 1, log: true);
            string kind = trial.SuggestCategorical("kind", ["a", "b"]);
            double value = (x * x) + (kind == "b" ? 0.5 : 0) + (noise * 1e-6);
            trial.Report(value + 2, 0);
            trial.Report(value + 1, 1);
            if (i % 5 == 4)
            {
                await study.TellPrunedAsync(trial.Number);
            }
            else if (i % 7 == 6)
            {
                await study.TellFailedAsync(trial.Number, "boom");
            }
            else
            {
                await study.TellAsync(trial, directions.Length <= 1 ? [value] : [value, (x - 2) * (x - 2)]);
            }
        }

        return study;
    }
}
