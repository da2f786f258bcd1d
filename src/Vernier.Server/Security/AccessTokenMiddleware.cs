using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Vernier.Server.Security;

/// <summary>
/// Requires <see cref="VernierServerOptions.AccessToken"/> on every request when one is set: as
/// <c>Authorization: Bearer TOKEN</c>, or as the cookie that <c>GET /?token=TOKEN</c> sets for browsers
/// (HttpOnly, SameSite=Strict). Tokens are compared in constant time. Without a token (loopback only) every request passes.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, VernierServerOptions options, IProblemDetailsService problems)
{
    /// <summary>The cookie that carries the token for the dashboard.</summary>
    public const string CookieName = "vernier_token";

    private readonly byte[]? _expected = options.AccessToken is { } token ? Digest(token) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_expected is null || HttpMethods.IsOptions(context.Request.Method) && context.Request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
        {
            // No token configured, or a CORS preflight (browsers never send credentials with it; CORS answers it).
            await next(context);
            return;
        }

        if (context.Request.Path == "/" && HttpMethods.IsGet(context.Request.Method) && context.Request.Query.TryGetValue("token", out var given))
        {
            if (Matches(given.ToString()))
            {
                context.Response.Cookies.Append(CookieName, options.AccessToken!, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                    IsEssential = true,
                });
                // Drop the token from the address bar (and from history) once the cookie holds it.
                var query = new QueryBuilder(context.Request.Query.Where(q => q.Key != "token").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))));
                context.Response.Redirect("/" + query.ToQueryString());
                return;
            }

            await RefuseAsync(context, "the token in the address is not this server's token.");
            return;
        }

        string? header = context.Request.Headers.Authorization;
        if (header is not null)
        {
            if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(header["Bearer ".Length..].Trim()))
            {
                await next(context);
                return;
            }

            await RefuseAsync(context, "the Authorization header does not carry this server's bearer token.");
            return;
        }

        if (context.Request.Cookies.TryGetValue(CookieName, out string? cookie) && Matches(cookie))
        {
            await next(context);
            return;
        }

        await RefuseAsync(context, "this server requires a token: send 'Authorization: Bearer TOKEN', or open /?token=TOKEN in a browser.");
    }

    private bool Matches(string candidate) => CryptographicOperations.FixedTimeEquals(Digest(candidate), _expected);

    // Hashing first gives equal lengths, so the comparison's time says nothing about the token's length either.
    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private async Task RefuseAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"vernier\"";
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = detail,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        };
        problem.Extensions["field"] = "Authorization";
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
