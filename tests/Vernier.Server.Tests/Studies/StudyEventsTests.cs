using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vernier.Server.Studies;
using Vernier.Server.Tests.Support;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Tests.Studies;

public sealed class StudyEventsTests
{
    [Fact]
    public async Task Events_TrialToldThroughTheApi_IsStreamed()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await using Study study = await Study.Builder("live").UseStorage(host.Storage).CreateAsync();
        await study.AskAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using SseReader events = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);
        (await events.NextAsync()).Event.ShouldBe("ready");

        (await host.Client.PostJsonAsync("/api/studies/live/trials/0/tell", """{"values": [0.5]}""")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (string name, JsonElement data) = await events.NextAsync();
        name.ShouldBe(TrialEvent.Finished);
        data.GetProperty("type").GetString().ShouldBe(TrialEvent.Finished);
        data.GetProperty("study").GetString().ShouldBe("live");
        data.GetProperty("trial").GetProperty("number").GetInt32().ShouldBe(0);
        data.GetProperty("trial").GetProperty("values")[0].GetDouble().ShouldBe(0.5);
    }

    [Fact]
    public async Task Events_ChangesByAnotherWriter_AreFoundByPolling()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => Copy(o, TimeSpan.FromMilliseconds(50)));
        await using Study study = await Study.Builder("live").UseStorage(host.Storage).CreateAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using SseReader events = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);
        (await events.NextAsync()).Event.ShouldBe("ready");

        // Written straight to the storage, as another process would: only the poller can see these.
        Trial trial = await study.AskAsync();
        var seen = new List<string> { (await events.NextAsync()).Event };
        trial.Report(0.7, 1);
        seen.Add((await events.NextAsync()).Event);
        await study.TellAsync(trial, 0.1);
        seen.Add((await events.NextAsync()).Event);

        seen.ShouldBe([TrialEvent.Created, TrialEvent.IntermediateValue, TrialEvent.Finished]);
    }

    [Fact]
    public async Task Events_TrialsCreatedAndFinishedBetweenTicks_AreStillReported()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => Copy(o, TimeSpan.FromMilliseconds(50)));
        await using Study study = await Study.Builder("live").UseStorage(host.Storage).CreateAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using SseReader events = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);
        (await events.NextAsync()).Event.ShouldBe("ready");

        for (int i = 0; i < 3; i++)
        {
            await study.TellAsync(await study.AskAsync(), i);
        }

        var finished = new List<int>();
        while (finished.Count < 3)
        {
            (string name, JsonElement data) = await events.NextAsync();
            if (name == TrialEvent.Finished)
            {
                finished.Add(data.GetProperty("trial").GetProperty("number").GetInt32());
            }
        }

        finished.ShouldBe([0, 1, 2]);
    }

    [Fact]
    public async Task Events_Quiet_SendsHeartbeatComments()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => Copy(o, TimeSpan.FromSeconds(1), heartbeat: TimeSpan.FromMilliseconds(50)));
        await using Study study = await Study.Builder("live").UseStorage(host.Storage).CreateAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using SseReader events = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);

        (await events.NextCommentAsync()).ShouldBe(": heartbeat");
    }

    [Fact]
    public async Task Events_LastListenerLeaves_PollingStops()
    {
        await using ServerHost host = await ServerHost.StartAsync(configure: o => Copy(o, TimeSpan.FromMilliseconds(50)));
        await using Study study = await Study.Builder("live").UseStorage(host.Storage).CreateAsync();
        StudyEventHub hub = host.Services.GetRequiredService<StudyEventHub>();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            using SseReader first = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);
            using SseReader second = await SseReader.OpenAsync(host.Client, "/api/studies/live/events", cancel.Token);
            (await first.NextAsync()).Event.ShouldBe("ready");
            (await second.NextAsync()).Event.ShouldBe("ready");
            hub.ActiveFeeds.ShouldBe(1);
            await cancel.CancelAsync();
        }

        for (int wait = 0; wait < 1000 && hub.ActiveFeeds != 0; wait++)
        {
            await Task.Delay(10); // The feed stops as the server notices the clients are gone.
        }

        hub.ActiveFeeds.ShouldBe(0);
    }

    [Fact]
    public async Task Events_UnknownStudy_Is404()
    {
        await using ServerHost host = await ServerHost.StartAsync();
        await (await host.Client.GetAsync("/api/studies/nope/events")).ProblemAsync(HttpStatusCode.NotFound);
    }

    private static VernierServerOptions Copy(VernierServerOptions o, TimeSpan poll, TimeSpan? heartbeat = null) => new()
    {
        Storage = o.Storage,
        EventPollInterval = poll,
        EventHeartbeatInterval = heartbeat ?? TimeSpan.FromSeconds(15),
    };
}
