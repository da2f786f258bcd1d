using System.Diagnostics;
using Vernier.Runner.Objectives.Pipelines;
using Vernier.Runner.Tests.Support;

namespace Vernier.Runner.Tests.Objectives.Pipelines;

public sealed class StepCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task LockAsync_KeyHeldByAnotherProcess_WaitsUntilItIsReleased()
    {
        var cache = new StepCache(_temp.Path, TimeProvider.System);
        string lockFile = _temp.Combine(StepCache.DirectoryName, "locks", "k.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        string started = _temp.Combine("started");
        string released = _temp.Combine("released");
        using Process holder = Process.Start(new ProcessStartInfo("flock", [lockFile, "bash", "-c", $"touch '{started}'; sleep 1; touch '{released}'"]))!;
        while (!File.Exists(started))
        {
            await Task.Delay(10);
        }

        await using (await cache.LockAsync("k", CancellationToken.None))
        {
            File.Exists(released).ShouldBeTrue();
        }

        await holder.WaitForExitAsync();
    }

    [Fact]
    public void HashInput_Folder_ChangesWithAFilesContentButNotWithItsTime()
    {
        string folder = _temp.Combine("raw");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, "sub", "a.txt"), "one");
        string before = StepCache.HashInput(folder);

        File.SetLastWriteTimeUtc(Path.Combine(folder, "sub", "a.txt"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string touched = StepCache.HashInput(folder);
        File.WriteAllText(Path.Combine(folder, "sub", "a.txt"), "two");
        string changed = StepCache.HashInput(folder);

        touched.ShouldBe(before);
        changed.ShouldNotBe(before);
        StepCache.HashInput(_temp.Combine("nope")).ShouldBe("missing");
    }
}
