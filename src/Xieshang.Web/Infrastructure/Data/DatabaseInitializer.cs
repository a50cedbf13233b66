using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Jobs;

namespace Xieshang.Web.Infrastructure.Data;

/// <summary>First-start settings, bound from the <c>Bootstrap</c> section.</summary>
public sealed class BootstrapOptions
{
    /// <summary>Password of the <c>admin</c> account created at first start; when empty a strong one is generated and printed once.</summary>
    public string? AdminPassword { get; set; }
    /// <summary>Password of every demo account (required when the demo is on).</summary>
    public string? DemoPassword { get; set; }
    /// <summary>Create the demo committees and accounts (default on in Development; <c>--demo</c> turns it on).</summary>
    public bool Demo { get; set; }
    /// <summary>With the demo, also its plenary sessions and proposals (default on; the test host turns it off so counts start from zero).</summary>
    public bool DemoProposals { get; set; } = true;
}

/// <summary>
/// Brings the database to the current model and loads reference data, the administrator and the demo.
/// Called at web start-up (when <see cref="DatabaseOptions.MigrateOnStartup"/>) and by the <c>migrate</c> verb.
/// Seeding runs under the <c>seed</c> job lease, so several instances starting together seed once.
/// </summary>
public static class DatabaseInitializer
{
    public static async Task InitializeAsync(IServiceProvider services, bool migrate, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<AppDbContext>();
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Xieshang.Database");
        var clock = sp.GetRequiredService<TimeProvider>();
        if (db.Database.IsSqlite())
        {
            // Write-ahead logging: readers do not block the writer (several requests at once on the embedded default).
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        if (migrate)
        {
            // EF Core takes a database-wide migration lock, so concurrent instances apply each migration once.
            await db.Database.MigrateAsync(ct);
            logger.LogInformation("Database migrated ({Provider})", db.Database.ProviderName);
        }
        for (var attempt = 0; !await JobLeases.TryAcquireAsync(db, "seed", TimeSpan.FromMinutes(10), clock, ct); attempt++)
        {
            if (attempt > 600) throw new TimeoutException("Another instance has held the seed lease for over 10 minutes.");
            await Task.Delay(1000, ct);
        }
        try
        {
            await ReferenceDataSeeder.SeedAsync(db, Path.Combine(AppContext.BaseDirectory, "Data", "Reference"), logger, ct);
            await ScoringDefaults.SeedAsync(db, clock, ct);
            await Features.Proposals.WorkCalendarSeed.SeedAsync(db, ct);
            var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var r in Roles.All)
                if (!await roles.RoleExistsAsync(r)) await roles.CreateAsync(new IdentityRole(r));
            var users = sp.GetRequiredService<UserManager<AppUser>>();
            var options = sp.GetRequiredService<IOptions<BootstrapOptions>>().Value;
            await EnsureAdminAsync(users, options.AdminPassword, logger);
            if (options.Demo)
            {
                if (string.IsNullOrWhiteSpace(options.DemoPassword))
                    throw new ConfigurationProblemException("The demo is on (Bootstrap:Demo or --demo) but Bootstrap:DemoPassword is not set.");
                await DemoSeeder.SeedAsync(db, users, options.DemoPassword, clock, logger, ct, options.DemoProposals);
            }
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, "seed", ct);
        }
    }

    private static async Task EnsureAdminAsync(UserManager<AppUser> users, string? password, ILogger logger)
    {
        if (await users.FindByNameAsync("admin") is not null)
        {
            if (!string.IsNullOrWhiteSpace(password))
                logger.LogInformation("Bootstrap:AdminPassword is ignored: the admin account already exists (change its password in the product)");
            return;
        }
        var generated = string.IsNullOrWhiteSpace(password);
        if (generated) password = GeneratePassword();
        var admin = new AppUser { UserName = "admin", DisplayName = "系统管理员" };
        var r = await users.CreateAsync(admin, password!);
        if (!r.Succeeded) throw new ConfigurationProblemException("Bootstrap:AdminPassword is not accepted: " + string.Join("; ", r.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(admin, Roles.Admin);
        if (generated)
        {
            // Printed once, to the console only (not to structured logs that may be shipped elsewhere).
            Console.WriteLine("==============================================================");
            Console.WriteLine($" Administrator account created: admin / {password}");
            Console.WriteLine(" Store it now; it is not shown again. Set Bootstrap__AdminPassword to choose it.");
            Console.WriteLine("==============================================================");
        }
        logger.LogInformation("Administrator account created (password {Source})", generated ? "generated" : "from configuration");
    }

    /// <summary>A 20-character password from an unambiguous alphabet, with at least one digit and one lowercase letter.</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 18);
        return new string(chars) + "a7";
    }
}
