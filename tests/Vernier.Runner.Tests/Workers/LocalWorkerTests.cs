using System.Diagnostics;
using Vernier.Runner.Workers;
using Vernier.Studies;

namespace Vernier.Runner.Tests.Workers;

public sealed class LocalWorkerTests
{
    [Fact]
    public void Current_DescribesThisProcess()
    {
        WorkerIdentity current = LocalWorker.Current;

        current.Host.ShouldBe(Environment.MachineName);
        current.ProcessId.ShouldBe(Environment.ProcessId);
        using Process self = Process.GetCurrentProcess();
        current.ProcessStartedAt.ShouldNotBeNull().ShouldBe(new DateTimeOffset(self.StartTime.ToUniversalTime()), TimeSpan.FromSeconds(2));
        current.ProcessStartedAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void IsAlive_ThisProcess_IsTrue()
    {
        LocalWorker.Liveness.IsAlive(LocalWorker.Current).ShouldBe(true);
        LocalWorker.Liveness.IsAlive(LocalWorker.Current with { ProcessStartedAt = null }).ShouldBe(true);
    }

    [Fact]
    public async Task IsAlive_ProcessThatHasExited_IsFalse()
    {
        int pid;
        using (Process process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            pid = process.Id;
            await process.WaitForExitAsync();
        }

        LocalWorker.Liveness.IsAlive(new WorkerIdentity(Environment.MachineName, pid, null)).ShouldBe(false);
        LocalWorker.Liveness.IsAlive(new WorkerIdentity(Environment.MachineName, pid, DateTimeOffset.UtcNow)).ShouldBe(false);
    }

    [Fact]
    public void IsAlive_AnotherHost_CannotTell() =>
        LocalWorker.Liveness.IsAlive(LocalWorker.Current with { Host = Environment.MachineName + "-elsewhere" }).ShouldBeNull();

    [Theory]
    [InlineData(-3600)]
    [InlineData(-5)]
    [InlineData(5)]
    public void IsAlive_RecordedStartTimeDiffers_IsFalseBecauseThePidWasReused(int seconds)
    {
        WorkerIdentity recycled = LocalWorker.Current with { ProcessStartedAt = LocalWorker.Current.ProcessStartedAt!.Value.AddSeconds(seconds) };

        LocalWorker.Liveness.IsAlive(recycled).ShouldBe(false);
    }

    [Fact]
    public void IsAlive_RecordedStartTimeWithinClockGranularity_IsTrue() =>
        LocalWorker.Liveness.IsAlive(LocalWorker.Current with { ProcessStartedAt = LocalWorker.Current.ProcessStartedAt!.Value.AddSeconds(1) }).ShouldBe(true);
}
