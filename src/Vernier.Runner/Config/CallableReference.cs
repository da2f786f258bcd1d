namespace Vernier.Runner.Config;

/// <summary>
/// A static method in a .NET assembly that computes the objective in-process, written
/// <c>path/to/Assembly.dll:Namespace.Type.Method</c> in a study file.
/// </summary>
/// <param name="AssemblyPath">The assembly's path as written; relative paths resolve with <see cref="StudyDefinition.ResolvePath"/>.</param>
/// <param name="TypeName">The full name of the type (nested types with <c>+</c>, as reflection writes them).</param>
/// <param name="MethodName">The method's name.</param>
public sealed record CallableReference(string AssemblyPath, string TypeName, string MethodName)
{
    /// <summary>The reference as written in a file.</summary>
    public override string ToString() => $"{AssemblyPath}:{TypeName}.{MethodName}";
}
