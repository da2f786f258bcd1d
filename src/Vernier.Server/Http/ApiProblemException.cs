using Microsoft.AspNetCore.Http;

namespace Vernier.Server.Http;

/// <summary>A request the API refuses: becomes an RFC 9457 problem details response naming the bad field, if any.</summary>
internal sealed class ApiProblemException : Exception
{
    public ApiProblemException(int statusCode, string detail, string? field = null)
        : base(detail)
    {
        StatusCode = statusCode;
        Field = field;
    }

    /// <summary>The HTTP status code (4xx).</summary>
    public int StatusCode { get; }

    /// <summary>The request field at fault (a JSON path such as <c>values[0]</c>, a query parameter, or a route value), or null.</summary>
    public string? Field { get; }

    public static ApiProblemException BadField(string field, string detail) => new(StatusCodes.Status400BadRequest, detail, field);

    public static ApiProblemException NotFound(string detail, string? field = null) => new(StatusCodes.Status404NotFound, detail, field);

    public static ApiProblemException Conflict(string detail, string? field = null) => new(StatusCodes.Status409Conflict, detail, field);
}
