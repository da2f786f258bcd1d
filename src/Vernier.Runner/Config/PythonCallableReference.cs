namespace Vernier.Runner.Config;

/// <summary>
/// A Python function that computes the objective, written <c>package.module:function</c> in a study file and run
/// once per trial in a process of its own through Vernier's bridge script.
/// </summary>
/// <param name="Module">The dotted module name, imported with the working directory first on <c>sys.path</c>.</param>
/// <param name="Function">The function's name in the module.</param>
public sealed record PythonCallableReference(string Module, string Function)
{
    /// <summary>The reference as written in a file.</summary>
    public override string ToString() => $"{Module}:{Function}";
}
