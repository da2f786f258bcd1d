using Vernier.Studies;
using Vernier.Testing;

namespace Vernier.Tests.PublicApi;

public class PublicApiTests
{
    [Fact]
    public void Vernier_PublicApi_IsTheApprovedOne() =>
        PublicApiApproval.AssertMatches(typeof(Study).Assembly, Path.Combine(SourceFolder(), "Vernier.approved.txt"));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
