using System.Collections.Concurrent;
using System.Reflection;
using Vernier.Storage;

namespace Vernier.Tests;

/// <summary>
/// A storage double that records every write it passes on and, once a chosen method has returned, "kills" its
/// process: every later write throws, while reads still work (as another process would read the store).
/// </summary>
internal class RecordingStorage : DispatchProxy
{
    private IStorage _inner = null!;
    private string? _killAfter;
    private volatile bool _killed;

    /// <summary>The writes passed on, in order: the method's name, and for attribute writes the key after a colon.</summary>
    public ConcurrentQueue<string> Writes { get; } = new();

    public static (IStorage Storage, RecordingStorage Recorder) Wrap(IStorage inner, string? killAfter = null)
    {
        IStorage proxy = Create<IStorage, RecordingStorage>();
        var recorder = (RecordingStorage)(object)proxy;
        recorder._inner = inner;
        recorder._killAfter = killAfter;
        return (proxy, recorder);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        string name = targetMethod!.Name;
        bool write = !(name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Find", StringComparison.Ordinal) || name == nameof(IAsyncDisposable.DisposeAsync));
        if (write)
        {
            if (_killed)
            {
                throw new IOException("killed");
            }

            Writes.Enqueue(name == nameof(IStorage.SetTrialAttributeAsync) ? $"{name}:{args![2]}" : name);
        }

        try
        {
            object? result = targetMethod.Invoke(_inner, args);
            if (name == _killAfter && result is Task task)
            {
                return ThenKill(task, targetMethod.ReturnType);
            }

            return result;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>Marks the process killed once <paramref name="task"/> has completed, passing its result through.</summary>
    private object ThenKill(Task task, Type returnType)
    {
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return typeof(RecordingStorage).GetMethod(nameof(ThenKillWithResult), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(returnType.GetGenericArguments()[0])
                .Invoke(this, [task])!;
        }

        return task.ContinueWith(
            t =>
            {
                _killed = true;
                t.GetAwaiter().GetResult();
            },
            TaskScheduler.Default);
    }

    private Task<T> ThenKillWithResult<T>(Task<T> task) => task.ContinueWith(
        t =>
        {
            _killed = true;
            return t.GetAwaiter().GetResult();
        },
        TaskScheduler.Default);
}
