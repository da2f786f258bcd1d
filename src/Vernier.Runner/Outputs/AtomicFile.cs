using System.Text;

namespace Vernier.Runner.Outputs;

/// <summary>Writes files so that a reader (or a crash) never sees them half-written: a temporary file in the same folder, then a rename.</summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/> atomically.</summary>
    /// <param name="path">The file to write; its folder is created if missing.</param>
    /// <param name="content">The text, written as UTF-8.</param>
    /// <param name="cancellationToken">Cancels the write (the old file stays).</param>
    public static async Task WriteAllTextAsync(string path, string content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WriteAsync(path, async stream =>
        {
            byte[] bytes = Utf8NoBom.GetBytes(content);
            await stream.WriteAsync(bytes, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> puts in a stream, atomically.</summary>
    /// <param name="path">The file to write; its folder is created if missing.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="cancellationToken">Cancels the write (the old file stays).</param>
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
