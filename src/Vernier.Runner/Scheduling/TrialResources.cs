using System.Globalization;

namespace Vernier.Runner.Scheduling;

/// <summary>
/// What each trial of a study takes from a <see cref="DevicePool"/> (<c>gpus</c> devices, <c>cpus</c> cores)
/// and the environment variables that tell its process where it was placed.
/// </summary>
/// <remarks>
/// <para>With devices, a trial's process gets <c>CUDA_VISIBLE_DEVICES</c>, <c>HIP_VISIBLE_DEVICES</c> and
/// <c>VERNIER_DEVICES</c>, each the comma-joined ids of its devices (empty for a trial that needs none, which hides
/// every GPU from it). <c>ROCR_VISIBLE_DEVICES</c> is not set: ROCm applies it before <c>HIP_VISIBLE_DEVICES</c>,
/// so setting both would select twice.</para>
/// <para>With cores, it gets <c>VERNIER_CPUS</c> and the thread counts of the usual numeric libraries
/// (<c>OMP_NUM_THREADS</c>, <c>MKL_NUM_THREADS</c>, <c>OPENBLAS_NUM_THREADS</c>, <c>NUMEXPR_NUM_THREADS</c>), each unless the objective's <c>env</c> or Vernier's own environment sets it.
/// The process is not pinned to particular cores.</para>
/// </remarks>
public sealed class TrialResources
{
    /// <summary>The thread-count variables set to the trial's cores: <c>OMP_NUM_THREADS</c>, <c>MKL_NUM_THREADS</c>, <c>OPENBLAS_NUM_THREADS</c>, <c>NUMEXPR_NUM_THREADS</c>.</summary>
    internal static IReadOnlyList<string> ThreadVariables { get; } = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"];

    /// <summary>The variables that carry a trial's devices.</summary>
    internal static IReadOnlyList<string> DeviceVariables { get; } = ["CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "VERNIER_DEVICES"];

    /// <summary>The system attribute that records a trial's devices (a JSON array of ids).</summary>
    public const string DevicesAttribute = "devices";

    /// <summary>Creates the per-trial needs.</summary>
    /// <param name="pool">The machine's devices and cores.</param>
    /// <param name="gpus">Devices per trial, 0 to at most the pool's.</param>
    /// <param name="cpus">Cores per trial, 0 (not counted) to at most the pool's when it counts them.</param>
    /// <exception cref="ArgumentOutOfRangeException">A need the pool can never meet.</exception>
    public TrialResources(DevicePool pool, int gpus, int cpus = 0)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(gpus);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(gpus, pool.Devices.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(cpus);
        if (pool.CpuCount > 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(cpus, pool.CpuCount);
        }

        Pool = pool;
        Gpus = gpus;
        Cpus = cpus;
    }

    /// <summary>The pool trials draw from.</summary>
    public DevicePool Pool { get; }

    /// <summary>Devices per trial.</summary>
    public int Gpus { get; }

    /// <summary>Cores per trial (0: not counted, no thread variables).</summary>
    public int Cpus { get; }

    /// <summary>Variables the user sets for every trial (the objective's <c>env</c>); a thread-count variable among them is left alone.</summary>
    /// <remarks>The default value is empty.</remarks>
    public IReadOnlyCollection<string> UserVariables { get; init; } = [];

    /// <summary>How many trials the pool holds at once with these needs, or null when nothing limits them.</summary>
    public int? Capacity
    {
        get
        {
            int? byDevices = Gpus > 0 ? Pool.Devices.Count * Pool.TrialsPerDevice / Gpus : null;
            int? byCpus = Cpus > 0 && Pool.CpuCount > 0 ? Pool.CpuCount / Cpus : null;
            return byDevices is int d && byCpus is int c ? Math.Min(d, c) : byDevices ?? byCpus;
        }
    }

    /// <summary>Waits for a trial's devices and cores (first come, first served) and takes them.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public ValueTask<DeviceLease> AcquireAsync(CancellationToken cancellationToken = default) => Pool.AcquireAsync(Gpus, Cpus, cancellationToken);

    /// <summary>The variables for a process placed on <paramref name="lease"/>, in a fixed order.</summary>
    /// <param name="lease">What the trial holds.</param>
    public IReadOnlyDictionary<string, string?> EnvironmentFor(DeviceLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (Pool.Devices.Count > 0)
        {
            string ids = string.Join(",", lease.Devices);
            foreach (string name in DeviceVariables)
            {
                variables[name] = ids;
            }
        }

        if (Cpus > 0)
        {
            string count = Cpus.ToString(CultureInfo.InvariantCulture);
            variables["VERNIER_CPUS"] = count;
            foreach (string name in ThreadVariables.Where(n => !UserVariables.Contains(n) && Environment.GetEnvironmentVariable(n) is null))
            {
                variables[name] = count;
            }
        }

        return variables;
    }
}
