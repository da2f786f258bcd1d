namespace Vernier.Runner.Scheduling;

/// <summary>
/// The devices (GPUs) and CPU cores of one machine, lent to trials: a trial acquires what it needs
/// before its process starts and gives it back when it ends, and waits while nothing is free.
/// </summary>
/// <remarks>
/// <para>
/// Each device takes at most <see cref="TrialsPerDevice"/> trials at a time, and the trials together
/// take at most <see cref="CpuCount"/> cores (when it is not zero); a request is never granted in part.
/// </para>
/// <para>
/// Waiting is first come, first served: requests are granted in the order they were made, and a
/// request that cannot be granted yet holds back the ones behind it, so a trial that needs two
/// devices is never starved by trials that need one. Among free devices the least loaded are given
/// first, then the first listed, so placement is deterministic.
/// </para>
/// <para>
/// A pool belongs to one process: trials of several <c>vernier search</c> processes on the same machine
/// do not see each other's leases. The pool is thread-safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var pool = new DevicePool(["0", "1"], trialsPerDevice: 1);
/// using DeviceLease lease = await pool.AcquireAsync(gpus: 1, cancellationToken: ct);
/// // start the trial with CUDA_VISIBLE_DEVICES = string.Join(",", lease.Devices)
/// </code>
/// </example>
public sealed class DevicePool
{
    private readonly Lock _gate = new();
    private readonly string[] _devices;
    private readonly int[] _load;
    private readonly LinkedList<Waiter> _waiters = new();
    private int _freeCpus;

