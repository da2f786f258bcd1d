using System.Reflection;
using System.Runtime.Loader;
using Vernier.Trials;

namespace Vernier.Runner.Objectives;

/// <summary>
/// An objective written in .NET and named in a config file as <c>"path/to/Assembly.dll:Namespace.Type.Method"</c>,
/// run in the same process (no extra process per trial).
/// </summary>
/// <remarks>
/// The method may be static, or an instance method of a type with a public parameterless
/// constructor. It takes a <see cref="Trial"/> (and optionally a <see cref="CancellationToken"/>)
/// and returns a number, an array or list of numbers (several objectives), or a
/// <see cref="Task{TResult}"/> / <see cref="ValueTask{TResult}"/> of either.
/// </remarks>
public static class CallableObjective
{
    /// <summary>Loads the method and returns it as an objective.</summary>
    /// <param name="specification"><c>path/to/Assembly.dll:Namespace.Type.Method</c>.</param>
    /// <param name="baseDirectory">The folder a relative assembly path is relative to (the config file's).</param>
    /// <exception cref="CommandObjectiveException">The assembly, type or method cannot be found or has the wrong shape.</exception>
    public static Func<Trial, CancellationToken, Task<IReadOnlyList<double>>> Load(string specification, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(specification);
        int colon = specification.LastIndexOf(':');
        int dot = colon < 0 ? -1 : specification.LastIndexOf('.');
        if (colon <= 0 || dot <= colon + 1 || dot == specification.Length - 1)
        {
            throw new CommandObjectiveException(
                $"callable '{specification}' must look like \"path/to/Assembly.dll:Namespace.Type.Method\".");
        }

        string path = Path.GetFullPath(Path.Combine(baseDirectory, specification[..colon]));
        string typeName = specification[(colon + 1)..dot];
        string methodName = specification[(dot + 1)..];
        if (!File.Exists(path))
        {
            throw new CommandObjectiveException($"callable '{specification}': the assembly {path} does not exist (build it first?).");
        }

        Assembly assembly = new ObjectiveLoadContext(path).LoadFromAssemblyPath(path);
        Type type = assembly.GetType(typeName, throwOnError: false)
            ?? throw new CommandObjectiveException($"callable '{specification}': no type '{typeName}' in {Path.GetFileName(path)}.");
        MethodInfo[] candidates = [.. type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Where(m => m.Name == methodName)];
        // (Trial) and (Trial, CancellationToken) may both exist: take the one that can be cancelled.
        MethodInfo method = candidates.Where(IsSupported).MaxBy(m => m.GetParameters().Length)
            ?? throw new CommandObjectiveException(
                $"callable '{specification}': {typeName} has no public method '{methodName}' taking (Trial) or (Trial, CancellationToken) " +
                "and returning a number, numbers, or a Task of them" + (candidates.Length > 0 ? $" (found: {string.Join("; ", candidates.Select(m => m.ToString()))})." : "."));

        object? target = null;
        if (!method.IsStatic)
        {
            target = type.GetConstructor(Type.EmptyTypes) is { } constructor
                ? constructor.Invoke(null)
                : throw new CommandObjectiveException($"callable '{specification}': {typeName}.{methodName} is an instance method, but {typeName} has no public parameterless constructor.");
        }

        bool takesToken = method.GetParameters().Length == 2;
        return async (trial, cancellationToken) =>
        {
            object? returned;
            try
            {
                returned = method.Invoke(target, takesToken ? [trial, cancellationToken] : [trial]);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }

            return ToValues(await AwaitIfNeeded(returned));
        };
    }

    private static bool IsSupported(MethodInfo method)
    {
        ParameterInfo[] parameters = method.GetParameters();
        bool shape = parameters.Length switch
        {
            1 => parameters[0].ParameterType == typeof(Trial),
            2 => parameters[0].ParameterType == typeof(Trial) && parameters[1].ParameterType == typeof(CancellationToken),
            _ => false,
        };
        Type result = method.ReturnType;
        if (result.IsGenericType && (result.GetGenericTypeDefinition() == typeof(Task<>) || result.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            result = result.GetGenericArguments()[0];
        }

        return shape && (IsNumber(result) || typeof(IEnumerable<double>).IsAssignableFrom(result));
    }

    private static bool IsNumber(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(int) || type == typeof(long) || type == typeof(decimal);

    private static async Task<object?> AwaitIfNeeded(object? returned)
    {
        if (returned is Task task)
        {
            await task;
            return task.GetType().GetProperty("Result")!.GetValue(task);
        }

        if (returned is not null && returned.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            Task asTask = (Task)type.GetMethod("AsTask")!.Invoke(returned, null)!;
            await asTask;
            return asTask.GetType().GetProperty("Result")!.GetValue(asTask);
        }

        return returned;
    }

    private static IReadOnlyList<double> ToValues(object? value) => value switch
    {
        IEnumerable<double> many => [.. many],
        null => throw new TrialFailedException("the objective returned null."),
        _ => [Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)],
    };

    /// <summary>Loads an objective's assembly and its private dependencies, sharing Vernier and the framework with the host so that types match.</summary>
    private sealed class ObjectiveLoadContext(string assemblyPath) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(assemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(assemblyName, a.GetName())))
            {
                return null; // already in the host: share it
            }

            string? path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
