using Vernier.Storage.Sqlite;
using Vernier.Testing;

namespace Vernier.Storage.Sqlite.Tests.PublicApi;

public class PublicApiTests
{
    [Fact]
    public void VernierStorageSqlite_PublicApi_IsTheApprovedOne() =>
        PublicApiApproval.AssertMatches(typeof(SqliteStorage).Assembly, Path.Combine(SourceFolder(), "Vernier.Storage.Sqlite.approved.txt"));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
