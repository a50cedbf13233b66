using System.Diagnostics;
using Xieshang.Web.Infrastructure.Telemetry;

namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// One structured log line per request, without personal data: method, the matched route's pattern (e.g.
/// <c>/api/members/{id:int}</c>, never the path itself, so no ids of people, tokens or names), status code,
/// elapsed milliseconds and the instance id. No query string, no headers, no bodies, no user names. Requests that
/// match no route are logged as <c>(no route)</c>. Category <c>Xieshang.Requests</c>; health probes are logged at
/// Debug, everything else at Information. The framework's own request lines (which carry paths and query strings)
/// stay off: <c>Logging:LogLevel:Microsoft.AspNetCore</c> is <c>Warning</c> in appsettings.json.
/// </summary>
public static partial class RequestLog
{
    /// <summary>The logger category of the request lines.</summary>
    public const string Category = "Xieshang.Requests";

    /// <summary>
    /// Logs each request when it ends. Put it at the very start of the pipeline (after forwarded headers), so the
    /// line shows the status the client received, also when the exception handler or a status page answered.
    /// </summary>
    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var instance = app.ApplicationServices.GetRequiredService<AppInstance>().Id;
        return app.Use(async (ctx, next) =>
        {
            var feature = new RouteFeature();
            ctx.Features.Set(feature);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(ctx);
            }
            finally
            {
                var ms = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
                var route = feature.Route ?? "(no route)";
                var status = ctx.RequestAborted.IsCancellationRequested && !ctx.Response.HasStarted ? 499 : ctx.Response.StatusCode;
                if (ctx.Request.Path.StartsWithSegments("/health")) Probe(logger, ctx.Request.Method, route, status, ms, instance);
                else Request(logger, ctx.Request.Method, route, status, ms, instance);
            }
        });
    }

    /// <summary>
    /// Notes the route pattern of the endpoint routing chose. Put it right after <c>UseRouting</c>; the first match
    /// is kept, so an error page or status page that re-executes the request does not replace it.
    /// </summary>
    public static IApplicationBuilder UseRequestLogRoute(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        if (ctx.Features.Get<RouteFeature>() is { Route: null } f && ctx.GetEndpoint() is { } endpoint)
            f.Route = (endpoint as RouteEndpoint)?.RoutePattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') // a group's "" route ends in "/"
                : (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName;
        return next(ctx);
    });

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "HTTP {Method} {Route} {StatusCode} {ElapsedMs} ms {Instance}")]
    private static partial void Request(ILogger logger, string method, string route, int statusCode, double elapsedMs, string instance);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "HTTP {Method} {Route} {StatusCode} {ElapsedMs} ms {Instance}")]
    private static partial void Probe(ILogger logger, string method, string route, int statusCode, double elapsedMs, string instance);

    private sealed class RouteFeature
    {
        public string? Route { get; set; }
    }
}
