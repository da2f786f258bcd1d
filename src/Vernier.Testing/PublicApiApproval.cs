using System.Reflection;
using System.Text;
using Shouldly;

namespace Vernier.Testing;

/// <summary>
/// Keeps a library's public surface visible in the diff: the surface is written as sorted text and
/// compared with an approved file committed beside the tests. A change fails the test and leaves a
/// <c>.received.txt</c> file; copy it over the approved one to accept the change consciously.
/// </summary>
public static class PublicApiApproval
{
    /// <summary>Asserts that an assembly's public surface equals the approved file.</summary>
    /// <param name="assembly">The library.</param>
    /// <param name="approvedFile">The approved surface, e.g. <c>tests/Vernier.Tests/PublicApi/Vernier.approved.txt</c>.</param>
    public static void AssertMatches(Assembly assembly, string approvedFile)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        string received = Describe(assembly);
        string approved = File.Exists(approvedFile) ? File.ReadAllText(approvedFile).ReplaceLineEndings("\n") : "";
        string receivedFile = Path.ChangeExtension(approvedFile, null).Replace(".approved", "", StringComparison.Ordinal) + ".received.txt";
        if (received == approved)
        {
            File.Delete(receivedFile);
            return;
        }

        File.WriteAllText(receivedFile, received);
        string[] added = [.. received.Split('\n').Except(approved.Split('\n'))];
        string[] removed = [.. approved.Split('\n').Except(received.Split('\n'))];
        received.ShouldBe(approved, $"the public API of {assembly.GetName().Name} changed. Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}\n" +
            $"If intended, copy {receivedFile} over {approvedFile}.");
    }

    /// <summary>The public surface as sorted lines: one per type, then one per member.</summary>
    /// <param name="assembly">The library.</param>
    public static string Describe(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var text = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeLine(type)).Append('\n');
            IEnumerable<string> members = type
                .GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.Name.StartsWith('<') && m is not MethodInfo { IsSpecialName: true } && m is not Type)
                .Select(m => "  " + MemberLine(m))
                .Order(StringComparer.Ordinal);
            foreach (string member in members)
            {
                text.Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string TypeLine(Type type)
    {
        string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(baseType.ToString());
        }

        bases.AddRange(type.GetInterfaces().Select(i => i.ToString()).Where(i => !i.StartsWith("System.IEquatable", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        return $"{kind} {type}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static string MemberLine(MemberInfo member) => member switch
    {
        MethodBase { IsStatic: true } method => "static " + method,
        FieldInfo { IsStatic: true, IsLiteral: true } field => "const " + field,
        FieldInfo { IsStatic: true } field => "static " + field,
        PropertyInfo property => $"{property} {{ {(property.GetMethod?.IsPublic == true ? "get; " : "")}{(property.SetMethod?.IsPublic == true ? (IsInitOnly(property.SetMethod) ? "init; " : "set; ") : "")}}}",
        _ => member.ToString() ?? member.Name,
    };

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");
}
