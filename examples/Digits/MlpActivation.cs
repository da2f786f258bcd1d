namespace Vernier.Examples.Digits;

/// <summary>
/// The non-linearity after each hidden layer. Names parse case-insensitively from a study's
/// categorical choice: <c>Enum.Parse&lt;MlpActivation&gt;("relu", ignoreCase: true)</c>.
/// </summary>
public enum MlpActivation
{
    /// <summary><c>max(0, x)</c>; weights start with He (Kaiming) uniform initialisation.</summary>
    Relu,

    /// <summary>Hyperbolic tangent; weights start with Glorot (Xavier) uniform initialisation.</summary>
    Tanh,

    /// <summary>
    /// Gaussian error linear unit in its tanh approximation,
    /// <c>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c> (Hendrycks and Gimpel, 2016), since .NET has
    /// no error function; weights start with He uniform initialisation.
    /// </summary>
    Gelu,

    /// <summary>Logistic function <c>1 / (1 + e^-x)</c>; weights start with Glorot uniform initialisation. Learns slowest of the four.</summary>
    Sigmoid,
}