    /// <summary>Creates a pool.</summary>
    /// <param name="devices">The device ids as the trial's program sees them (<c>0</c>, <c>1</c> or <c>GPU-…</c> UUIDs); may be empty for a pool of CPU cores only.</param>
    /// <param name="trialsPerDevice">How many trials may share one device. The default value is 1: never two on one device.</param>
    /// <param name="cpuCount">How many CPU cores the trials share; 0 (the default value) does not count cores.</param>
    /// <exception cref="ArgumentException">An id is empty or repeated, <paramref name="trialsPerDevice"/> is below 1, or <paramref name="cpuCount"/> is negative.</exception>
    public DevicePool(IEnumerable<string> devices, int trialsPerDevice = 1, int cpuCount = 0)
    {
        ArgumentNullException.ThrowIfNull(devices);
        _devices = [.. devices];
        if (_devices.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A device id must not be empty.", nameof(devices));
        }

        if (_devices.GroupBy(d => d, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
        {
            throw new ArgumentException($"The device '{repeated.Key}' is listed twice.", nameof(devices));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(trialsPerDevice, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(cpuCount);
        _load = new int[_devices.Length];
        TrialsPerDevice = trialsPerDevice;
        CpuCount = cpuCount;
        _freeCpus = cpuCount;
    }

    /// <summary>The device ids, in the order they were given.</summary>
    public IReadOnlyList<string> Devices => _devices;

    /// <summary>How many trials may share one device.</summary>
    public int TrialsPerDevice { get; }

    /// <summary>How many CPU cores the trials share, or 0 when cores are not counted.</summary>
    public int CpuCount { get; }

    /// <summary>Waits until <paramref name="gpus"/> devices and <paramref name="cpus"/> cores are free, then takes them.</summary>
    /// <param name="gpus">How many distinct devices; 0 for none.</param>
    /// <param name="cpus">How many cores; ignored (but recorded on the lease) when <see cref="CpuCount"/> is 0.</param>
    /// <param name="cancellationToken">Stops waiting: the request leaves the queue and nothing is taken.</param>
    /// <returns>The lease; dispose it to give everything back.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The request can never be granted: more devices than the pool has, or more cores than it counts.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before the request was granted.</exception>
    public ValueTask<DeviceLease> AcquireAsync(int gpus, int cpus = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gpus);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gpus, _devices.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(cpus);
        if (CpuCount > 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(cpus, CpuCount);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(this, gpus, cpus);
        lock (_gate)
        {
            if (_waiters.Count == 0 && TryTake(gpus, cpus) is { } lease)
            {
                return ValueTask.FromResult(lease);
            }

            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Pool.Cancel((Waiter)state!, token), waiter);
            bool waiting;
            lock (_gate)
            {
                waiting = waiter.Node!.List is not null;
                if (waiting)
                {
                    waiter.Registration = registration;
                }
            }

            if (!waiting)
            {
                // Granted (or cancelled) before the registration was stored, so nothing else removes it.
                registration.Dispose();
            }
        }

        return new ValueTask<DeviceLease>(waiter.Completion.Task);
    }

    /// <summary>How many trials hold each device now, in the order of <see cref="Devices"/>.</summary>
    internal int[] Loads()
    {
        lock (_gate)
        {
            return [.. _load];
        }
    }

    /// <summary>How many requests wait.</summary>
    internal int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    internal void Release(DeviceLease lease)
    {
        lock (_gate)
        {
            foreach (int index in lease.Indices)
            {
                _load[index]--;
            }

            _freeCpus += CpuCount > 0 ? lease.Cpus : 0;
            GrantWaiters();
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node is not { List: not null } node)
            {
                return; // already granted
            }

            _waiters.Remove(node);
            waiter.Completion.TrySetCanceled(token);

            // A request that held back the queue has gone; those behind it may fit now.
            GrantWaiters();
        }
    }

    /// <summary>Grants waiting requests in order while the first one fits; called under the lock.</summary>
    private void GrantWaiters()
    {
        while (_waiters.First is { } first && TryTake(first.Value.Gpus, first.Value.Cpus) is { } lease)
        {
            _waiters.RemoveFirst();

            // Unregister, not Dispose: Dispose would wait for a running callback, which waits for this lock.
            first.Value.Registration.Unregister();
            first.Value.Completion.TrySetResult(lease);
        }
    }

    /// <summary>Takes the least loaded free devices (first listed first) and the cores, or nothing; called under the lock.</summary>
    private DeviceLease? TryTake(int gpus, int cpus)
    {
        if (CpuCount > 0 && cpus > _freeCpus)
        {
            return null;
        }

        int[] chosen = [.. Enumerable.Range(0, _devices.Length).Where(i => _load[i] < TrialsPerDevice).OrderBy(i => _load[i]).ThenBy(i => i).Take(gpus)];
        if (chosen.Length < gpus)
        {
            return null;
        }

        foreach (int index in chosen)
        {
            _load[index]++;
        }

        _freeCpus -= CpuCount > 0 ? cpus : 0;
        return new DeviceLease(this, chosen, [.. chosen.Select(i => _devices[i])], cpus);
    }

    private sealed class Waiter(DevicePool pool, int gpus, int cpus)
    {
        public DevicePool Pool { get; } = pool;

        public int Gpus { get; } = gpus;

        public int Cpus { get; } = cpus;

        public TaskCompletionSource<DeviceLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}

/// <summary>Devices and cores lent to one trial by a <see cref="DevicePool"/>; disposing gives them back (once).</summary>
public sealed class DeviceLease : IDisposable
{
    private readonly DevicePool _pool;
    private int _released;

    internal DeviceLease(DevicePool pool, int[] indices, string[] devices, int cpus)
    {
        _pool = pool;
        Indices = indices;
        Devices = devices;
        Cpus = cpus;
    }

    /// <summary>The ids of the devices lent, in the pool's order; empty when the trial needs none.</summary>
    public IReadOnlyList<string> Devices { get; }

    /// <summary>The number of CPU cores lent.</summary>
    public int Cpus { get; }

    internal int[] Indices { get; }

    /// <summary>Gives the devices and cores back to the pool, where the first waiting request may take them. Later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _pool.Release(this);
        }
    }
}
