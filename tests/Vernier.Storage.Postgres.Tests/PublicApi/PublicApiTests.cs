using Vernier.Testing;

namespace Vernier.Storage.Postgres.Tests.PublicApi;

public class PublicApiTests
{
    [Fact]
    public void VernierStoragePostgres_PublicApi_IsTheApprovedOne() =>
        PublicApiApproval.AssertMatches(typeof(PostgresStorage).Assembly, Path.Combine(SourceFolder(), "Vernier.Storage.Postgres.approved.txt"));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
