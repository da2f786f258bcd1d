using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Vernier.Storage;
using Vernier.Trials;

namespace Vernier.Server.Studies;

/// <summary>A change to a trial, as sent on a study's live-events stream.</summary>
/// <param name="Type">trial_created, trial_state_changed, trial_intermediate_value or trial_finished.</param>
/// <param name="Study">The study's name.</param>
/// <param name="Trial">The trial as it is now.</param>
internal sealed record TrialEvent(string Type, string Study, TrialSummary Trial)
{
    public const string Created = "trial_created";
    public const string StateChanged = "trial_state_changed";
    public const string IntermediateValue = "trial_intermediate_value";
    public const string Finished = "trial_finished";
}

/// <summary>
/// Watches studies for trial changes on behalf of live-events subscribers: one poller per watched study, however
/// many clients listen, started by the first subscriber and stopped when the last one leaves.
/// </summary>
/// <remarks>
/// The storage has no change feed, so the poller compares snapshots. It relies on the storage contract that finished
/// trials never change and that trial numbers are dense. Each tick (<see cref="VernierServerOptions.EventPollInterval"/>)
/// reads only the unfinished (waiting and running) trials, plus one single-trial read for each trial that has left that set
/// (it finished) and for each trial this server's own API wrote to since. Every <see cref="FullScanEvery"/>th tick (and no sooner than
/// <see cref="FullScanBudget"/> times the last such read took), and whenever the numbers show a gap (trials created and finished
/// between two ticks), it reads the whole study once, to catch trials other processes created and finished between ticks.
/// Writes made through this server's own API wake the poller at once.
/// </remarks>
internal sealed class StudyEventHub(IStorage storage, VernierServerOptions options, ILogger<StudyEventHub> logger) : IAsyncDisposable
{
    /// <summary>How many ticks pass (at least) between two reads of the whole study.</summary>
    public const int FullScanEvery = 10;

    /// <summary>After a whole-study read that took t, the next waits at least this many times t (so such reads take at most ~5% of the time).</summary>
    public const int FullScanBudget = 20;

    private readonly Dictionary<long, StudyFeed> _feeds = [];
    private readonly Lock _gate = new();

    /// <summary>Starts listening to a study; the returned subscription's first snapshot has been taken when this completes.</summary>
    public async Task<Subscription> SubscribeAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        StudyFeed feed;
        Subscription subscription;
        lock (_gate)
        {
            if (!_feeds.TryGetValue(study.StudyId, out feed!))
            {
                feed = new StudyFeed(this, study);
                _feeds.Add(study.StudyId, feed);
                feed.Start();
            }

            subscription = feed.Add();
        }

        try
        {
            await feed.Ready.WaitAsync(cancellationToken);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }

