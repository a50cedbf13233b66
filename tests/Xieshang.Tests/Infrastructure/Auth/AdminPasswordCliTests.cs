using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Infrastructure.Auth;

/// <summary>
/// The <c>reset-admin</c> verb, run as an operator runs it (the published dll, a real SQLite file): a locked-out admin with a
/// forgotten password gets the configured password back and the lock-out lifted; a password the policy refuses changes nothing.
/// </summary>
public sealed class AdminPasswordCliTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(string dbFile, string verb, string? adminPassword)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), verb])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["ConnectionStrings__Default"] = $"Data Source={dbFile}";
        if (adminPassword is not null) psi.Environment["Bootstrap__AdminPassword"] = adminPassword;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{verb} did not exit");
        }
        return (p.ExitCode, await output, await error);
    }

    private static SqliteAppDbContext Open(string file) => new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options);

    [Fact]
    public async Task Reset_admin_sets_the_configured_password_and_lifts_the_lock_out_and_a_refused_password_changes_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("xs-reset-admin-");
        try
        {
            var file = Path.Combine(folder.FullName, "x.db");
            Assert.Equal(1, (await RunAsync(file, "reset-admin", "Xs-New-Admin-2026!")).Code); // no admin yet: migrate first
            var migrate = await RunAsync(file, "migrate", AppFactory.AdminPassword);
            Assert.True(migrate.Code == 0, migrate.Output + migrate.Error);

            // The admin locked out after failures, with a password nobody remembers.
            await using (var db = Open(file))
                await db.Users.Where(u => u.UserName == "admin").ExecuteUpdateAsync(s => s
                    .SetProperty(u => u.LockoutEnd, DateTimeOffset.UtcNow.AddMinutes(15)).SetProperty(u => u.AccessFailedCount, 5));
            string before;
            await using (var db = Open(file)) before = (await db.Users.SingleAsync(u => u.UserName == "admin")).PasswordHash!;

            var weak = await RunAsync(file, "reset-admin", "123");
            Assert.Equal(1, weak.Code);
            Assert.Contains("不符合密码规则，未作任何修改", weak.Error);
            await using (var db = Open(file))
            {
                var admin = await db.Users.SingleAsync(u => u.UserName == "admin");
                Assert.Equal(before, admin.PasswordHash);
                Assert.True(admin.LockoutEnd > DateTimeOffset.UtcNow);
            }

            int auditBefore;
            await using (var db = Open(file)) auditBefore = await db.AuditEntries.CountAsync(a => a.EntityType == "AppUser");
            var reset = await RunAsync(file, "reset-admin", "Xs-New-Admin-2026!");
            Assert.True(reset.Code == 0, reset.Output + reset.Error);
            Assert.Contains("已将 admin 的密码设为 Bootstrap:AdminPassword 并解除锁定", reset.Output);
            await using (var db = Open(file))
            {
                var admin = await db.Users.SingleAsync(u => u.UserName == "admin");
                Assert.True(admin.LockoutEnd is null || admin.LockoutEnd <= DateTimeOffset.UtcNow);
                Assert.Equal(0, admin.AccessFailedCount);
                var hasher = new PasswordHasher<AppUser>();
                Assert.NotEqual(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(admin, admin.PasswordHash!, "Xs-New-Admin-2026!"));
                Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(admin, admin.PasswordHash!, AppFactory.AdminPassword));
                // Audited like every account change.
                Assert.True(await db.AuditEntries.CountAsync(a => a.EntityType == "AppUser") > auditBefore, "the password reset left no audit entry");
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
