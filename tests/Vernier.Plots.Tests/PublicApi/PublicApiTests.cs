using Vernier.Testing;

namespace Vernier.Plots.Tests.PublicApi;

public class PublicApiTests
{
    [Fact]
    public void VernierPlots_PublicApi_IsTheApprovedOne() =>
        PublicApiApproval.AssertMatches(typeof(StudyPlots).Assembly, Path.Combine(SourceFolder(), "Vernier.Plots.approved.txt"));

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
