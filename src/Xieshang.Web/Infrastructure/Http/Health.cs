using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// Liveness and readiness for the load balancer and the service manager, answered as plain text
/// (<c>Healthy</c> 200 / <c>Unhealthy</c> 503), anonymous, not rate-limited:
/// <list type="bullet">
/// <item><c>GET /health/live</c> — the process serves requests; no database work, so a database outage does not
/// get the instances restarted.</item>
/// <item><c>GET /health/ready</c> — the database answers and has no pending migrations (this build's schema is in
/// place): take the instance into the balancer only then.</item>
/// <item><c>GET /health</c> — the same as ready (kept for existing monitors).</item>
/// </list>
/// </summary>
public static class Health
{
    /// <summary>Tag of the checks that decide readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Maps the three endpoints.</summary>
    public static IEndpointRouteBuilder MapAppHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        var ready = new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) };
        app.MapHealthChecks("/health/ready", ready);
        app.MapHealthChecks("/health", ready);
        return app;
    }
}

/// <summary>
/// Readiness of the database: a connection opens and <c>__EFMigrationsHistory</c> lists every migration of this
/// build. Unhealthy (with the reason in the check's description, for the logs, not in the response) when the
/// server cannot be reached or migrations are pending. A connection failure (not an exhausted pool) also clears
/// Npgsql's pools (see <see cref="DatabaseOutage"/>), so readiness returns as soon as the server is back.
/// </summary>
public sealed class DatabaseReadyCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            try
            {
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.CloseConnectionAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (DatabaseOutage.IsConnectionFailure(e) && !DatabaseOutage.IsPoolExhausted(e)) DatabaseOutage.ClearPools();
                return HealthCheckResult.Unhealthy("The database cannot be reached.", e);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending, first {pending[0]}: run the migrate verb.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (DatabaseOutage.IsConnectionFailure(e) && !DatabaseOutage.IsPoolExhausted(e)) DatabaseOutage.ClearPools();
            return HealthCheckResult.Unhealthy("The database check failed.", e);
        }
    }
}
