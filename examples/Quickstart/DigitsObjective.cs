using Vernier.Examples.Digits;
using Vernier.Trials;

namespace Vernier.Examples.Quickstart;

/// <summary>The quickstart's objective: train a small neural network on the digits and return its validation accuracy.</summary>
public sealed class DigitsObjective(MlpTrainer trainer)
{
    /// <summary>Epochs per trial.</summary>
    public const int Epochs = 20;

    /// <summary>Suggests the hyperparameters, trains, reports accuracy after every epoch, and returns the final one.</summary>
    public double Evaluate(Trial trial, CancellationToken cancellationToken)
    {
        var hyperparameters = new MlpHyperparameters
        {
            LearningRate = trial.SuggestFloat("learning_rate", 1e-4, 1e-1, log: true),
            HiddenUnits = trial.SuggestInt("hidden_units", 16, 256),
            HiddenLayers = trial.SuggestInt("hidden_layers", 1, 3),
            Activation = Enum.Parse<MlpActivation>(trial.SuggestCategorical("activation", ["relu", "tanh", "gelu"]), ignoreCase: true),
            WeightDecay = trial.SuggestFloat("weight_decay", 1e-6, 1e-1, log: true),
            BatchSize = trial.SuggestCategorical("batch_size", [16, 32, 64, 128]),
            Epochs = Epochs,
            Seed = 0,
        };

        TrainingResult result = trainer.Train(
            hyperparameters,
            (epoch, accuracy) =>
            {
                trial.Report(accuracy, epoch);
                if (trial.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }
            },
            cancellationToken);
        return result.ValidationAccuracy;
    }
}
