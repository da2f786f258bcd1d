using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Trackers;

/// <summary>Shows a run's progress to a person: a progress bar in a terminal, lines in a log.</summary>
public interface IRunReporter
{
    /// <summary>Runs <paramref name="run"/> while showing progress; returns when it does.</summary>
    /// <param name="start">What the run starts from.</param>
    /// <param name="run">The run itself.</param>
    Task RunAsync(RunStart start, Func<Task> run);

    /// <summary>A trial finished.</summary>
    /// <param name="trial">The finished trial.</param>
    /// <param name="best">The best trial so far (single objective), or null.</param>
    /// <param name="counted">How many trials now count toward the budget.</param>
    void TrialFinished(FrozenTrial trial, FrozenTrial? best, int counted);
}

/// <summary>What a run starts from.</summary>
/// <param name="StudyName">The study's name.</param>
/// <param name="Directions">Its directions.</param>
/// <param name="TotalTrials">The trial budget, if any.</param>
/// <param name="AlreadyCounted">How many trials already count toward it (a continued study).</param>
/// <param name="Best">The best trial so far, if any.</param>
public sealed record RunStart(string StudyName, IReadOnlyList<StudyDirection> Directions, int? TotalTrials, int AlreadyCounted, FrozenTrial? Best);
