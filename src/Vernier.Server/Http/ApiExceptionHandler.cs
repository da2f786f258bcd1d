using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Vernier.Samplers;
using Vernier.Storage;

namespace Vernier.Server.Http;

/// <summary>
/// Turns the errors a request causes into RFC 9457 problem details: bad JSON (naming the JSON path), bad fields,
/// unknown studies and trials (404), conflicts such as telling a finished trial (409) and bodies over the limit (413).
/// Other exceptions are left to the default handler (500, no details).
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Describe(exception) is not { } problem)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The problem a known exception stands for, or null for an unexpected one.</summary>
    internal static ProblemDetails? Describe(Exception exception) => exception switch
    {
        ApiProblemException e => Problem(e.StatusCode, e.Message, e.Field),
        BadHttpRequestException { InnerException: JsonException json } => Problem(
            StatusCodes.Status400BadRequest,
            $"the request body is not valid JSON{(json.Path is { } at ? $" at '{at}'" : "")}: {FirstSentence(json.Message)}",
            FieldOf(json.Path) ?? "body"),
        BadHttpRequestException e => Problem(e.StatusCode, e.Message, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body" : null),
        StudyNotFoundException e => Problem(StatusCodes.Status404NotFound, e.Message, "name"),
        DuplicateStudyException e => Problem(StatusCodes.Status409Conflict, e.Message, "name"),
        TrialStateException e => Problem(StatusCodes.Status409Conflict, e.Message, "number"),
        ConcurrencyLimitExceededException e => Problem(StatusCodes.Status409Conflict, e.Message),
        TrialBudgetExhaustedException e => Problem(StatusCodes.Status409Conflict, e.Message),
        SamplerExhaustedException e => Problem(StatusCodes.Status409Conflict, e.Message),
        _ => null,
    };

    private static ProblemDetails Problem(int status, string detail, string? field = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = TitleOf(status),
            Detail = detail,
            Type = $"https://tools.ietf.org/html/rfc9110#section-15.5.{status - 399}",
        };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        return problem;
    }

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status413PayloadTooLarge => "Request body too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Request refused",
    };

    /// <summary>A JSON path as a field name: <c>$.values[0]</c> → <c>values[0]</c>; the root → null.</summary>
    internal static string? FieldOf(string? jsonPath) =>
        jsonPath is null or "$" ? null : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');

    private static string FirstSentence(string message)
    {
        int path = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
