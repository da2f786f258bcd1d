using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;

namespace Vernier.Runner.Tests.Outputs;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task WriteAllTextAsync_ExistingFile_IsReplacedWithoutTemporaryFilesLeft()
    {
        string path = _temp.Combine("f.txt");
        await File.WriteAllTextAsync(path, "the old content, which is longer than the new one");

        await AtomicFile.WriteAllTextAsync(path, "new é");

        (await File.ReadAllBytesAsync(path)).ShouldBe("new é"u8.ToArray()); // UTF-8, no byte order mark
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).ShouldBe(["f.txt"]);
    }

    [Fact]
    public async Task WriteAllTextAsync_MissingFolder_IsCreated()
    {
        string path = _temp.Combine("a", "b", "f.txt");

        await AtomicFile.WriteAllTextAsync(path, "x");

        (await File.ReadAllTextAsync(path)).ShouldBe("x");
    }

    [Fact]
    public async Task WriteAsync_WriterThrows_KeepsTheOldContentAndRemovesTheTemporaryFile()
    {
        string path = _temp.Combine("f.txt");
        await File.WriteAllTextAsync(path, "old");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => AtomicFile.WriteAsync(path, async stream =>
        {
            await stream.WriteAsync("half-writ"u8.ToArray());
            throw new InvalidOperationException("disk on fire");
        }));

        error.Message.ShouldBe("disk on fire");
        (await File.ReadAllTextAsync(path)).ShouldBe("old");
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).ShouldBe(["f.txt"]);
    }

    [Fact]
    public async Task WriteAllTextAsync_Cancelled_KeepsTheOldContentAndRemovesTheTemporaryFile()
    {
        string path = _temp.Combine("f.txt");
        await File.WriteAllTextAsync(path, "old");

        await Should.ThrowAsync<OperationCanceledException>(() => AtomicFile.WriteAllTextAsync(path, "new", new CancellationToken(canceled: true)));

        (await File.ReadAllTextAsync(path)).ShouldBe("old");
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).ShouldBe(["f.txt"]);
    }

    [Fact]
    public async Task WriteAllTextAsync_ConcurrentWriters_LeaveOneWholeVersion()
    {
        string path = _temp.Combine("f.txt");
        string[] versions = [.. Enumerable.Range(0, 16).Select(i => new string((char)('a' + i), 10_000 + i))];

        await Task.WhenAll(versions.Select(v => Task.Run(() => AtomicFile.WriteAllTextAsync(path, v))));

        versions.ShouldContain(await File.ReadAllTextAsync(path));
        Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).ShouldBe(["f.txt"]);
    }
}
