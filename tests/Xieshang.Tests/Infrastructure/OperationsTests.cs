using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;

namespace Xieshang.Tests.Infrastructure;

/// <summary>Health, OpenAPI, the constant ping, and what several instances need from the database.</summary>
public abstract class OperationsTests(AppFactory app)
{
    [Fact]
    public async Task Health_reports_the_database_as_reachable()
    {
        var res = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("Healthy", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_document_lists_the_endpoints_and_the_browsable_reference_is_local()
    {
        var doc = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var p in new[] { "/api/auth/login", "/api/me", "/api/committees", "/api/committees/{code}", "/api/sectors", "/api/members" })
            Assert.Contains(p, paths);
        Assert.Equal("bearer", doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var ui = await app.CreateClient().GetAsync("/api-docs/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.DoesNotContain("cdn.", await ui.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failed_page_post_is_redirected_to_a_friendly_status_page()
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var res = await client.PostAsync("/account/logout", new FormUrlEncodedContent([])); // no antiforgery token
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/status/400", res.Headers.Location?.OriginalString);
        var page = await client.GetAsync("/status/400");
        Assert.Contains("表单未能提交", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_is_constant_json()
    {
        var body = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/ping");
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_job_lease_is_held_by_one_instance_at_a_time()
    {
        var clock = TimeProvider.System;
        await app.WithDbAsync(async db =>
        {
            Assert.True(await JobLeases.TryAcquireAsync(db, "test-job", TimeSpan.FromMinutes(5), clock));
            // Another instance: same lease name, different holder.
            await db.JobLeases.Where(l => l.Name == "test-job").ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, "other-instance"));
            Assert.False(await JobLeases.TryAcquireAsync(db, "test-job", TimeSpan.FromMinutes(5), clock));
            // Once the other's lease expires, this instance can take it.
            await db.JobLeases.Where(l => l.Name == "test-job").ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, clock.GetUtcNow().AddMinutes(-1)));
            Assert.True(await JobLeases.TryAcquireAsync(db, "test-job", TimeSpan.FromMinutes(5), clock));
            await JobLeases.ReleaseAsync(db, "test-job");
            return 0;
        });
    }

    [Fact]
    public async Task The_audit_log_cannot_be_edited_through_the_product()
    {
        await app.ClientAsAsync("staff.520200");
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDbAsync(async db =>
        {
            var entry = await db.AuditEntries.FirstAsync();
            entry.UserName = "someone-else";
            return await db.SaveChangesAsync();
        }));
    }
}

public sealed class OperationsSqliteTests(SqliteAppFactory app) : OperationsTests(app), IClassFixture<SqliteAppFactory>;
public sealed class OperationsPostgresTests(PostgresAppFactory app) : OperationsTests(app), IClassFixture<PostgresAppFactory>;

/// <summary>Two app instances on one PostgreSQL database, as behind a load balancer.</summary>
public sealed class TwoInstancesTests : IAsyncLifetime
{
    private readonly PostgresAppFactory _first = new();
    private SecondInstance? _second;

    public async ValueTask InitializeAsync()
    {
        await _first.InitializeAsync();
        _second = new SecondInstance(_first.DatabaseConnectionString);
        _ = _second.Server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null) await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task A_token_issued_by_one_instance_is_accepted_by_the_other()
    {
        var login = await _first.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "staff.520201", password = AppFactory.DemoPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var other = _second!.CreateClient();
        other.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await other.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("staff.520201", me.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task The_second_instance_found_the_data_seeded_once()
    {
        var committees = await _second!.WithDbAsync(db => db.Committees.CountAsync(c => c.Code == "520200"));
        Assert.Equal(1, committees);
        var staff = await _second.WithDbAsync(db => db.Users.CountAsync(u => u.UserName == "staff.520200"));
        Assert.Equal(1, staff);
    }

    private sealed class SecondInstance(string connectionString) : AppFactory
    {
        public override string Provider => "PostgreSQL";
        protected override string ConnectionString => connectionString;
    }
}

/// <summary>The <c>migrate</c> verb applies migrations and reference data, then exits without serving.</summary>
public sealed class MigrateVerbTests
{
    [Fact]
    public async Task Migrate_prepares_an_empty_PostgreSQL_database_and_exits()
    {
        var database = $"xs_migrate_{Guid.NewGuid():N}";
        var cs = await PostgresAppFactory.CreateDatabaseAsync(database);
        try
        {
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), "migrate"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
            };
            psi.Environment["Database__Provider"] = "PostgreSQL";
            psi.Environment["ConnectionStrings__Default"] = cs;
            psi.Environment["Bootstrap__AdminPassword"] = AppFactory.AdminPassword;
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "migrate did not exit");
            Assert.True(p.ExitCode == 0, await output + await errors);
            Assert.DoesNotContain("Now listening", await output);

            var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(cs).Options;
            await using var db = new PostgresAppDbContext(options);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.InRange(await db.Committees.CountAsync(), 3300, 3400);
            Assert.Equal(1, await db.Users.CountAsync(u => u.UserName == "admin"));
            Assert.Equal(0, await db.Members.CountAsync()); // no demo in production unless asked
        }
        finally
        {
            await PostgresAppFactory.DropDatabaseAsync(database);
        }
    }
}
