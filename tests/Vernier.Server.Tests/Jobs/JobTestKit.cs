using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Server.Tests.Support;

namespace Vernier.Server.Tests.Jobs;

/// <summary>A scratch folder with a training script that prints METRIC lines, and helpers to drive the jobs API.</summary>
internal sealed class JobTestKit : IDisposable
{
    // A "training" script: reads --name=value flags, reports two intermediate steps and a final accuracy, and leaves a file
    // in its trial folder. SLEEP makes it run long (for cancel and restart tests); its pid goes to pid.txt first.
    private const string Script = """
        import os, sys, time
        args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
        trial_dir = os.environ["VERNIER_TRIAL_DIR"]
        with open(os.path.join(trial_dir, "pid.txt"), "w") as f:
            f.write(str(os.getpid()))
        with open(os.path.join(trial_dir, "seen.txt"), "w") as f:
            f.write(args.get("dataset", "") + " " + os.environ.get("VERNIER_DATASET_KEY", "") + " " + os.environ.get("VERNIER_BASE_MODEL_ID", ""))
        time.sleep(float(os.environ.get("SLEEP", "0")))
        lr = float(args["learning_rate"])
        bs = int(args["batch_size"])
        for step in range(2):
            print(f"METRIC step={step} accuracy={0.1 * step}", flush=True)
        print(f"METRIC accuracy={1.0 - abs(lr - 1e-4) * 100 + bs / 1000} loss={lr * bs}", flush=True)
        """;

    public JobTestKit()
    {
        Folder = Directory.CreateTempSubdirectory("vernier-jobs-").FullName;
        ScriptPath = Path.Combine(Folder, "train.py");
        File.WriteAllText(ScriptPath, Script);
        ArtifactsRoot = Path.Combine(Folder, "artifacts");
    }

    public string Folder { get; }

    public string ScriptPath { get; }

    public string ArtifactsRoot { get; }

    /// <summary>The command of the script, as a list (no shell), with the dataset key passed as a placeholder.</summary>
    public JsonArray Command => ["python3", ScriptPath, "--dataset={dataset_key}"];

    /// <summary>A valid job request with a command objective; change it with <paramref name="change"/>.</summary>
    public JsonObject Request(string name = "sweep", int samples = 4, int concurrency = 2, double sleep = 0, Action<JsonObject>? change = null)
    {
        var request = new JsonObject
        {
            ["name"] = name,
            ["dataset_key"] = "digits-v1",
            ["base_model_id"] = "org/base-model",
            ["metric_name"] = "accuracy",
            ["metric_mode"] = "max",
            ["num_samples"] = samples,
            ["max_concurrent_trials"] = concurrency,
            ["search_space"] = new JsonObject
            {
                ["learning_rate"] = new JsonObject { ["type"] = "loguniform", ["min"] = 1e-5, ["max"] = 1e-3 },
                ["batch_size"] = new JsonObject { ["type"] = "choice", ["values"] = new JsonArray(4, 8, 16) },
                ["layers"] = new JsonObject { ["type"] = "randint", ["min"] = 1, ["max"] = 3 },
            },
            ["objective"] = new JsonObject { ["command"] = Command, ["env"] = new JsonObject { ["SLEEP"] = sleep.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            ["sampler"] = "random",
            ["seed"] = 7,
        };
        change?.Invoke(request);
        return request;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(ServerHost host, string path, string json) =>
        host.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> CreateAsync(ServerHost host, JsonObject request)
    {
        HttpResponseMessage response = await PostJsonAsync(host, "/api/tuning/jobs", request.ToJsonString());
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> StartAsync(ServerHost host, string id)
    {
        HttpResponseMessage response = await host.Client.PostAsync($"/api/tuning/jobs/{id}/start", null);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(ServerHost host, string id) =>
        (await host.Client.GetFromJsonAsync<JsonElement>($"/api/tuning/jobs/{id}"));

    /// <summary>Polls the job until <paramref name="until"/> holds (at most two minutes: a hung job fails the test, it does not time it).</summary>
    public static async Task<JsonElement> PollAsync(ServerHost host, string id, Func<JsonElement, bool> until)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            JsonElement job = await GetAsync(host, id);
            if (until(job))
            {
                return job;
            }

            await Task.Delay(100, limit.Token);
        }
    }

    public static string Status(JsonElement job) => job.GetProperty("status").GetString()!;

    public static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
