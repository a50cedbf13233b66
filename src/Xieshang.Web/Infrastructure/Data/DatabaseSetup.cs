using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Xieshang.Web.Infrastructure.Audit;

namespace Xieshang.Web.Infrastructure.Data;

/// <summary>Database choice, bound from the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>Sqlite</c> (default, a file under <c>App_Data/</c>) or <c>PostgreSQL</c>.</summary>
    [RegularExpression("^(?i)(sqlite|postgresql)$", ErrorMessage = "Database:Provider must be Sqlite or PostgreSQL.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Apply pending migrations when the web server starts (default true; production runs the <c>migrate</c> verb instead).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public bool IsPostgres => Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Registers <see cref="AppDbContext"/> for the configured provider.</summary>
public static class DatabaseSetup
{
    /// <summary>
    /// Adds the provider's context and maps <see cref="AppDbContext"/> to it. Connection string:
    /// <c>ConnectionStrings:Default</c>; for SQLite it defaults to <c>App_Data/xieshang.db</c> under the content root.
    /// </summary>
    public static IHostApplicationBuilder AddAppDatabase(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (!options.IsPostgres && !options.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            throw new ConfigurationProblemException($"Database:Provider is \"{options.Provider}\"; use Sqlite or PostgreSQL.");
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration("Database").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AuditInterceptor>();
        var cs = builder.Configuration.GetConnectionString("Default");
        if (options.IsPostgres)
        {
            if (string.IsNullOrWhiteSpace(cs))
                throw new ConfigurationProblemException("Database:Provider is PostgreSQL but ConnectionStrings:Default is empty.");
            builder.Services.AddDbContext<PostgresAppDbContext>((sp, o) => o
                .UseNpgsql(cs, n => n.MigrationsHistoryTable("__EFMigrationsHistory"))
                .AddInterceptors(sp.GetRequiredService<AuditInterceptor>()));
            builder.Services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
        }
        else
        {
            if (string.IsNullOrWhiteSpace(cs))
            {
                var dir = Path.Combine(builder.Environment.ContentRootPath, "App_Data");
                Directory.CreateDirectory(dir);
                cs = $"Data Source={Path.Combine(dir, "xieshang.db")}";
            }
            else if (!cs.Contains('='))
            {
                // A bare file path is accepted as the SQLite file.
                cs = $"Data Source={cs}";
            }
            builder.Services.AddDbContext<SqliteAppDbContext>((sp, o) => o
                .UseSqlite(cs)
                .AddInterceptors(sp.GetRequiredService<AuditInterceptor>()));
            builder.Services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
        }
        // Readiness: the database answers and has no pending migrations (Infrastructure/Http/Health.cs).
        builder.Services.AddHealthChecks().AddCheck<Http.DatabaseReadyCheck>("database", tags: [Http.Health.ReadyTag]);
        return builder;
    }
}

/// <summary>A configuration value that prevents start-up; <c>Program</c> prints its message (no stack trace) and exits with code 1.</summary>
public sealed class ConfigurationProblemException(string message) : Exception(message);

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context SqliteAppDbContext</c>.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Design-time factory for <c>dotnet ef migrations add … --context PostgresAppDbContext</c>.</summary>
public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