        return subscription;
    }

    /// <summary>Wakes the poller of a study now (after a write through this server to <paramref name="trialId"/>), if anyone listens to it.</summary>
    public void Poke(long studyId, long? trialId)
    {
        lock (_gate)
        {
            if (_feeds.TryGetValue(studyId, out StudyFeed? feed))
            {
                feed.Poke(trialId);
            }
        }
    }

    /// <summary>The number of studies being polled now (for tests and diagnostics).</summary>
    public int ActiveFeeds
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        StudyFeed[] feeds;
        lock (_gate)
        {
            feeds = [.. _feeds.Values];
            _feeds.Clear();
        }

        foreach (StudyFeed feed in feeds)
        {
            await feed.StopAsync();
        }
    }

    private void Remove(StudyFeed feed, Subscription subscription)
    {
        bool stop;
        lock (_gate)
        {
            stop = feed.RemoveSubscriber(subscription) == 0 && _feeds.Remove(feed.StudyId);
        }

        if (stop)
        {
            _ = feed.StopAsync();
        }
    }

    /// <summary>One client's view of a study's changes.</summary>
    internal sealed class Subscription : IDisposable
    {
        private readonly StudyFeed _feed;
        private readonly Channel<TrialEvent> _channel = Channel.CreateBounded<TrialEvent>(
            new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        private int _disposed;

        internal Subscription(StudyFeed feed) => _feed = feed;

        /// <summary>The events, in the order the poller saw them. A client that falls 1024 events behind loses the oldest.</summary>
        public ChannelReader<TrialEvent> Events => _channel.Reader;

        internal void Publish(TrialEvent change) => _channel.Writer.TryWrite(change);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _channel.Writer.TryComplete();
                _feed.Hub.Remove(_feed, this);
            }
        }
    }

    /// <summary>The poller of one study.</summary>
    internal sealed class StudyFeed(StudyEventHub hub, StudyRecord study)
    {
        private static readonly TrialState[] Unfinished = [TrialState.Waiting, TrialState.Running];
        private readonly List<Subscription> _subscribers = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly SemaphoreSlim _poke = new(0, 1);
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<int, FrozenTrial> _unfinished = [];
        private readonly HashSet<long> _poked = [];
        private long _nextFullScan;
        private int _known;
        private Task _loop = Task.CompletedTask;

        public StudyEventHub Hub { get; } = hub;

        public long StudyId => study.StudyId;

        public Task Ready => _ready.Task;

        public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

        public Subscription Add()
        {
            var subscription = new Subscription(this);
            lock (_subscribers)
            {
                _subscribers.Add(subscription);
            }

            return subscription;
        }

        public int RemoveSubscriber(Subscription subscription)
        {
            lock (_subscribers)
            {
                _subscribers.Remove(subscription);
                return _subscribers.Count;
            }
        }

        public void Poke(long? trialId)
        {
            if (trialId is long id)
            {
                lock (_poked)
                {
                    _poked.Add(id);
                }
            }

            if (_poke.CurrentCount == 0)
            {
                try
                {
                    _poke.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already woken.
                }
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _ready.TrySetCanceled();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            TimeSpan interval = Hub.Poller.EventPollInterval;
            long tick = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (tick == 0)
                    {
                        TimeProvider clock = Hub.Poller.TimeProvider;
                        long started = clock.GetTimestamp();
                        Baseline(await Hub.Storage.GetTrialsAsync(StudyId, null, cancellationToken));
                        _nextFullScan = clock.GetTimestamp() + (long)(clock.GetElapsedTime(started).TotalSeconds * FullScanBudget * clock.TimestampFrequency);
                        _ready.TrySetResult();
                    }
                    else
                    {
                        await PollAsync(full: tick % FullScanEvery == 0 && Hub.Poller.TimeProvider.GetTimestamp() >= _nextFullScan, cancellationToken);
                    }

                    tick++;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // A storage hiccup: try again next tick; subscribers keep their connection.
                    Hub.Logger.LogWarning(e, "Polling study {Study} for live events failed; retrying in {Interval}.", study.Name, interval);
                }

                // Wait for the interval, or less when a write through this server pokes us.
                await _poke.WaitAsync(interval, cancellationToken);
            }
        }

        private void Baseline(IReadOnlyList<FrozenTrial> trials)
        {
            foreach (FrozenTrial trial in trials)
            {
                Track(trial);
            }
        }

        private void Track(FrozenTrial trial)
        {
            _known = Math.Max(_known, trial.Number + 1);
            if (trial.State.IsFinished())
            {
                _unfinished.Remove(trial.Number);
            }
            else
            {
                _unfinished[trial.Number] = trial;
            }
        }

        private async Task PollAsync(bool full, CancellationToken cancellationToken)
        {
            var seen = new Dictionary<int, FrozenTrial>();
            foreach (FrozenTrial trial in await Hub.Storage.GetTrialsAsync(StudyId, Unfinished, cancellationToken))
            {
                seen[trial.Number] = trial;
            }

            foreach (long trialId in TakePoked())
            {
                FrozenTrial trial = await Hub.Storage.GetTrialAsync(trialId, cancellationToken);
                seen[trial.Number] = trial;
            }

            foreach (FrozenTrial left in _unfinished.Values.Where(t => !seen.ContainsKey(t.Number)).ToList())
            {
                // Left the unfinished set: it finished (finished trials are final, so one read tells all).
                seen[left.Number] = await Hub.Storage.GetTrialAsync(left.TrialId, cancellationToken);
            }

            // New numbers must follow on from the known ones; a hole means trials were created and finished between two ticks.
            int[] fresh = [.. seen.Keys.Where(n => n >= _known).Order()];
            bool gap = fresh.Where((n, i) => n != _known + i).Any();
            if (full || gap)
            {
                TimeProvider clock = Hub.Poller.TimeProvider;
                long started = clock.GetTimestamp();
                foreach (FrozenTrial trial in await Hub.Storage.GetTrialsAsync(StudyId, null, cancellationToken))
                {
                    Compare(trial);
                }

                // A whole-study read of a large study is slow (about 4 s for 100,000 SQLite trials): space them so that they take
                // at most about 1/FullScanBudget of the time.
                TimeSpan took = clock.GetElapsedTime(started);
                _nextFullScan = clock.GetTimestamp() + (long)(took.TotalSeconds * FullScanBudget * clock.TimestampFrequency);
                return;
            }

            foreach (FrozenTrial trial in seen.Values.OrderBy(t => t.Number))
            {
                Compare(trial);
            }
        }

        private List<long> TakePoked()
        {
            lock (_poked)
            {
                List<long> ids = [.. _poked];
                _poked.Clear();
                return ids;
            }
        }

        /// <summary>Publishes what changed in <paramref name="now"/> since the last snapshot, and remembers it.</summary>
        private void Compare(FrozenTrial now)
        {
            if (now.Number >= _known)
            {
                Publish(TrialEvent.Created, now);
                if (!now.IntermediateValues.IsEmpty)
                {
                    Publish(TrialEvent.IntermediateValue, now);
                }

                if (now.State.IsFinished())
                {
                    Publish(TrialEvent.Finished, now);
                }
            }
            else if (_unfinished.TryGetValue(now.Number, out FrozenTrial? before))
            {
                if (!SameIntermediateValues(before, now))
                {
                    Publish(TrialEvent.IntermediateValue, now);
                }

                if (now.State != before.State)
                {
                    Publish(now.State.IsFinished() ? TrialEvent.Finished : TrialEvent.StateChanged, now);
                }
            }
            else
            {
                return; // Finished before: final, nothing can have changed.
            }

            Track(now);
        }

        private static bool SameIntermediateValues(FrozenTrial a, FrozenTrial b) =>
            a.IntermediateValues.Count == b.IntermediateValues.Count
            && a.IntermediateValues.All(p => b.IntermediateValues.TryGetValue(p.Key, out double v) && (v.Equals(p.Value)));

        private void Publish(string type, FrozenTrial trial)
        {
            var change = new TrialEvent(type, study.Name, StudyMapper.Summary(trial));
            lock (_subscribers)
            {
                foreach (Subscription subscriber in _subscribers)
                {
                    subscriber.Publish(change);
                }
            }
        }
    }

    private IStorage Storage => storage;

    private VernierServerOptions Poller => options;

    private ILogger Logger => logger;
}
