namespace Vernier.Examples.Digits;

/// <summary>
/// Trains a multilayer perceptron on the digits and measures its validation accuracy after every
/// epoch: the objective of the README's quickstart.
/// </summary>
/// <remarks>
/// <para>
/// The network: <see cref="MlpHyperparameters.HiddenLayers"/> dense layers of
/// <see cref="MlpHyperparameters.HiddenUnits"/> units with the chosen activation, then a dense
/// layer of 10 logits and softmax cross-entropy. Weights start uniform (He for ReLU and GELU,
/// Glorot for tanh, sigmoid and the output layer), biases at zero.
/// </para>
/// <para>
/// Training: every epoch shuffles the training images and takes one step per minibatch (the last
/// one may be smaller) with AdamW — Adam (Kingma and Ba, 2015; β₁ = 0.9, β₂ = 0.999, ε = 1e-8)
/// with decoupled weight decay on the weights but not the biases (Loshchilov and Hutter, 2019),
/// as PyTorch's <c>AdamW</c>. Adam trains well over learning rates from 1e-4 to 1e-1, the range
/// a study searches. There is no learning-rate schedule and no early stopping: a run that
/// diverges keeps its epochs, with NaN losses and about chance accuracy.
/// </para>
/// <para>
/// Reproducibility: the initial weights and the minibatch order come from xoshiro256** streams
/// derived from <see cref="MlpHyperparameters.Seed"/>, and the arithmetic is arranged so that SIMD
/// width does not change it, so equal hyperparameters give bit-identical results run after run.
/// Another machine gives the same bits as long as its runtime's <c>exp</c> and <c>tanh</c> round
/// alike, which is expected but not guaranteed across operating systems and .NET versions.
/// </para>
/// <para>
/// Thread safety: a trainer holds only the immutable data set, and every call to
/// <see cref="Train"/> builds its own network, so concurrent calls (parallel trials) are safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var trainer = new MlpTrainer(DigitsDataset.Load(DigitsDataset.DefaultPath));
/// TrainingResult result = trainer.Train(
///     new MlpHyperparameters { LearningRate = 3e-3, HiddenUnits = 128, Activation = MlpActivation.Relu },
///     onEpoch: (epoch, accuracy) => Console.WriteLine($"epoch {epoch}: {accuracy:P1}"));
/// Console.WriteLine($"validation accuracy {result.ValidationAccuracy:P1}");
/// </code>
/// </example>
public sealed class MlpTrainer
{
    /// <summary>Images classified at once during validation; chunking does not change any result.</summary>
    private const int EvaluationChunk = 256;

    // Purposes of the random streams derived from the seed: independent, so that one never shifts the other.
    private const ulong InitialisationStream = 1;
    private const ulong ShuffleStream = 2;

    /// <summary>Creates a trainer for a loaded data set.</summary>
    /// <param name="dataset">The images to train on and validate with.</param>
    public MlpTrainer(DigitsDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        Dataset = dataset;
    }

    /// <summary>The data set this trainer trains on.</summary>
    public DigitsDataset Dataset { get; }

    /// <summary>Trains one network from scratch and returns its validation accuracy and losses.</summary>
    /// <param name="hyperparameters">The configuration to train; validated first.</param>
    /// <param name="onEpoch">
    /// Called after every epoch with the zero-based index of the epoch just completed (its position
    /// in <see cref="TrainingResult.EpochAccuracies"/>) and the validation accuracy at that point:
    /// the place to report an intermediate value and ask a pruner. An exception thrown from it
    /// stops training and propagates unchanged.
    /// </param>
    /// <param name="cancellationToken">Checked before every minibatch.</param>
    /// <returns>The accuracies and losses of the run.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public TrainingResult Train(
        MlpHyperparameters hyperparameters, Action<int, double>? onEpoch = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        hyperparameters.Validate();

        DigitsSubset train = Dataset.Train;
        int batchSize = Math.Min(hyperparameters.BatchSize, train.Count);
        var network = new MultilayerPerceptron(
            hyperparameters,
            Math.Max(batchSize, EvaluationChunk),
            SeededRandom.ForPurpose(hyperparameters.Seed, InitialisationStream));
        var shuffle = SeededRandom.ForPurpose(hyperparameters.Seed, ShuffleStream);

        int[] order = [.. Enumerable.Range(0, train.Count)];
        var batchPixels = new float[batchSize * DigitsDataset.PixelCount];
        var batchLabels = new byte[batchSize];
        var accuracies = new double[hyperparameters.Epochs];
        var trainingLosses = new double[hyperparameters.Epochs];
        double validationLoss = double.NaN;

        // Adam's bias corrections need β^t; repeated multiplication is exact IEEE arithmetic, unlike Math.Pow.
        double beta1Power = 1, beta2Power = 1;
        for (int epoch = 0; epoch < hyperparameters.Epochs; epoch++)
        {
            shuffle.Shuffle(order);
            double lossSum = 0;
            for (int start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int rows = Math.Min(batchSize, order.Length - start);
                for (int r = 0; r < rows; r++)
                {
                    int index = order[start + r];
                    train.GetPixels(index).CopyTo(batchPixels.AsSpan(r * DigitsDataset.PixelCount));
                    batchLabels[r] = (byte)train.GetLabel(index);
                }

                beta1Power *= AdamStep.Beta1;
                beta2Power *= AdamStep.Beta2;
                var step = new AdamStep(hyperparameters.LearningRate, hyperparameters.WeightDecay, beta1Power, beta2Power);
                lossSum += network.Backpropagate(batchPixels, batchLabels, rows);
                network.Update(step);
            }

            trainingLosses[epoch] = lossSum / order.Length;
            (int correct, double validationLossSum) = network.Evaluate(Dataset.Validation);
            accuracies[epoch] = (double)correct / Dataset.Validation.Count;
            validationLoss = validationLossSum / Dataset.Validation.Count;
            onEpoch?.Invoke(epoch, accuracies[epoch]);
        }

        return new TrainingResult(accuracies[^1], validationLoss, trainingLosses[^1], accuracies, trainingLosses);
    }
}
