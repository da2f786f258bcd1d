using Vernier.Samplers.CmaEs;
using Vernier.Storage.Sqlite.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite.Tests.Samplers;

public sealed class CmaEsOnSqliteTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static double Objective(Trial trial)
    {
        double x = trial.SuggestFloat("x", -5, 5), y = trial.SuggestFloat("y", 1e-3, 10, log: true);
        int k = trial.SuggestInt("k", 0, 20);
        return (x - 1) * (x - 1) + Math.Pow(Math.Log10(y) - 0.3, 2) + Math.Abs(k - 13);
    }

    private static async Task<IReadOnlyList<FrozenTrial>> RunAsync(IStorage storage, int totalTrials)
    {
        await using Study study = await Study.Builder("cmaes").UseStorage(storage).WithSampler(new CmaEsSampler()).WithSeed(3).CreateOrLoadAsync();
        await study.OptimizeAsync(Objective, new OptimizeOptions { TotalTrials = totalTrials });
        return await study.GetTrialsAsync();
    }

    private static string Fingerprint(FrozenTrial t) =>
        string.Join(";", t.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.InternalValue:R}")) + "|" +
        string.Join(";", t.SystemAttributes.Where(a => a.Key.StartsWith("cmaes:", StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value.GetRawText()));

    [Fact]
    public async Task CmaEsStudy_ReopenedFromTheFileMidGeneration_ContinuesExactlyAsInMemory()
    {
        string path = _directory.File("cmaes.db");
        await using (SqliteStorage first = SqliteStorage.Open(path))
        {
            await RunAsync(first, 23);
        }

        IReadOnlyList<FrozenTrial> resumed;
        await using (SqliteStorage second = SqliteStorage.Open(path))
        {
            resumed = await RunAsync(second, 50);
        }

        IReadOnlyList<FrozenTrial> straight = await RunAsync(new InMemoryStorage(), 50);
        resumed.Select(Fingerprint).ShouldBe(straight.Select(Fingerprint));
    }
}
