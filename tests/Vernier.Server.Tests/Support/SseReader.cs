using System.Text;
using System.Text.Json;

namespace Vernier.Server.Tests.Support;

/// <summary>Reads a server-sent-events stream line by line.</summary>
internal sealed class SseReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationToken _cancellationToken;

    private SseReader(HttpResponseMessage response, StreamReader reader, CancellationToken cancellationToken)
    {
        _response = response;
        _reader = reader;
        _cancellationToken = cancellationToken;
    }

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return new SseReader(response, new StreamReader(stream, Encoding.UTF8), cancellationToken);
    }

    /// <summary>The next event (comment lines skipped).</summary>
    public async Task<(string Event, JsonElement Data)> NextAsync()
    {
        string name = "message";
        var data = new StringBuilder();
        while (true)
        {
            string line = await _reader.ReadLineAsync(_cancellationToken) ?? throw new EndOfStreamException("the event stream ended.");
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    using JsonDocument document = JsonDocument.Parse(data.ToString());
                    return (name, document.RootElement.Clone());
                }

                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line["data: ".Length..]);
            }
        }
    }

    /// <summary>The next comment line.</summary>
    public async Task<string> NextCommentAsync()
    {
        while (true)
        {
            string line = await _reader.ReadLineAsync(_cancellationToken) ?? throw new EndOfStreamException("the event stream ended.");
            if (line.StartsWith(':'))
            {
                return line;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
