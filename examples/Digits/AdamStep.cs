namespace Vernier.Examples.Digits;

/// <summary>
/// The constants of one Adam step (Kingma and Ba, 2015), with the bias corrections folded into the
/// step size and epsilon: <c>lr·m̂/(√v̂ + ε)</c> equals <c>StepSize·m/(√v + Epsilon)</c>, which
/// saves two operations per parameter.
/// </summary>
internal readonly struct AdamStep
{
    public const float Beta1 = 0.9f;
    public const float Beta2 = 0.999f;
    private const double BaseEpsilon = 1e-8;

    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="weightDecay">The decoupled weight decay λ.</param>
    /// <param name="beta1Power">β₁ to the power of the step number (1-based).</param>
    /// <param name="beta2Power">β₂ to the power of the step number.</param>
    public AdamStep(double learningRate, double weightDecay, double beta1Power, double beta2Power)
    {
        double secondCorrection = Math.Sqrt(1 - beta2Power);
        StepSize = (float)(learningRate * secondCorrection / (1 - beta1Power));
        Epsilon = (float)(BaseEpsilon * secondCorrection);
        WeightDecayFactor = (float)(1 - learningRate * weightDecay);
    }

    public float StepSize { get; }

    public float Epsilon { get; }

    /// <summary>Decoupled weight decay (AdamW, Loshchilov and Hutter, 2019): what every weight is multiplied by before the Adam update.</summary>
    public float WeightDecayFactor { get; }
}
