using Vernier.Runner.Scheduling;

namespace Vernier.Runner.Tests.Scheduling;

public sealed class DevicePoolTests
{
    [Fact]
    public async Task AcquireAsync_FreeDevices_TakesTheLeastLoadedFirstListed()
    {
        var pool = new DevicePool(["a", "b", "c"]);

        using DeviceLease first = await pool.AcquireAsync(1);
        using DeviceLease second = await pool.AcquireAsync(2);

        first.Devices.ShouldBe(["a"]);
        second.Devices.ShouldBe(["b", "c"]);
        pool.Loads().ShouldBe([1, 1, 1]);
    }

    [Fact]
    public async Task AcquireAsync_SharedDevices_SpreadsBeforeDoubling()
    {
        var pool = new DevicePool(["0", "1"], trialsPerDevice: 2);

        DeviceLease[] leases = [await pool.AcquireAsync(1), await pool.AcquireAsync(1), await pool.AcquireAsync(1), await pool.AcquireAsync(1)];

        leases.Select(l => l.Devices.Single()).ShouldBe(["0", "1", "0", "1"]);
        pool.AcquireAsync(1).IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task AcquireAsync_NothingFree_WaitsUntilALeaseIsDisposed()
    {
        var pool = new DevicePool(["0"]);
        DeviceLease held = await pool.AcquireAsync(1);

        ValueTask<DeviceLease> waiting = pool.AcquireAsync(1);
        waiting.IsCompleted.ShouldBeFalse();
        held.Dispose();

        (await waiting).Devices.ShouldBe(["0"]);
    }

    [Fact]
    public async Task AcquireAsync_ManyWaiting_AreServedInTheOrderTheyAsked()
    {
        var pool = new DevicePool(["0"]);
        DeviceLease held = await pool.AcquireAsync(1);
        ValueTask<DeviceLease>[] waiting = [.. Enumerable.Range(0, 5).Select(_ => pool.AcquireAsync(1))];

        for (int i = 0; i < waiting.Length; i++)
        {
            waiting.Skip(i).ShouldAllBe(w => !w.IsCompleted);
            held.Dispose();
            waiting[i].IsCompleted.ShouldBeTrue();
            held = await waiting[i];
        }
    }

    [Fact]
    public async Task AcquireAsync_BigRequestFirstInLine_IsNotOvertakenBySmallOnes()
    {
        var pool = new DevicePool(["0", "1"]);
        DeviceLease one = await pool.AcquireAsync(1);

        ValueTask<DeviceLease> both = pool.AcquireAsync(2);
        ValueTask<DeviceLease> small = pool.AcquireAsync(1);

        // Device 1 is free, but the request for two came first.
        small.IsCompleted.ShouldBeFalse();
        one.Dispose();
        both.IsCompleted.ShouldBeTrue();
        small.IsCompleted.ShouldBeFalse();
        (await both).Dispose();
        (await small).Devices.ShouldBe(["0"]);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_LeavesTheQueueAndTakesNothing()
    {
        var pool = new DevicePool(["0", "1"]);
        DeviceLease one = await pool.AcquireAsync(1);
        using var cancel = new CancellationTokenSource();
        ValueTask<DeviceLease> both = pool.AcquireAsync(2, cancellationToken: cancel.Token);
        ValueTask<DeviceLease> small = pool.AcquireAsync(1);

        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(async () => await both);
        (await small).Devices.ShouldBe(["1"]); // no longer held back by the cancelled request
        pool.Waiting.ShouldBe(0);
        one.Dispose();
        pool.Loads().ShouldBe([0, 1]);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelled_Throws()
    {
        var pool = new DevicePool(["0"]);

        await Should.ThrowAsync<OperationCanceledException>(async () => await pool.AcquireAsync(1, cancellationToken: new CancellationToken(canceled: true)));
        pool.Loads().ShouldBe([0]);
    }

    [Fact]
    public async Task AcquireAsync_Cores_AreCountedAcrossTrials()
    {
        var pool = new DevicePool([], cpuCount: 4);
        DeviceLease three = await pool.AcquireAsync(0, cpus: 3);

        ValueTask<DeviceLease> two = pool.AcquireAsync(0, cpus: 2);
        two.IsCompleted.ShouldBeFalse();
        three.Dispose();

        (await two).Cpus.ShouldBe(2);
    }

    [Fact]
    public void AcquireAsync_MoreThanThePoolHas_IsAnErrorNotAWaitForever()
    {
        var pool = new DevicePool(["0"], cpuCount: 2);

        Should.Throw<ArgumentOutOfRangeException>(() => pool.AcquireAsync(2));
        Should.Throw<ArgumentOutOfRangeException>(() => pool.AcquireAsync(1, cpus: 3));
    }

    [Fact]
    public async Task Dispose_Twice_GivesBackOnce()
    {
        var pool = new DevicePool(["0"], trialsPerDevice: 2);
        DeviceLease a = await pool.AcquireAsync(1);
        using DeviceLease b = await pool.AcquireAsync(1);

        a.Dispose();
        a.Dispose();

        pool.Loads().ShouldBe([1]);
    }

    [Theory]
    [InlineData(new[] { "0", "0" }, 1, "listed twice")]
    [InlineData(new[] { "" }, 1, "must not be empty")]
    [InlineData(new[] { "0" }, 0, "trialsPerDevice")]
    public void Constructor_BadPool_Throws(string[] devices, int perDevice, string expected) =>
        Should.Throw<ArgumentException>(() => new DevicePool(devices, perDevice)).Message.ShouldContain(expected);

    [Theory]
    [InlineData(1, 1, 64)]
    [InlineData(2, 1, 64)]
    [InlineData(2, 2, 64)]
    [InlineData(1, 2, 5)] // the cores bind first: two trials at a time
    public async Task ConcurrentTrials_NeverShareADeviceOrCoresBeyondTheLimit(int gpus, int perDevice, int cpuCount)
    {
        string[] devices = ["0", "1", "2"];
        var pool = new DevicePool(devices, perDevice, cpuCount);
        var holders = new int[devices.Length];
        int cpusHeld = 0;
        int overbooked = 0;
        int granted = 0;
        using var cancelSome = new CancellationTokenSource();

        async Task TrialAsync(int index)
        {
            for (int round = 0; round < 20; round++)
            {
                // Every seventh request gives up while it waits, as a cancelled trial does.
                CancellationToken token = (index + round) % 7 == 0 ? cancelSome.Token : CancellationToken.None;
                DeviceLease lease;
                try
                {
                    lease = await pool.AcquireAsync(gpus, cpus: 2, token);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }

                using (lease)
                {
                    Interlocked.Increment(ref granted);
                    foreach (string id in lease.Devices)
                    {
                        if (Interlocked.Increment(ref holders[Array.IndexOf(devices, id)]) > perDevice)
                        {
                            Interlocked.Increment(ref overbooked);
                        }
                    }

                    if (Interlocked.Add(ref cpusHeld, lease.Cpus) > cpuCount)
                    {
                        Interlocked.Increment(ref overbooked);
                    }

                    lease.Devices.Distinct().Count().ShouldBe(gpus);
                    await Task.Yield();
                    if (round == 10 && index == 0)
                    {
                        await cancelSome.CancelAsync();
                    }

                    Interlocked.Add(ref cpusHeld, -lease.Cpus);
                    foreach (string id in lease.Devices)
                    {
                        Interlocked.Decrement(ref holders[Array.IndexOf(devices, id)]);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => TrialAsync(i))));

        overbooked.ShouldBe(0);
        granted.ShouldBeGreaterThan(16 * 10);
        pool.Loads().ShouldAllBe(load => load == 0);
        pool.Waiting.ShouldBe(0);
    }
}
