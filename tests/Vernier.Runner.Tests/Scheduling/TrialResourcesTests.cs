using Vernier.Runner.Scheduling;

namespace Vernier.Runner.Tests.Scheduling;

public sealed class TrialResourcesTests
{
    [Fact]
    public async Task EnvironmentFor_Devices_SetsTheVisibleDevicesVariables()
    {
        var resources = new TrialResources(new DevicePool(["0", "1", "2"]), gpus: 2);
        using DeviceLease lease = await resources.AcquireAsync();

        resources.EnvironmentFor(lease).ShouldBe(
            new Dictionary<string, string?> { ["CUDA_VISIBLE_DEVICES"] = "0,1", ["HIP_VISIBLE_DEVICES"] = "0,1", ["VERNIER_DEVICES"] = "0,1" },
            ignoreOrder: true);
    }

    [Fact]
    public async Task EnvironmentFor_NoGpusWithDevices_HidesEveryGpu()
    {
        var resources = new TrialResources(new DevicePool(["0"]), gpus: 0);
        using DeviceLease lease = await resources.AcquireAsync();

        resources.EnvironmentFor(lease)["CUDA_VISIBLE_DEVICES"].ShouldBe("");
    }

    [Fact]
    public async Task EnvironmentFor_Cpus_SetsThreadCountsExceptThoseTheUserSets()
    {
        var resources = new TrialResources(new DevicePool([], cpuCount: 8), gpus: 0, cpus: 2) { UserVariables = ["MKL_NUM_THREADS"] };
        using DeviceLease lease = await resources.AcquireAsync();

        IReadOnlyDictionary<string, string?> environment = resources.EnvironmentFor(lease);

        environment["VERNIER_CPUS"].ShouldBe("2");
        environment["OMP_NUM_THREADS"].ShouldBe("2");
        environment.ContainsKey("MKL_NUM_THREADS").ShouldBeFalse();
        environment.ContainsKey("CUDA_VISIBLE_DEVICES").ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, 0, 3)]
    [InlineData(2, 0, 1)]
    [InlineData(1, 4, 2)]
    [InlineData(0, 0, null)]
    public void Capacity_IsWhatTheScarcerResourceAllows(int gpus, int cpus, int? expected) =>
        new TrialResources(new DevicePool(["0", "1", "2"], cpuCount: 8), gpus, cpus).Capacity.ShouldBe(expected);
}
