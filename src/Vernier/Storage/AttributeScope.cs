namespace Vernier.Storage;

/// <summary>Which attribute map a key belongs to.</summary>
public enum AttributeScope
{
    /// <summary>Set by user code.</summary>
    User = 0,

    /// <summary>Set by Vernier itself.</summary>
    System = 1,
}
