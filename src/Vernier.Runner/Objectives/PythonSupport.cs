using System.Security.Cryptography;

namespace Vernier.Runner.Objectives;

/// <summary>
/// The Python files shipped inside Vernier.Runner: <c>vernier_report.py</c> (importable by every command trial),
/// <c>vernier_callable.py</c> (the bridge that runs a Python callable) and <c>wandb_bridge.py</c> (the <c>wandb</c>
/// tracker's bridge), written on first use to a per-user cache
/// folder named after their content, so that every Vernier version has its own copy and a copy is never half-written.
/// </summary>
internal static class PythonSupport
{
    /// <summary>The helper module a training program imports (<c>import vernier_report</c>).</summary>
    public const string ReportModuleFileName = "vernier_report.py";

    /// <summary>The bridge script that imports and calls a Python callable for one trial.</summary>
    public const string BridgeFileName = "vernier_callable.py";

    /// <summary>The bridge script through which the <c>wandb</c> tracker calls W&amp;B's Python SDK.</summary>
    public const string WandbBridgeFileName = "wandb_bridge.py";

    private const string ResourcePrefix = "Vernier.Runner.Python.";

    private static readonly (string Name, byte[] Content)[] Files =
        [(ReportModuleFileName, Read(ReportModuleFileName)), (BridgeFileName, Read(BridgeFileName)), (WandbBridgeFileName, Read(WandbBridgeFileName))];

    private static readonly Lock WriteLock = new();
    private static readonly string Hash = ContentHash();
    private static volatile string _folder = Path.Combine(CacheRoot(), "vernier", "python-" + Hash);
    private static volatile bool _written;
    private static string? _failure;

    /// <summary>The folder holding the files, put first on <c>PYTHONPATH</c>; it exists once <see cref="TryEnsureWritten"/> has succeeded.</summary>
    /// <remarks>
    /// <c>$XDG_CACHE_HOME/vernier/python-&lt;hash&gt;</c>, else <c>~/.cache/vernier/…</c> (on Windows under the local application
    /// data folder); when that cannot be written, <c>vernier-&lt;user&gt;/python-&lt;hash&gt;</c> in the temporary folder.
    /// </remarks>
    public static string Folder => _folder;

    /// <summary>The bridge's path.</summary>
    public static string BridgePath => Path.Combine(Folder, BridgeFileName);

    /// <summary>The text of a shipped file.</summary>
    /// <param name="name"><see cref="ReportModuleFileName"/>, <see cref="BridgeFileName"/> or <see cref="WandbBridgeFileName"/>.</param>
    public static string Text(string name) => System.Text.Encoding.UTF8.GetString(Files.Single(f => f.Name == name).Content);

    /// <summary>Writes the files unless an identical copy is there (once per process); false when no folder could be written.</summary>
    public static bool TryEnsureWritten()
    {
        if (_written)
        {
            return true;
        }

        lock (WriteLock)
        {
            if (_written || _failure is not null)
            {
                return _written;
            }

            string fallback = Path.Combine(Path.GetTempPath(), $"vernier-{Environment.UserName}", "python-" + Hash);
            foreach (string folder in new[] { _folder, fallback }.Distinct(StringComparer.Ordinal))
            {
                try
                {
                    WriteTo(folder);
                    _folder = folder;
                    _written = true;
                    return true;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _failure = (_failure is null ? "" : _failure + "; ") + $"{folder}: {e.Message}";
                }
            }

            return false;
        }
    }

    /// <summary>Writes the files, as <see cref="TryEnsureWritten"/>, or says why it could not.</summary>
    /// <exception cref="CommandObjectiveException">No folder could be written.</exception>
    public static void EnsureWritten()
    {
        if (!TryEnsureWritten())
        {
            throw new CommandObjectiveException($"could not write Vernier's Python helpers ({_failure}); set XDG_CACHE_HOME to a writable folder.");
        }
    }

    private static void WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach ((string name, byte[] content) in Files)
        {
            string path = Path.Combine(folder, name);
            // Compared, not trusted: a copy changed by hand (or cut short by a full disk) is replaced.
            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
            {
                string temporary = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
                File.WriteAllBytes(temporary, content);
                File.Move(temporary, path, overwrite: true);
            }
        }
    }

    /// <summary><see cref="Folder"/> followed by an existing <c>PYTHONPATH</c>, if any.</summary>
    /// <param name="existing">The <c>PYTHONPATH</c> the process would otherwise get.</param>
    public static string PrependToPythonPath(string? existing) =>
        string.IsNullOrEmpty(existing) ? Folder : Folder + Path.PathSeparator + existing;

    private static byte[] Read(string name)
    {
        using Stream stream = typeof(PythonSupport).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"the embedded resource {ResourcePrefix}{name} is missing from {typeof(PythonSupport).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string name, byte[] content) in Files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\n" + content.Length + "\n"));
            hash.AppendData(content);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string CacheRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        }

        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return xdg;
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        return home.Length > 0 ? Path.Combine(home, ".cache") : Path.Combine(Path.GetTempPath(), $"vernier-{Environment.UserName}");
    }
}
