using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Tests.Infrastructure;

/// <summary>Liveness (no database) and readiness (database reachable, no pending migrations).</summary>
public abstract class HealthTests(AppFactory app)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    public async Task A_migrated_reachable_database_is_live_and_ready(string url)
    {
        var res = await app.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("Healthy", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pending_migration_makes_the_instance_unready_but_not_dead()
    {
        // As if this build brought a migration the database does not have yet: remove the newest history row.
        var last = await app.WithDbAsync(db => db.Database.GetAppliedMigrationsAsync()).ContinueWith(t => t.Result.Last());
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", last));
        try
        {
            var client = app.CreateClient();
            var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, {1})", last, "10.0.0"));
        }
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/ready")).StatusCode);
    }
}

public sealed class HealthSqliteTests(SqliteAppFactory app) : HealthTests(app), IClassFixture<SqliteAppFactory>;
public sealed class HealthPostgresTests(PostgresAppFactory app) : HealthTests(app), IClassFixture<PostgresAppFactory>;

/// <summary>The readiness check itself on databases the app cannot use.</summary>
public sealed class DatabaseReadyCheckTests
{
    [Fact]
    public async Task A_fresh_postgres_database_before_migrations_is_not_ready()
    {
        var name = $"xs_test_{Guid.NewGuid():N}";
        var cs = await PostgresAppFactory.CreateDatabaseAsync(name);
        try
        {
            await using var db = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(cs).Options);
            var result = await new DatabaseReadyCheck(db).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("pending", result.Description);
        }
        finally
        {
            await PostgresAppFactory.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task A_fresh_sqlite_file_before_migrations_is_not_ready()
    {
        var file = Path.Combine(Path.GetTempPath(), $"xs-fresh-{Guid.NewGuid():N}.db");
        await File.WriteAllBytesAsync(file, []); // an empty file is an empty SQLite database
        try
        {
            await using var db = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options);
            var result = await new DatabaseReadyCheck(db).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Contains("pending", result.Description);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unreachable_postgres_server_is_not_ready()
    {
        // A port nobody listens on: the connection is refused at once.
        var cs = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Database=postgres;Timeout=3";
        await using var db = new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(cs).Options);
        var result = await new DatabaseReadyCheck(db).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("cannot be reached", result.Description);
    }

    /// <summary>A loopback port that was free a moment ago (bound, then released).</summary>
    internal static int ClosedPort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
