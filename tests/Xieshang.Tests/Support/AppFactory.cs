using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Support;

/// <summary>
/// Runs the real app in-process on a fresh database with the reference data and the demo loaded.
/// One subclass per provider; HTTP test classes derive once per provider so every endpoint test
/// runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class AppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Password of every demo account in tests.</summary>
    public const string DemoPassword = "Test-demo-pass-2026";
    /// <summary>Password of <c>admin</c> in tests.</summary>
    public const string AdminPassword = "Test-admin-pass-2026";

    private readonly ConcurrentDictionary<string, string> _tokens = new();

    /// <summary><c>Sqlite</c> or <c>PostgreSQL</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>Whether the demo's sessions and proposals are seeded (off: tests count from zero; the demo's own test turns it on).</summary>
    protected virtual bool DemoProposals => false;
    protected abstract string ConnectionString { get; }

    /// <summary>The upload folder of this app (a fresh temp folder, deleted on dispose), where <c>FileStore</c> writes.</summary>
    public string UploadPath { get; } = Path.Combine(Path.GetTempPath(), $"xs-uploads-{Guid.NewGuid():N}");

    /// <summary>The connection string the app under test uses (to start a second instance on the same database).</summary>
    public string DatabaseConnectionString => ConnectionString;

    /// <summary>Logins allowed per client address per minute (high, except in the rate-limit test).</summary>
    protected virtual int LoginRequestsPerMinute => 100_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Provider);
        builder.UseSetting("ConnectionStrings:Default", ConnectionString);
        builder.UseSetting("Bootstrap:Demo", "true");
        builder.UseSetting("Bootstrap:DemoPassword", DemoPassword);
        builder.UseSetting("Bootstrap:DemoProposals", DemoProposals ? "true" : "false");
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("Security:LoginRequestsPerMinute", LoginRequestsPerMinute.ToString());
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Background mail and reminder jobs off: tests call MailSender/ActivityReminders directly where they matter.
        builder.UseSetting("Notifications:Jobs", "false");
        builder.UseSetting("Files:Path", UploadPath);
    }

    public virtual ValueTask InitializeAsync()
    {
        _ = Server; // starts the host: migrations, reference data and demo run here
        return ValueTask.CompletedTask;
    }

    /// <summary>A client signed in as <paramref name="userName"/> with a bearer token from <c>POST /api/auth/login</c>.</summary>
    public async Task<HttpClient> ClientAsAsync(string userName)
    {
        var token = _tokens.GetValueOrDefault(userName);
        if (token is null)
        {
            var password = userName == "admin" ? AdminPassword : DemoPassword;
            var res = await CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password });
            res.EnsureSuccessStatusCode();
            var body = await res.Content.ReadFromJsonAsync<TokenBody>();
            token = _tokens[userName] = body!.AccessToken;
        }
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs <paramref name="work"/> with a scoped <see cref="AppDbContext"/> of the app.</summary>
    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(UploadPath)) Directory.Delete(UploadPath, recursive: true);
        GC.SuppressFinalize(this);
    }

    private sealed record TokenBody(string AccessToken, int ExpiresIn);
}

/// <summary>The app on a fresh SQLite file in the temp folder.</summary>
public class SqliteAppFactory : AppFactory
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"xs-test-{Guid.NewGuid():N}.db");
    public override string Provider => "Sqlite";
    protected override string ConnectionString => $"Data Source={_file}";

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" }) File.Delete(f);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The app on a fresh database of the PostgreSQL server named by the environment variable
/// <c>XIESHANG_TEST_POSTGRES</c> (a connection string to a server where the user may create databases;
/// the README's test command starts a throwaway cluster and sets it). Without it the tests fail, they are not skipped.
/// </summary>
public class PostgresAppFactory : AppFactory
{
    private readonly string _database = $"xs_test_{Guid.NewGuid():N}";
    public override string Provider => "PostgreSQL";

    /// <summary>Connection string of the test server (database <c>postgres</c>).</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("XIESHANG_TEST_POSTGRES") is { Length: > 0 } cs ? cs
        : throw new InvalidOperationException("XIESHANG_TEST_POSTGRES is not set: run the tests with ./test.sh (see README), which starts a throwaway PostgreSQL cluster.");

    protected override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;


    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await DropDatabaseAsync(_database);
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates an empty database on the test server and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await ExecuteOnServerAsync($"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database of the test server, closing pooled and other connections to it.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
