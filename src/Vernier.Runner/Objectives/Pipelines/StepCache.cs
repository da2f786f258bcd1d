using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Vernier.Runner.Outputs;

namespace Vernier.Runner.Objectives.Pipelines;

/// <summary>
/// The cache of a pipeline's steps in <c>.vernier-cache/</c> of the working directory: a stamp per cache key
/// (<c>steps/&lt;key&gt;.json</c>: the step, its outputs' fingerprints, its final metrics) and a lock file per key
/// (<c>locks/&lt;key&gt;.lock</c>) so that one trial runs an uncached step while others with the same key wait.
/// </summary>
/// <remarks>
/// <para>
/// The key of a step is the SHA-256 of its rendered argument vector, its environment entries, the content of its
/// declared inputs (folders recursively, in ordinal order of their relative paths), its rendered outputs and the key
/// of the step before it, so that a step after a changed step is stale too.
/// </para>
/// <para>
/// A stamp is valid while every output still has the fingerprint it had when the step finished (a file's size and
/// modification time; for a folder, those of every file in it), so an output deleted, or overwritten by a run with
/// another key, makes the step run again.
/// </para>
/// </remarks>
internal sealed class StepCache(string workingDirectory, TimeProvider timeProvider)
{
    public const string DirectoryName = ".vernier-cache";
    internal const int FormatVersion = 1;
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(50);

    private static readonly JsonSerializerOptions StampJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    // One gate per lock file in this process (file locks alone would make in-process waiters poll); never removed: one per key.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    // Content hashes of input files by (path, size, modification time), so unchanged inputs are read once per process.
    private static readonly ConcurrentDictionary<(string Path, long Length, long Ticks), string> FileHashes = new();

    private readonly string _root = Path.Combine(workingDirectory, DirectoryName);

    public string StampPath(string key) => Path.Combine(_root, "steps", key + ".json");

    /// <summary>The cache key of a step; see the remarks of the type.</summary>
    public static string Key(string step, IReadOnlyList<string> argv, IReadOnlyList<KeyValuePair<string, string?>> environment, IReadOnlyList<(string Path, string Hash)> inputs, IReadOnlyList<string> outputs, string? previousKey)
    {
        var node = new JsonObject
        {
            ["format"] = FormatVersion,
            ["step"] = step,
            ["command"] = new JsonArray([.. argv.Select(a => (JsonNode)a)]),
            ["env"] = new JsonObject(environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
            ["inputs"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonArray(i.Path, i.Hash))]),
            ["outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)o)]),
            ["after"] = previousKey,
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    /// <summary>The content hash of an input file or folder, or <c>missing</c>.</summary>
    public static string HashInput(string path)
    {
        if (File.Exists(path))
        {
            return "file:" + HashFile(new FileInfo(path));
        }

        if (!Directory.Exists(path))
        {
            return "missing";
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string relative, FileInfo file) in FilesUnder(path))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{HashFile(file)}\n"));
        }

        return "folder:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The fingerprint of an output: size and modification time (of every file, for a folder); null when missing.</summary>
    public static string? Fingerprint(string path)
    {
        if (File.Exists(path))
        {
            var file = new FileInfo(path);
            return FormattableString.Invariant($"file:{file.Length}:{file.LastWriteTimeUtc.Ticks}");
        }

        if (!Directory.Exists(path))
        {
            return null;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string relative, FileInfo file) in FilesUnder(path))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{relative}\0{file.Length}\0{file.LastWriteTimeUtc.Ticks}\n")));
        }

        return "folder:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The stamp of a key, when it exists and every output still has the fingerprint it records; otherwise null.</summary>
    public async Task<StepStamp?> TryReadValidAsync(string key, IReadOnlyList<string> outputs, CancellationToken cancellationToken)
    {
        string path = StampPath(key);
        if (!File.Exists(path))
        {
            return null;
        }

        StepStamp? stamp;
        try
        {
            await using FileStream stream = File.OpenRead(path);
            stamp = await JsonSerializer.DeserializeAsync<StepStamp>(stream, StampJson, cancellationToken);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }

        if (stamp is null || stamp.Key != key || stamp.Outputs is null || stamp.Outputs.Count != outputs.Count)
        {
            return null;
        }

        foreach (string output in outputs)
        {
            if (!stamp.Outputs.TryGetValue(output, out string? recorded) || Fingerprint(output) != recorded)
            {
                return null;
            }
        }

        return stamp;
    }

    public Task WriteAsync(StepStamp stamp, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllTextAsync(StampPath(stamp.Key), JsonSerializer.Serialize(stamp, StampJson), cancellationToken);

    public void Delete(string key)
    {
        try
        {
            File.Delete(StampPath(key));
        }
        catch (IOException)
        {
            // Its outputs' fingerprints no longer match anyway.
        }
    }

    /// <summary>Holds the lock of a key: other trials of this process, and other processes sharing the working directory, wait.</summary>
    public async Task<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        string path = Path.Combine(_root, "locks", key + ".lock");
        SemaphoreSlim gate = Gates.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            while (true)
            {
                try
                {
                    // On Unix .NET takes an advisory flock(LOCK_EX) for FileShare.None; another process's holder makes this throw.
                    return new Held(gate, new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
                }
                catch (IOException)
                {
                    await Task.Delay(LockPoll, timeProvider, cancellationToken);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private static string HashFile(FileInfo file)
    {
        var memo = (file.FullName, file.Length, file.LastWriteTimeUtc.Ticks);
        if (FileHashes.TryGetValue(memo, out string? known))
        {
            return known;
        }

        using FileStream stream = file.OpenRead();
        string hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        FileHashes[memo] = hash;
        return hash;
    }

    private static IEnumerable<(string Relative, FileInfo File)> FilesUnder(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(f => (Relative: Path.GetRelativePath(folder, f.FullName).Replace('\\', '/'), File: f))
            .Where(f => !f.Relative.StartsWith(DirectoryName + "/", StringComparison.Ordinal) && !f.Relative.Contains("/" + DirectoryName + "/", StringComparison.Ordinal))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);

    private sealed class Held(SemaphoreSlim gate, FileStream file) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await file.DisposeAsync();
            gate.Release();
        }
    }
}

/// <summary>The record of a step that finished: written after it exits with code 0, read to skip it.</summary>
/// <param name="Format">The stamp format's version.</param>
/// <param name="Step">The step's name.</param>
/// <param name="Key">Its cache key.</param>
/// <param name="Command">The argument vector it ran.</param>
/// <param name="Outputs">Each output's absolute path and fingerprint.</param>
/// <param name="Metrics">The final metrics it printed, replayed when it is skipped.</param>
internal sealed record StepStamp(int Format, string Step, string Key, IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Outputs, IReadOnlyDictionary<string, double> Metrics)
{
    public static StepStamp Create(string step, string key, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> outputs, IReadOnlyDictionary<string, double> metrics) =>
        new(StepCache.FormatVersion, step, key, command, outputs, metrics);
}
