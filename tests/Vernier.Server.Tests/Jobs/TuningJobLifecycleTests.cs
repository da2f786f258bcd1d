using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Server.Tests.Support;
using Vernier.Storage;
using Vernier.Storage.Sqlite;
using Vernier.Trials;
using static Vernier.Server.Tests.Jobs.JobTestKit;

namespace Vernier.Server.Tests.Jobs;

public sealed class TuningJobLifecycleTests : IDisposable
{
    private readonly JobTestKit _kit = new();

    private Task<ServerHost> StartHostAsync(IStorage? storage = null, bool allowCommands = true, Dictionary<string, string>? templates = null) =>
        ServerHost.StartAsync(storage, o => new VernierServerOptions
        {
            Storage = o.Storage,
            AllowCommands = allowCommands,
            CommandTemplates = templates ?? [],
            ArtifactsRoot = _kit.ArtifactsRoot,
        });

    [Fact]
    public async Task Job_CreatedStartedAndPolled_CompletesWithBestTrialTrialsAndDownloadableArtifacts()
    {
        await using ServerHost host = await StartHostAsync();
        JsonElement created = await CreateAsync(host, _kit.Request(samples: 4, concurrency: 2));
        string id = created.GetProperty("id").GetString()!;
        Status(created).ShouldBe("created");
        created.GetProperty("name").GetString().ShouldBe("sweep");
        created.GetProperty("dataset_key").GetString().ShouldBe("digits-v1");
        created.GetProperty("num_samples").GetInt32().ShouldBe(4);
        created.GetProperty("search_space").GetProperty("learning_rate").GetProperty("type").GetString().ShouldBe("loguniform");
        created.TryGetProperty("created_at", out _).ShouldBeTrue();

        Status(await StartAsync(host, id)).ShouldBe("running");
        JsonElement done = await PollAsync(host, id, j => Status(j) is not ("created" or "running"));

        Status(done).ShouldBe("completed", done.ToString());
        JsonElement progress = done.GetProperty("progress");
        progress.GetProperty("completed").GetInt32().ShouldBe(4);
        progress.GetProperty("total").GetInt32().ShouldBe(4);
        progress.GetProperty("running").GetInt32().ShouldBe(0);

        JsonElement[] trials = [.. done.GetProperty("trials").EnumerateArray()];
        trials.Length.ShouldBe(4);
        foreach (JsonElement trial in trials)
        {
            trial.GetProperty("status").GetString().ShouldBe("completed");
            JsonElement parameters = trial.GetProperty("params");
            parameters.GetProperty("learning_rate").GetDouble().ShouldBeInRange(1e-5, 1e-3);
            new[] { 4, 8, 16 }.ShouldContain(parameters.GetProperty("batch_size").GetInt32());
            new[] { 1, 2 }.ShouldContain(parameters.GetProperty("layers").GetInt32()); // randint's max is exclusive
            trial.GetProperty("metrics").GetProperty("accuracy").GetDouble().ShouldBeGreaterThan(0.5);
            trial.GetProperty("metrics").TryGetProperty("loss", out _).ShouldBeTrue();
            trial.GetProperty("started_at").GetDateTimeOffset().ShouldBeLessThanOrEqualTo(trial.GetProperty("completed_at").GetDateTimeOffset());
            trial.GetProperty("duration").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        }

        JsonElement best = done.GetProperty("best_trial");
        double bestMetric = trials.Max(t => t.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        best.GetProperty("metric").GetDouble().ShouldBe(bestMetric);
        trials.Single(t => t.GetProperty("number").GetInt32() == best.GetProperty("number").GetInt32())
            .GetProperty("metrics").GetProperty("accuracy").GetDouble().ShouldBe(bestMetric);

        // The job's folder: a folder per trial with its logs, and the study outputs.
        string[] files = [.. (await host.Client.GetFromJsonAsync<JsonElement>($"/api/tuning/jobs/{id}/artifacts")).EnumerateArray().Select(f => f.GetProperty("path").GetString()!)];
        files.ShouldContain("trials/0000/stdout.log");
        files.ShouldContain("trials/0003/params.json");
        files.ShouldContain("best.json");
        files.ShouldContain("job.log");
        Directory.Exists(Path.Combine(_kit.ArtifactsRoot, "tuning", id, "trials", "0000")).ShouldBeTrue();

        HttpResponseMessage log = await host.Client.GetAsync($"/api/tuning/jobs/{id}/artifacts/trials/0000/stdout.log");
        log.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await log.Content.ReadAsStringAsync()).ShouldContain("METRIC accuracy=");
        string seen = await host.Client.GetStringAsync($"/api/tuning/jobs/{id}/artifacts/trials/0001/seen.txt");
        seen.ShouldBe("digits-v1 digits-v1 org/base-model"); // {dataset_key} in the command, and the environment
    }

