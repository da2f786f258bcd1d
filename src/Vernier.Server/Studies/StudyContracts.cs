using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vernier.Server.Studies;

/// <summary>A study in the list: its shape, how many trials are in each state, its best value and when it last changed.</summary>
/// <param name="Name">The study's unique name.</param>
/// <param name="Id">The storage's id of the study.</param>
/// <param name="Directions">One direction per objective: <c>minimize</c> or <c>maximize</c>.</param>
/// <param name="TrialCounts">The number of trials in each state (waiting, running, complete, pruned, failed).</param>
/// <param name="BestValue">The best objective value of a single-objective study; null when none completed or with several objectives.</param>
/// <param name="BestTrialNumber">The number of the best trial of a single-objective study, or null.</param>
/// <param name="ParetoFrontSize">For several objectives, how many trials are on the Pareto front; null for one objective.</param>
/// <param name="CreatedAt">When the study was created.</param>
/// <param name="LastActivity">The latest time a trial started or finished (the creation time if none did).</param>
internal record StudySummary(
    string Name,
    long Id,
    IReadOnlyList<string> Directions,
    IReadOnlyDictionary<string, int> TrialCounts,
    double? BestValue,
    int? BestTrialNumber,
    int? ParetoFrontSize,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivity);

/// <summary>One study with its attributes and, if one is stored with it, its definition.</summary>
internal sealed record StudyDetail(
    string Name,
    long Id,
    IReadOnlyList<string> Directions,
    IReadOnlyDictionary<string, int> TrialCounts,
    double? BestValue,
    int? BestTrialNumber,
    int? ParetoFrontSize,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivity,
    IReadOnlyDictionary<string, JsonElement> UserAttributes,
    JsonElement? Definition)
    : StudySummary(Name, Id, Directions, TrialCounts, BestValue, BestTrialNumber, ParetoFrontSize, CreatedAt, LastActivity);

/// <summary>An intermediate value: the step (epoch, iteration…) and the value (null when not a finite number).</summary>
internal sealed record IntermediateValue(long Step, double? Value);

/// <summary>A trial in a list: number, state, values, parameters (external values), attributes and timings.</summary>
internal record TrialSummary(
    int Number,
    string State,
    IReadOnlyList<double?> Values,
    IReadOnlyDictionary<string, JsonNode?> Params,
    IReadOnlyDictionary<string, JsonElement> UserAttributes,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    string? FailReason,
    IntermediateValue? LastIntermediateValue);

/// <summary>One trial in full: also its intermediate values, parameter distributions and system attributes.</summary>
internal sealed record TrialDetail(
    int Number,
    string State,
    IReadOnlyList<double?> Values,
    IReadOnlyDictionary<string, JsonNode?> Params,
    IReadOnlyDictionary<string, JsonElement> UserAttributes,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    double? DurationSeconds,
    string? FailReason,
    IntermediateValue? LastIntermediateValue,
    IReadOnlyList<IntermediateValue> IntermediateValues,
    IReadOnlyDictionary<string, JsonObject> Distributions,
    IReadOnlyDictionary<string, JsonElement> SystemAttributes)
    : TrialSummary(Number, State, Values, Params, UserAttributes, StartedAt, CompletedAt, DurationSeconds, FailReason, LastIntermediateValue);

/// <summary>One page of trials.</summary>
/// <param name="Items">The trials on this page.</param>
/// <param name="Total">How many trials match the filter, on all pages.</param>
/// <param name="Page">The page number, from 1.</param>
/// <param name="PageSize">The most trials a page holds.</param>
internal sealed record TrialPage(IReadOnlyList<TrialSummary> Items, int Total, int Page, int PageSize);

/// <summary>The best trial (one objective) or the Pareto front (several), in number order.</summary>
/// <param name="Directions">The study's directions.</param>
/// <param name="Trials">The best trial, or the trials on the Pareto front; empty when none completed.</param>
internal sealed record BestTrials(IReadOnlyList<string> Directions, IReadOnlyList<TrialSummary> Trials);

/// <summary>Creates a study (or loads it, with <c>load_if_exists</c>).</summary>
/// <param name="Name">The study's unique name.</param>
/// <param name="Directions">One direction per objective: <c>minimize</c> (the default) or <c>maximize</c>.</param>
/// <param name="LoadIfExists">Return the existing study of this name (with the same directions) instead of a 409. The default is false.</param>
internal sealed record CreateStudyRequest(string? Name, IReadOnlyList<string>? Directions, bool? LoadIfExists);

/// <summary>Starts a trial.</summary>
/// <param name="Distributions">
/// Parameters to choose now, by name, each in Vernier's distribution JSON (<c>{"type":"float","low":0.001,"high":0.1,"log":true}</c>,
/// <c>{"type":"int","low":1,"high":8}</c>, <c>{"type":"categorical","choices":["relu","tanh"]}</c>). Without them the trial starts with no parameters.
/// </param>
internal sealed record AskRequest(IReadOnlyDictionary<string, JsonObject>? Distributions);

/// <summary>A started trial: its number and the parameters chosen for it.</summary>
internal sealed record AskResponse(string Study, int Number, IReadOnlyDictionary<string, JsonNode?> Params);

/// <summary>The result of a trial: <c>values</c> (one per objective) for a complete trial, or <c>state</c> pruned / failed (with a <c>reason</c>).</summary>
internal sealed record TellRequest(IReadOnlyList<double>? Values, string? State, string? Reason);

/// <summary>An intermediate value of a running trial.</summary>
internal sealed record ReportRequest(long? Step, double? Value);
