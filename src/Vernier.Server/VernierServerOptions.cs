using Vernier.Storage;

namespace Vernier.Server;

/// <summary>How <see cref="VernierServer"/> is hosted: its storage, addresses and limits.</summary>
public sealed class VernierServerOptions
{
    /// <summary>The storage holding studies, trials and tuning jobs. Required; the server does not dispose it.</summary>
    public required IStorage Storage { get; init; }

    /// <summary>The storage's URL as users should see it (password hidden), for messages. The default value is null.</summary>
    public string? StorageDisplayName { get; init; }

    /// <summary>The addresses to listen on, separated by ';'. The default value is <c>http://127.0.0.1:8080</c> (loopback only).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>The folder under which each tuning job's files go (<c>tuning/{job_id}/</c>). The default value is <c>artifacts</c>, relative to the working folder.</summary>
    public string ArtifactsRoot { get; init; } = "artifacts";

    /// <summary>The largest request body accepted, in bytes. The default value is 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>The time source for timings and heartbeats. The default value is <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether a tuning job may bring its own command (<c>"objective": {"command": ...}</c>) to run on this machine.
    /// Without it, jobs can only name a template from <see cref="CommandTemplates"/>. The default value is false.
    /// </summary>
    public bool AllowCommands { get; init; }

    /// <summary>
    /// Commands configured on the server that a tuning job may name (<c>"objective": {"template": "NAME"}</c>), by name; each a
    /// command line that may use <c>{dataset_key}</c>, <c>{base_model_id}</c>, <c>{job_id}</c> and the job's parameters as
    /// placeholders. A template named <c>default</c> also serves jobs that give no objective. The default value is empty.
    /// </summary>
    public IReadOnlyDictionary<string, string> CommandTemplates { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Checks the options, naming the first bad one.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Storage);
        if (string.IsNullOrWhiteSpace(Urls))
        {
            throw new ArgumentException("Urls must name at least one address, for example http://127.0.0.1:8080.", nameof(Urls));
        }

        if (MaxRequestBodyBytes <= 0)
        {
            throw new ArgumentException($"MaxRequestBodyBytes must be positive; got {MaxRequestBodyBytes}.", nameof(MaxRequestBodyBytes));
        }

        if (string.IsNullOrWhiteSpace(ArtifactsRoot))
        {
            throw new ArgumentException("ArtifactsRoot must name a folder.", nameof(ArtifactsRoot));
        }

        ArgumentNullException.ThrowIfNull(CommandTemplates);
        foreach ((string name, string command) in CommandTemplates)
        {
            if (!Jobs.TuningJobRequest.IsTemplateName(name))
            {
                throw new ArgumentException($"CommandTemplates: '{name}' is not a template name; use letters, digits, '_', '-' and '.'.", nameof(CommandTemplates));
            }

            if (string.IsNullOrWhiteSpace(command))
            {
                throw new ArgumentException($"CommandTemplates: template '{name}' has an empty command.", nameof(CommandTemplates));
            }
        }
    }
}
