using Vernier.Runner;
using Vernier.Testing;

namespace Vernier.Runner.Tests.PublicApi;

public class PublicApiTests
{
    [Fact]
    public void VernierRunner_PublicApi_IsTheApprovedOne() =>
        PublicApiApproval.AssertMatches(typeof(StudyRunner).Assembly, Path.Combine(SourceFolder(), "Vernier.Runner.approved.txt"));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
