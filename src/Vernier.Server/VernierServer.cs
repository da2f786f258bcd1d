using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vernier.Server.Dashboard;
using Vernier.Server.Jobs;
using Vernier.Server.Http;
using Vernier.Server.Studies;

namespace Vernier.Server;

/// <summary>
/// Builds the Vernier web application: the REST API under <c>/api</c>, the OpenAPI document and the
/// dashboard at <c>/</c>. <c>vernier serve</c> runs it; tests host it in-process.
/// </summary>
public static class VernierServer
{
    /// <summary>Builds the application, ready to <c>RunAsync</c>.</summary>
    /// <param name="options">The storage, addresses and limits.</param>
    /// <param name="configure">Changes to the host before it is built (tests swap in a test server here).</param>
    public static WebApplication Build(VernierServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        // Request-by-request framework logs drown the server's own lines; warnings and errors still show.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Storage);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddProblemDetails();
        builder.Services.AddTuningJobs();
        builder.Services.AddDashboard();
        // The API's JSON is snake_case (as the tuning-jobs contract is); dictionary keys (parameter names) keep their case.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddVernierApi(options);
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseVernierApi(options);
        RouteGroupBuilder api = app.MapGroup("/api");
        api.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        api.MapTuningJobs();
        api.MapStudies();
        api.MapDashboardApi();
        app.MapDashboard();
        return app;
    }
}
