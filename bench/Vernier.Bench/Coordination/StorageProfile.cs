using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Vernier.Storage;

namespace Vernier.Bench.Coordination;

/// <summary>
/// Where a worker's time goes: wraps a storage and adds up the calls and the time of each method
/// (<c>VERNIER_COORDINATION_PROFILE=1</c> makes the workers print it on stderr).
/// </summary>
internal class StorageProfile : DispatchProxy
{
    private readonly ConcurrentDictionary<string, (int Calls, long Ticks)> _totals = new(StringComparer.Ordinal);
    private IStorage _inner = null!;

    public static IStorage Wrap(IStorage inner, out StorageProfile profile)
    {
        IStorage proxy = Create<IStorage, StorageProfile>();
        profile = (StorageProfile)(object)proxy;
        profile._inner = inner;
        return proxy;
    }

    public string Summary()
    {
        var text = new StringBuilder();
        foreach (var (name, (calls, ticks)) in _totals.OrderByDescending(t => t.Value.Ticks))
        {
            double ms = ticks * 1000.0 / Stopwatch.Frequency;
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-32} {calls,6} calls {ms,10:0.0} ms {ms / calls,8:0.000} ms/call");
        }

        return text.ToString();
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        long start = Stopwatch.GetTimestamp();
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        if (result is Task task)
        {
            task.ContinueWith(_ => Add(targetMethod.Name, start), TaskScheduler.Default);
        }
        else if (result is ValueTask valueTask)
        {
            Add(targetMethod.Name, start);
            return valueTask;
        }
        else
        {
            Add(targetMethod.Name, start);
        }

        return result;
    }

    private void Add(string name, long start)
    {
        long ticks = Stopwatch.GetTimestamp() - start;
        _totals.AddOrUpdate(name, (1, ticks), (_, t) => (t.Calls + 1, t.Ticks + ticks));
    }
}
