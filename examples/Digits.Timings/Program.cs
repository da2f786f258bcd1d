using System.Diagnostics;
using Vernier.Examples.Digits;

// Times single training runs on one thread, the way one trial runs, for the configurations a
// quickstart study can draw; the quality rows show what good and bad learning rates reach.
var trainer = new MlpTrainer(DigitsDataset.Load(DigitsDataset.DefaultPath));
Console.WriteLine($"{trainer.Dataset.Train.Count} training, {trainer.Dataset.Validation.Count} validation images; Vector<float>.Count = {System.Numerics.Vector<float>.Count}");

// JIT and tiered compilation settle during a short throwaway run, so the first row is not penalised.
trainer.Train(new MlpHyperparameters { Epochs = 2 });

(string Name, MlpHyperparameters Hyperparameters)[] runs =
[
    ("small  1x32  b128", new() { HiddenLayers = 1, HiddenUnits = 32, BatchSize = 128, LearningRate = 1e-2 }),
    ("small  1x32  b16", new() { HiddenLayers = 1, HiddenUnits = 32, BatchSize = 16, LearningRate = 3e-3 }),
    ("medium 2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3 }),
    ("medium 1x128 b32", new() { HiddenLayers = 1, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3 }),
    ("large  3x256 b128", new() { HiddenLayers = 3, HiddenUnits = 256, BatchSize = 128, LearningRate = 1e-3 }),
    ("large  3x256 b16", new() { HiddenLayers = 3, HiddenUnits = 256, BatchSize = 16, LearningRate = 1e-3 }),
    ("tanh   2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3, Activation = MlpActivation.Tanh }),
    ("gelu   2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3, Activation = MlpActivation.Gelu }),
    ("sigm   2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3, Activation = MlpActivation.Sigmoid }),
    ("lr 1e-5 1x128 b32", new() { HiddenLayers = 1, HiddenUnits = 128, BatchSize = 32, LearningRate = 1e-5 }),
    ("lr 1e-4 1x128 b32", new() { HiddenLayers = 1, HiddenUnits = 128, BatchSize = 32, LearningRate = 1e-4 }),
    ("lr 1e-1 1x128 b32", new() { HiddenLayers = 1, HiddenUnits = 128, BatchSize = 32, LearningRate = 1e-1 }),
    ("lr 0.5  2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 0.5 }),
    ("wd 0.1 2x128 b32", new() { HiddenLayers = 2, HiddenUnits = 128, BatchSize = 32, LearningRate = 3e-3, WeightDecay = 0.1 }),
    ("worst gelu 3x256 b16 20ep", new() { HiddenLayers = 3, HiddenUnits = 256, BatchSize = 16, LearningRate = 1e-3, Activation = MlpActivation.Gelu, Epochs = 20 }),
];

Console.WriteLine($"{"configuration",-26} {"epochs",6} {"seconds",8} {"accuracy",9} {"val loss",9} {"best",6}");
foreach ((string name, MlpHyperparameters hp) in runs)
{
    long started = Stopwatch.GetTimestamp();
    TrainingResult result = trainer.Train(hp);
    TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
    Console.WriteLine($"{name,-26} {hp.Epochs,6} {elapsed.TotalSeconds,8:F2} {result.ValidationAccuracy,9:F4} {result.ValidationLoss,9:F4} {result.EpochAccuracies.Max(),6:F4}");
}

// A study's worth: 30 random configurations from a quickstart-like search space, two at a time as
// on two cores. A seeded System.Random is enough here: only the timing matters.
var sampler = new Random(42);
MlpHyperparameters[] trials = [.. Enumerable.Range(0, 30).Select(number => new MlpHyperparameters
{
    LearningRate = Math.Pow(10, sampler.NextDouble() * 3 - 4),
    HiddenUnits = sampler.Next(32, 257),
    HiddenLayers = sampler.Next(1, 4),
    Activation = (MlpActivation)sampler.Next(0, 3),
    WeightDecay = Math.Pow(10, sampler.NextDouble() * 4 - 6),
    BatchSize = new[] { 16, 32, 64, 128 }[sampler.Next(4)],
    Seed = (ulong)number,
})];
var accuracies = new double[trials.Length];
long studyStarted = Stopwatch.GetTimestamp();
Parallel.For(0, trials.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => accuracies[i] = trainer.Train(trials[i]).ValidationAccuracy);
Console.WriteLine($"30 random trials on 2 threads: {Stopwatch.GetElapsedTime(studyStarted).TotalSeconds:F1} s; accuracy best {accuracies.Max():F4}, median {accuracies.Order().ElementAt(15):F4}, worst {accuracies.Min():F4}");
