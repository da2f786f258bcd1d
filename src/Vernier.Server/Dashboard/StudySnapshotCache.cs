using System.Collections.Concurrent;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Server.Dashboard;

/// <summary>One read of a study's trials, shared by the dashboard's aggregate endpoints.</summary>
/// <param name="Study">The study.</param>
/// <param name="Trials">Every trial of the study, by number.</param>
/// <param name="ReadAt">When the trials were read.</param>
internal sealed record StudySnapshot(StudyRecord Study, IReadOnlyList<FrozenTrial> Trials, DateTimeOffset ReadAt);

/// <summary>
/// Keeps each study's latest full read of its trials for a few seconds, so that the summary, plots, importance and trial
/// table a dashboard page asks for at once cost one storage read, however many trials the study has. Concurrent requests
/// for the same study wait for the same read.
/// </summary>
internal sealed class StudySnapshotCache(IStorage storage, TimeProvider time)
{
    /// <summary>How long a read serves later requests.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<long, Lazy<Task<StudySnapshot>>> _entries = new();

    /// <summary>The study's trials, read now or at most <see cref="Lifetime"/> ago.</summary>
    public async Task<StudySnapshot> GetAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(study.StudyId, _ => new Lazy<Task<StudySnapshot>>(() => ReadAsync(study)));
            StudySnapshot snapshot;
            try
            {
                snapshot = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(KeyValuePair.Create(study.StudyId, entry));
                throw;
            }

            if (time.GetUtcNow() - snapshot.ReadAt <= Lifetime)
            {
                return snapshot;
            }

            _entries.TryRemove(KeyValuePair.Create(study.StudyId, entry));
        }
    }

    // Not cancelled by one request: others may be waiting for the same read.
    private async Task<StudySnapshot> ReadAsync(StudyRecord study)
    {
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId, null, CancellationToken.None);
        return new StudySnapshot(study, trials, time.GetUtcNow());
    }
}
