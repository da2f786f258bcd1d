using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vernier.Server.Security;
using Vernier.Server.Studies;

namespace Vernier.Server.Http;

/// <summary>The API's cross-cutting services and middleware: errors, body limit, access token, CORS, OpenAPI, live events.</summary>
internal static class ApiSetup
{
    private const string CorsPolicy = "configured-origins";

    public static IServiceCollection AddVernierApi(this IServiceCollection services, VernierServerOptions options)
    {
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Bad request bodies throw, so that the exception handler can name the bad JSON field in a problem details answer.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Vernier";
            document.Info.Description = "Studies, trials and tuning jobs of a Vernier storage. Errors are RFC 9457 problem details naming the bad field.";
            return Task.CompletedTask;
        }));
        services.AddSingleton<StudyEventHub>();
        if (options.CorsOrigins.Count > 0)
        {
            services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins([.. options.CorsOrigins])
                .AllowAnyHeader()
                .AllowAnyMethod()
                .AllowCredentials()));
        }

        return services;
    }

    public static WebApplication UseVernierApi(this WebApplication app, VernierServerOptions options)
    {
        if (options.CorsOrigins.Count > 0)
        {
            app.UseCors(CorsPolicy);
        }

        app.UseMiddleware<AccessTokenMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