    [Fact]
    public async Task Start_Twice_IsConflict()
    {
        await using ServerHost host = await StartHostAsync();
        string id = (await CreateAsync(host, _kit.Request(samples: 1))).GetProperty("id").GetString()!;
        await StartAsync(host, id);
        HttpResponseMessage again = await host.Client.PostAsync($"/api/tuning/jobs/{id}/start", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).ShouldContain("only a created job can be started");
        await PollAsync(host, id, j => Status(j) == "completed");
        (await host.Client.PostAsync($"/api/tuning/jobs/{id}/start", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsItsProcessesAndRecordsThemCancelled()
    {
        await using ServerHost host = await StartHostAsync();
        string id = (await CreateAsync(host, _kit.Request(samples: 4, concurrency: 2, sleep: 600))).GetProperty("id").GetString()!;
        await StartAsync(host, id);
        string trialsFolder = Path.Combine(_kit.ArtifactsRoot, "tuning", id, "trials");
        await PollAsync(host, id, j => j.GetProperty("progress").GetProperty("running").GetInt32() == 2
            && Directory.Exists(trialsFolder) && Directory.GetFiles(trialsFolder, "pid.txt", SearchOption.AllDirectories).Length == 2);
        int[] pids = [.. Directory.GetFiles(trialsFolder, "pid.txt", SearchOption.AllDirectories).Select(f => int.Parse(File.ReadAllText(f)))];
        pids.ShouldAllBe(pid => ProcessAlive(pid));

        HttpResponseMessage response = await host.Client.PostAsync($"/api/tuning/jobs/{id}/cancel", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        pids.ShouldAllBe(pid => !ProcessAlive(pid));
        JsonElement job = await GetAsync(host, id);
        Status(job).ShouldBe("cancelled");
        job.GetProperty("progress").GetProperty("running").GetInt32().ShouldBe(0);
        JsonElement[] trials = [.. job.GetProperty("trials").EnumerateArray()];
        trials.Length.ShouldBe(2);
        trials.ShouldAllBe(t => t.GetProperty("status").GetString() == "cancelled");
        (await host.Client.PostAsync($"/api/tuning/jobs/{id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Cancel_CreatedJob_EndsItWithoutRunningAnything()
    {
        await using ServerHost host = await StartHostAsync();
        string id = (await CreateAsync(host, _kit.Request())).GetProperty("id").GetString()!;
        (await host.Client.PostAsync($"/api/tuning/jobs/{id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        Status(await GetAsync(host, id)).ShouldBe("cancelled");
        (await host.Client.PostAsync($"/api/tuning/jobs/{id}/start", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        Directory.Exists(Path.Combine(_kit.ArtifactsRoot, "tuning", id)).ShouldBeFalse();
    }

    [Fact]
    public async Task Restart_JobLeftRunning_IsPickedUpAndFinishesWithExactlyNumSamplesCountedTrials()
    {
        string database = Path.Combine(_kit.Folder, "jobs.db");
        string id;
        await using (SqliteStorage first = SqliteStorage.Open(database))
        {
            await using ServerHost host = await StartHostAsync(first);
            // Long trials, so that the server stops in the middle of them.
            id = (await CreateAsync(host, _kit.Request(samples: 3, concurrency: 2, sleep: 600))).GetProperty("id").GetString()!;
            await StartAsync(host, id);
            string trialsFolder = Path.Combine(_kit.ArtifactsRoot, "tuning", id, "trials");
            await PollAsync(host, id, j => j.GetProperty("progress").GetProperty("running").GetInt32() == 2
                && Directory.Exists(trialsFolder) && Directory.GetFiles(trialsFolder, "pid.txt", SearchOption.AllDirectories).Length == 2);
        }

        await using (SqliteStorage second = SqliteStorage.Open(database))
        {
            StoredStatus(second, id).ShouldBe("running"); // the stop left the job running, for the next server
            // The same job in quick trials now: the next server reads the environment from the stored request, so make the script fast.
            File.WriteAllText(_kit.ScriptPath, File.ReadAllText(_kit.ScriptPath).Replace("time.sleep(float(os.environ.get(\"SLEEP\", \"0\")))", "pass"));
            await using ServerHost host = await StartHostAsync(second);
            JsonElement done = await PollAsync(host, id, j => Status(j) is not ("created" or "running"));

            Status(done).ShouldBe("completed", done.ToString());
            IReadOnlyList<FrozenTrial> trials = await second.GetTrialsAsync((await second.FindStudyAsync("sweep"))!.StudyId);
            trials.Count(Vernier.Studies.TrialBudget.Counts).ShouldBe(3);
            trials.Count(t => t.State == TrialState.Complete).ShouldBe(3);
            trials.Count(t => t.State == TrialState.Failed).ShouldBe(2); // the two the first server's stop interrupted
            done.GetProperty("trials").EnumerateArray().Count(t => t.GetProperty("status").GetString() == "interrupted").ShouldBe(2);
            done.GetProperty("progress").GetProperty("completed").GetInt32().ShouldBe(3);
        }
    }

    [Fact]
    public async Task TemplateJob_RunsTheServersCommandWithoutAllowCommands()
    {
        var templates = new Dictionary<string, string> { ["train"] = $"python3 {_kit.ScriptPath} --dataset={{dataset_key}}" };
        await using ServerHost host = await StartHostAsync(allowCommands: false, templates: templates);
        JsonObject request = _kit.Request(samples: 2, change: r => r["objective"] = new JsonObject { ["template"] = "train" });
        string id = (await CreateAsync(host, request)).GetProperty("id").GetString()!;
        await StartAsync(host, id);
        JsonElement done = await PollAsync(host, id, j => Status(j) is not ("created" or "running"));
        Status(done).ShouldBe("completed", done.ToString());
        done.GetProperty("progress").GetProperty("completed").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task FailingCommand_JobFailsWithTheTrialsReason()
    {
        await using ServerHost host = await StartHostAsync();
        JsonObject request = _kit.Request(samples: 2, change: r => r["objective"] = new JsonObject { ["command"] = "python3 -c \"import sys; sys.exit(3)\"" });
        string id = (await CreateAsync(host, request)).GetProperty("id").GetString()!;
        await StartAsync(host, id);
        JsonElement done = await PollAsync(host, id, j => Status(j) is not ("created" or "running"));
        Status(done).ShouldBe("failed");
        done.GetProperty("reason").GetString()!.ShouldContain("no trial completed");
        done.GetProperty("progress").GetProperty("failed").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Timeout_Passed_JobCompletesEarlySayingSo()
    {
        await using ServerHost host = await StartHostAsync();
        JsonObject request = _kit.Request(samples: 50, concurrency: 1, sleep: 1, change: r => r["timeout"] = 0.5);
        string id = (await CreateAsync(host, request)).GetProperty("id").GetString()!;
        await StartAsync(host, id);
        JsonElement done = await PollAsync(host, id, j => Status(j) is not ("created" or "running"));
        Status(done).ShouldBe("completed", done.ToString());
        done.GetProperty("reason").GetString()!.ShouldContain("timed out");
        done.GetProperty("progress").GetProperty("completed").GetInt32().ShouldBeLessThan(50);
    }

    [Fact]
    public async Task List_ShowsJobsNewestFirst()
    {
        await using ServerHost host = await StartHostAsync();
        await CreateAsync(host, _kit.Request(name: "older"));
        await Task.Delay(20);
        await CreateAsync(host, _kit.Request(name: "newer"));
        JsonElement list = await host.Client.GetFromJsonAsync<JsonElement>("/api/tuning/jobs");
        list.EnumerateArray().Select(j => j.GetProperty("name").GetString()).ShouldBe(["newer", "older"]);
        list[0].TryGetProperty("progress", out _).ShouldBeTrue();
        list[0].TryGetProperty("trials", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task UnknownJob_IsNotFound()
    {
        await using ServerHost host = await StartHostAsync();
        (await host.Client.GetAsync("/api/tuning/jobs/0123456789abcdef")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await host.Client.PostAsync("/api/tuning/jobs/nope/start", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static string StoredStatus(IStorage storage, string id)
    {
        StudyRecord study = storage.GetStudiesAsync().GetAwaiter().GetResult().Single(s => s.SystemAttributes.ContainsKey("tuning_job"));
        JsonElement job = study.SystemAttributes["tuning_job"];
        job.GetProperty("id").GetString().ShouldBe(id);
        return job.GetProperty("status").GetString()!;
    }

    public void Dispose() => _kit.Dispose();
}
