using Vernier.Runner.Config;

namespace Vernier.Runner.Tests.Config;

/// <summary>The resource keys devices, gpus, trials_per_device, cpus and cpu_count.</summary>
public sealed class DeviceKeysTests
{
    private static StudyDefinition Parse(string resource, string objective = "command: [python3, train.py], metric: loss") => StudyDefinitionLoader.Parse(
        $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ {objective} }}\nresource: {{ {resource} }}\n", "study.yaml");

    [Fact]
    public void Parse_NoDeviceKeys_PlacesNothing()
    {
        ResourceDefinition resource = Parse("max_concurrent: 2").Resource;

        resource.Devices.ShouldBeEmpty();
        resource.Gpus.ShouldBe(0);
        resource.TrialsPerDevice.ShouldBe(1);
        resource.Cpus.ShouldBe(0);
        resource.CpuCount.ShouldBeNull();
        resource.PlacesTrials.ShouldBeFalse();
        StudyComposition.CreateResources(Parse("max_concurrent: 2")).ShouldBeNull();
    }

    [Fact]
    public void Parse_Devices_TakeOneGpuPerTrialByDefault()
    {
        ResourceDefinition resource = Parse("devices: [0, 1, \"GPU-8d2c\"]").Resource;

        resource.Devices.ShouldBe(["0", "1", "GPU-8d2c"]);
        resource.Gpus.ShouldBe(1);
        resource.TrialsPerDevice.ShouldBe(1);
        resource.PlacesTrials.ShouldBeTrue();
    }

    [Fact]
    public void Parse_DevicesAsACommaSeparatedString_AreSplit() =>
        Parse("devices: \"2,3\"").Resource.Devices.ShouldBe(["2", "3"]);

    [Fact]
    public void Parse_AllDeviceKeys_AreRead()
    {
        StudyDefinition definition = Parse("devices: [0, 1, 2, 3], gpus: 2, trials_per_device: 2, cpus: 3, cpu_count: 12");

        definition.Resource.Gpus.ShouldBe(2);
        definition.Resource.TrialsPerDevice.ShouldBe(2);
        definition.Resource.Cpus.ShouldBe(3);
        definition.Resource.CpuCount.ShouldBe(12);
        Vernier.Runner.Scheduling.TrialResources resources = StudyComposition.CreateResources(definition).ShouldNotBeNull();
        resources.Pool.Devices.ShouldBe(["0", "1", "2", "3"]);
        resources.Pool.CpuCount.ShouldBe(12);
        resources.Capacity.ShouldBe(4);
    }

    [Fact]
    public void Parse_ZeroGpus_IsAllowed() => Parse("devices: [0], gpus: 0").Resource.Gpus.ShouldBe(0);

    [Fact]
    public void Parse_CpusWithoutCpuCount_UseTheMachinesCores()
    {
        StudyDefinition definition = Parse("cpus: 1");

        definition.Resource.CpuCount.ShouldBeNull();
        StudyComposition.CreateResources(definition).ShouldNotBeNull().Pool.CpuCount.ShouldBe(Environment.ProcessorCount);
    }

    [Fact]
    public void CreateResources_MoreCpusThanTheMachineHas_NamesCpuCount()
    {
        VernierException error = Should.Throw<VernierException>(() => StudyComposition.CreateResources(Parse($"cpus: {Environment.ProcessorCount + 1}")));

        error.Message.ShouldContain("set cpu_count");
    }

    [Theory]
    [InlineData("devices: [0, 1, 0]", "devices lists '0' twice")]
    [InlineData("devices: []", "devices must list at least one device")]
    [InlineData("devices: 4", "devices must be a list")]
    [InlineData("devices: [0, 1], gpus: 3", "gpus is 3, but devices lists only 2")]
    [InlineData("devices: [0, 1], gpus: -1", "gpus must not be negative")]
    [InlineData("devices: [0, 1], gpus: 0.5", "write gpus: 1 and trials_per_device: 2")]
    [InlineData("gpus: 1", "gpus needs devices")]
    [InlineData("devices: [0], trials_per_device: 0", "trials_per_device must be at least 1, got 0")]
    [InlineData("trials_per_device: 2", "trials_per_device needs devices")]
    [InlineData("cpus: 0", "cpus must be at least 1, got 0")]
    [InlineData("cpu_count: 4", "cpu_count sizes the pool that each trial's cpus come from, but cpus is not set")]
    [InlineData("cpus: 8, cpu_count: 4", "cpus is 8, but cpu_count is only 4")]
    [InlineData("devcies: [0]", "did you mean 'devices'?")]
    public void Parse_BadDeviceKey_NamesTheKey(string resource, string expected)
    {
        ConfigException error = Should.Throw<ConfigException>(() => Parse(resource));

        error.Message.ShouldContain(expected);
        error.Message.ShouldStartWith("study.yaml:3:");
    }

    [Fact]
    public void Parse_DevicesForACallable_IsRefused() =>
        Should.Throw<ConfigException>(() => Parse("devices: [0]", "callable: \"a.dll:N.T.M\"")).Message.ShouldContain("devices places command trials, but this objective is a callable");

    [Fact]
    public void Parse_DevicesWhileTheObjectiveSetsCudaVisibleDevices_IsRefused() =>
        Should.Throw<ConfigException>(() => Parse("devices: [0]", "command: [python3, train.py], metric: loss, env: { CUDA_VISIBLE_DEVICES: 1 }"))
            .Message.ShouldContain("the objective's env sets CUDA_VISIBLE_DEVICES, which devices sets for each trial");

    [Fact]
    public void ContentHash_DoesNotDependOnDevices() =>
        Parse("devices: [0, 1]").ContentHash.ShouldBe(Parse("devices: [2]").ContentHash);
}
