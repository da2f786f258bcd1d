namespace Vernier.Storage;

/// <summary>A study with this name already exists.</summary>
public sealed class DuplicateStudyException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The study's name.</param>
    public DuplicateStudyException(string name)
        : base($"a study named '{name}' already exists; load it, or choose another name.") => StudyName = name;

    /// <summary>The study's name.</summary>
    public string StudyName { get; }
}

/// <summary>No study with this name or id exists.</summary>
public sealed class StudyNotFoundException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="study">The name or id asked for.</param>
    public StudyNotFoundException(string study)
        : base($"no study named '{study}' in this storage.")
    {
    }
}

/// <summary>No trial with this id exists.</summary>
public sealed class TrialNotFoundException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="trialId">The id asked for.</param>
    public TrialNotFoundException(long trialId)
        : base($"no trial with id {trialId} in this storage.")
    {
    }
}

/// <summary>A write to a trial that has already finished, or a change its state does not allow.</summary>
public sealed class TrialStateException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was attempted on which trial.</param>
    public TrialStateException(string message)
        : base(message)
    {
    }
}

/// <summary>Starting another trial would exceed the study's limit of concurrently running trials.</summary>
public sealed class ConcurrencyLimitExceededException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="maxRunning">The limit.</param>
    public ConcurrencyLimitExceededException(int maxRunning)
        : base($"{maxRunning} trial(s) are already running, the study's max_concurrent limit; tell a result before asking again, or raise max_concurrent.")
        => MaxRunning = maxRunning;

    /// <summary>The limit that was reached.</summary>
    public int MaxRunning { get; }
}

/// <summary>Starting another trial would exceed the study's trial budget (trials that count, see <see cref="Studies.TrialBudget.Counts"/>).</summary>
public sealed class TrialBudgetExhaustedException : VernierException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="budget">The budget.</param>
    public TrialBudgetExhaustedException(int budget)
        : base($"the study already holds {budget} trial(s) that count toward its budget; no more are started.")
        => Budget = budget;

    /// <summary>The budget that was reached.</summary>
    public int Budget { get; }
}
