namespace Vernier.Examples.Digits.Tests;

public class MlpTrainerTests
{
    // Small and quick, but a setting the quickstart's sampler could draw.
    private static readonly MlpHyperparameters Good = new()
    {
        LearningRate = 3e-3,
        HiddenUnits = 64,
        HiddenLayers = 1,
        Activation = MlpActivation.Relu,
        BatchSize = 32,
        Epochs = 4,
        Seed = 7,
    };

    private readonly MlpTrainer _trainer = new(TestData.Dataset);

    [Fact]
    public void Train_GoodSettings_ReachesHighAccuracyInAFewEpochs()
    {
        TrainingResult result = _trainer.Train(Good);

        result.ValidationAccuracy.ShouldBeGreaterThan(0.9);
        result.EpochAccuracies[0].ShouldBeLessThan(result.ValidationAccuracy);
        result.EpochTrainingLosses[^1].ShouldBeLessThan(result.EpochTrainingLosses[0]);
        result.TrainingLoss.ShouldBe(result.EpochTrainingLosses[^1]);
        result.ValidationLoss.ShouldBeInRange(0.0, 0.5);
    }

    [Theory]
    [InlineData(MlpActivation.Relu)]
    [InlineData(MlpActivation.Tanh)]
    [InlineData(MlpActivation.Gelu)]
    [InlineData(MlpActivation.Sigmoid)]
    public void Train_EveryActivation_LearnsWellAboveChance(MlpActivation activation)
    {
        TrainingResult result = _trainer.Train(Good with { Activation = activation, HiddenLayers = 2, HiddenUnits = 32, LearningRate = 1e-2 });

        result.ValidationAccuracy.ShouldBeGreaterThan(0.85);
    }

    [Fact]
    public void Train_TinyLearningRate_LearnsLittle()
    {
        TrainingResult result = _trainer.Train(Good with { LearningRate = 1e-5 });

        result.ValidationAccuracy.ShouldBeLessThan(0.5);
    }

    [Fact]
    public void Train_SameHyperparameters_GiveBitIdenticalResults()
    {
        MlpHyperparameters hp = Good with { HiddenLayers = 2, WeightDecay = 1e-2, Epochs = 3 };

        TrainingResult first = _trainer.Train(hp);
        TrainingResult second = new MlpTrainer(TestData.Dataset).Train(hp);

        second.EpochAccuracies.ShouldBe(first.EpochAccuracies);
        BitConverter.DoubleToInt64Bits(second.ValidationLoss).ShouldBe(BitConverter.DoubleToInt64Bits(first.ValidationLoss));
        second.EpochTrainingLosses.Select(BitConverter.DoubleToInt64Bits).ShouldBe(first.EpochTrainingLosses.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Train_OtherSeed_GivesOtherRun()
    {
        TrainingResult first = _trainer.Train(Good with { Epochs = 1 });
        TrainingResult second = _trainer.Train(Good with { Epochs = 1, Seed = 8 });

        second.TrainingLoss.ShouldNotBe(first.TrainingLoss);
    }

    [Fact]
    public async Task Train_ConcurrentRuns_MatchSequentialOnes()
    {
        MlpHyperparameters[] settings = [Good with { Epochs = 2 }, Good with { Epochs = 2, Seed = 8, Activation = MlpActivation.Tanh }];
        TrainingResult[] sequential = [.. settings.Select(hp => _trainer.Train(hp))];

        TrainingResult[] concurrent = await Task.WhenAll(settings.Select(hp => Task.Run(() => _trainer.Train(hp))));

        concurrent.Select(r => r.TrainingLoss).ShouldBe(sequential.Select(r => r.TrainingLoss));
    }

    [Fact]
    public void Train_CallsOnEpochOncePerEpoch_InOrder_WithTheRecordedAccuracy()
    {
        var calls = new List<(int Epoch, double Accuracy)>();

        TrainingResult result = _trainer.Train(Good, (epoch, accuracy) => calls.Add((epoch, accuracy)));

        calls.Select(c => c.Epoch).ShouldBe([0, 1, 2, 3]);
        calls.Select(c => c.Accuracy).ShouldBe(result.EpochAccuracies);
    }

    [Fact]
    public void Train_CallbackThrows_StopsTrainingAndPropagates()
    {
        int calls = 0;

        Should.Throw<InvalidOperationException>(() => _trainer.Train(Good, (epoch, _) =>
        {
            calls++;
            if (epoch == 1)
            {
                throw new InvalidOperationException("pruned");
            }
        })).Message.ShouldBe("pruned");

        calls.ShouldBe(2);
    }

    [Fact]
    public void Train_CancelledDuringTraining_StopsBeforeTheNextEpochEnds()
    {
        using var cancellation = new CancellationTokenSource();
        int calls = 0;

        Should.Throw<OperationCanceledException>(() => _trainer.Train(
            Good,
            (_, _) =>
            {
                calls++;
                cancellation.Cancel();
            },
            cancellation.Token));

        calls.ShouldBe(1);
    }

    [Fact]
    public void Train_AlreadyCancelled_ThrowsBeforeAnyEpoch()
    {
        int calls = 0;

        Should.Throw<OperationCanceledException>(() => _trainer.Train(Good, (_, _) => calls++, new CancellationToken(canceled: true)));

        calls.ShouldBe(0);
    }

    [Fact]
    public void Train_BatchLargerThanTheTrainingSet_TrainsFullBatch()
    {
        TrainingResult result = _trainer.Train(Good with { BatchSize = 10_000, Epochs = 2 });

        result.EpochAccuracies.Count.ShouldBe(2);
        result.ValidationAccuracy.ShouldBeGreaterThan(0.1);
    }

    public static TheoryData<MlpHyperparameters, string> InvalidSettings => new()
    {
        { Good with { LearningRate = 0 }, nameof(MlpHyperparameters.LearningRate) },
        { Good with { LearningRate = double.PositiveInfinity }, nameof(MlpHyperparameters.LearningRate) },
        { Good with { WeightDecay = -1e-3 }, nameof(MlpHyperparameters.WeightDecay) },
        { Good with { WeightDecay = double.NaN }, nameof(MlpHyperparameters.WeightDecay) },
        { Good with { HiddenUnits = 0 }, nameof(MlpHyperparameters.HiddenUnits) },
        { Good with { HiddenLayers = 0 }, nameof(MlpHyperparameters.HiddenLayers) },
        { Good with { BatchSize = 0 }, nameof(MlpHyperparameters.BatchSize) },
        { Good with { Epochs = 0 }, nameof(MlpHyperparameters.Epochs) },
        { Good with { Activation = (MlpActivation)42 }, nameof(MlpHyperparameters.Activation) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Train_InvalidHyperparameters_ThrowsNamingTheValue(MlpHyperparameters hyperparameters, string name)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => _trainer.Train(hyperparameters)).ParamName.ShouldBe(name);
    }

    [Theory]
    [InlineData("relu", MlpActivation.Relu)]
    [InlineData("tanh", MlpActivation.Tanh)]
    [InlineData("gelu", MlpActivation.Gelu)]
    [InlineData("sigmoid", MlpActivation.Sigmoid)]
    public void Activation_ParsesFromTheStudysLowerCaseChoice(string choice, MlpActivation expected)
    {
        Enum.Parse<MlpActivation>(choice, ignoreCase: true).ShouldBe(expected);
    }
}
