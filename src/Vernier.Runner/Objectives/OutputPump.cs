using System.Text;

namespace Vernier.Runner.Objectives;

/// <summary>Copies a process's output stream to its log file byte for byte and hands on each complete line as it arrives.</summary>
/// <remarks>
/// Lines are split on <c>\n</c> only and a trailing <c>\r</c> is dropped, so the log keeps progress
/// bars (<c>\r</c> redraws) exactly as printed. A line longer than <see cref="MaxLineBytes"/> is cut
/// for parsing; the log still has all of it.
/// </remarks>
internal static class OutputPump
{
    public const int MaxLineBytes = 1 << 20;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static async Task RunAsync(Stream source, Stream log, Func<string, ValueTask> onLine, OutputActivity? activity, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        var pending = new MemoryStream();
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            activity?.Touch();
            // Written and flushed per read, so the log can be followed live (tail -f) and survives a crash of Vernier itself.
            await log.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
            await log.FlushAsync(CancellationToken.None);

            int start = 0;
            while (start < read)
            {
                int newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                int end = newline < 0 ? read : newline;
                if (pending.Length < MaxLineBytes)
                {
                    pending.Write(buffer, start, (int)Math.Min(end - start, MaxLineBytes - pending.Length));
                }

                if (newline < 0)
                {
                    break;
                }

                await onLine(Decode(pending));
                pending.SetLength(0);
                start = newline + 1;
            }
        }

        if (pending.Length > 0)
        {
            await onLine(Decode(pending));
        }
    }

    private static string Decode(MemoryStream bytes)
    {
        ReadOnlySpan<byte> span = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            span = span[..^1];
        }

        return Utf8.GetString(span);
    }
}
