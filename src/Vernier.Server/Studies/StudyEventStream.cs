using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vernier.Storage;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Vernier.Server.Studies;

/// <summary>
/// <c>GET /api/studies/{name}/events</c>: a server-sent-events stream. It opens with an <c>event: ready</c>, then one event
/// per trial change (the event name is the change's type, the data the trial as JSON), and a <c>: heartbeat</c> comment
/// line when it has been quiet for <see cref="VernierServerOptions.EventHeartbeatInterval"/>.
/// </summary>
internal static class StudyEventStream
{
    public const string ContentType = "text/event-stream";

    public static async Task StreamAsync(
        string name, HttpContext context, IStorage storage, StudyEventHub hub, VernierServerOptions options, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, CancellationToken requestAborted)
    {
        // The stream ends when the client leaves or the server stops (a stream never ends by itself, so shutdown must not wait for it).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        CancellationToken cancellationToken = linked.Token;
        StudyRecord study = await StudyEndpoints.FindStudyAsync(storage, name, cancellationToken);
        using StudyEventHub.Subscription subscription = await hub.SubscribeAsync(study, cancellationToken);
        HttpResponse response = context.Response;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // Tell nginx-style proxies not to buffer the stream.
        JsonSerializerOptions serializer = json.Value.SerializerOptions;
        long id = 0;
        await WriteAsync(response, $"retry: 3000\nevent: ready\ndata: {JsonSerializer.Serialize(new { study = study.Name }, serializer)}\n\n", cancellationToken);
        try
        {
            Task<bool>? next = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                next ??= subscription.Events.WaitToReadAsync(cancellationToken).AsTask();
                using (var quietTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    Task quiet = Task.Delay(options.EventHeartbeatInterval, options.TimeProvider, quietTimer.Token);
                    Task first = await Task.WhenAny(next, quiet);
                    await quietTimer.CancelAsync();
                    if (first != next)
                    {
                        await WriteAsync(response, ": heartbeat\n\n", cancellationToken);
                        continue;
                    }
                }

                bool more = await next;
                next = null;
                if (!more)
                {
                    return;
                }

                var text = new StringBuilder();
                while (subscription.Events.TryRead(out TrialEvent? change))
                {
                    text.Append("id: ").Append(++id).Append("\nevent: ").Append(change.Type).Append("\ndata: ")
                        .Append(JsonSerializer.Serialize(change, serializer)).Append("\n\n");
                }

                await WriteAsync(response, text.ToString(), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
