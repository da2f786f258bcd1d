namespace Vernier.Examples.Digits;

/// <summary>
/// What one training run of <see cref="MlpTrainer"/> is configured with: the values a study tunes.
/// Every property has a default that trains a decent model.
/// </summary>
/// <example>
/// <code>
/// var hp = new MlpHyperparameters { LearningRate = 3e-3, HiddenUnits = 128, HiddenLayers = 2, BatchSize = 32 };
/// </code>
/// </example>
public sealed record MlpHyperparameters
{
    /// <summary>
    /// Adam's step size. Useful values lie between 1e-4 and 1e-1, best around 1e-3..1e-2.
    /// The default value is 1e-3.
    /// </summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The width of every hidden layer; at least 1. The default value is 64.</summary>
    public int HiddenUnits { get; init; } = 64;

    /// <summary>The number of hidden layers, each <see cref="HiddenUnits"/> wide; at least 1 (1–3 is sensible here). The default value is 1.</summary>
    public int HiddenLayers { get; init; } = 1;

    /// <summary>The non-linearity after each hidden layer. The default value is <see cref="MlpActivation.Relu"/>.</summary>
    public MlpActivation Activation { get; init; } = MlpActivation.Relu;

    /// <summary>
    /// Decoupled weight decay (AdamW): every step multiplies each weight by <c>1 − LearningRate × WeightDecay</c>.
    /// Biases are not decayed. Zero or more; useful values lie between 1e-5 and 1e-1. The default value is 0.
    /// </summary>
    public double WeightDecay { get; init; }

    /// <summary>Images per minibatch; at least 1. The default value is 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Passes over the training images; at least 1. The default value is 15.</summary>
    public int Epochs { get; init; } = 15;

    /// <summary>Fixes the initial weights and the order of the minibatches. The default value is 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws when a value is out of its range, naming it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive and finite.");
        }

        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay)))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "must be zero or positive, and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenUnits, 1, nameof(HiddenUnits));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenLayers, 1, nameof(HiddenLayers));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "is not a known activation.");
        }
    }
}
