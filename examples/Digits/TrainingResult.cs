namespace Vernier.Examples.Digits;

/// <summary>What a completed training run of <see cref="MlpTrainer"/> measured.</summary>
/// <param name="ValidationAccuracy">The fraction of validation images classified correctly after the last epoch, in [0, 1].</param>
/// <param name="ValidationLoss">The mean cross-entropy on the validation images after the last epoch (NaN if training diverged).</param>
/// <param name="TrainingLoss">The mean cross-entropy over the minibatches of the last epoch (NaN if training diverged).</param>
/// <param name="EpochAccuracies">The validation accuracy after each epoch, in order; the last equals <paramref name="ValidationAccuracy"/>.</param>
/// <param name="EpochTrainingLosses">The mean training cross-entropy of each epoch, in order.</param>
public sealed record TrainingResult(
    double ValidationAccuracy,
    double ValidationLoss,
    double TrainingLoss,
    IReadOnlyList<double> EpochAccuracies,
    IReadOnlyList<double> EpochTrainingLosses);
