using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>
/// CLI verb <c>reset-admin</c>: the operator's way back into a locked-out or forgotten <c>admin</c> account, run on the
/// server with the instance's settings (<c>dotnet Xieshang.Web.dll reset-admin</c>). Sets the password of <c>admin</c> to
/// <c>Bootstrap:AdminPassword</c> (or, when that is empty, to a generated one printed once), lifts the lock-out and the
/// failure count, and changes the security stamp so that sessions and bearer tokens issued before end. The change is
/// audited like every change to an account (user <c>system</c>). Exit codes: 0 done; 1 no <c>admin</c> account (run
/// <c>migrate</c> first) or a password the policy refuses (nothing changed); messages in Chinese on standard error.
/// </summary>
public static class AdminPasswordCli
{
    /// <summary>Runs the verb; <paramref name="output"/> gets the one-line result (and a generated password).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, TextWriter error)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            await error.WriteLineAsync("数据库尚未迁移：请先运行 migrate（它会创建 admin 账号），数据库未改动。");
            return 1;
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var configured = scope.ServiceProvider.GetRequiredService<IOptions<BootstrapOptions>>().Value.AdminPassword;
        var admin = await users.FindByNameAsync("admin");
        if (admin is null)
        {
            await error.WriteLineAsync("没有 admin 账号：请先运行 migrate（它会创建 admin 账号）。");
            return 1;
        }
        var generated = string.IsNullOrWhiteSpace(configured);
        var password = generated ? DatabaseInitializer.GeneratePassword() : configured!;
        // Reset through a token: the policy is checked before anything is stored, and the security stamp changes.
        var r = await users.ResetPasswordAsync(admin, await users.GeneratePasswordResetTokenAsync(admin), password);
        if (!r.Succeeded)
        {
            await error.WriteLineAsync("Bootstrap:AdminPassword 不符合密码规则，未作任何修改：" + string.Join("；", r.Errors.Select(e => e.Description)));
            return 1;
        }
        admin.FailureWindowStart = null;
        await users.SetLockoutEndDateAsync(admin, null);
        await users.ResetAccessFailedCountAsync(admin);
        if (!await users.IsInRoleAsync(admin, Roles.Admin)) await users.AddToRoleAsync(admin, Roles.Admin);
        await output.WriteLineAsync(generated
            ? $"已重置 admin 的密码并解除锁定。新密码（只显示这一次）：{password}"
            : "已将 admin 的密码设为 Bootstrap:AdminPassword 并解除锁定；此前的登录会话和令牌已失效。");
        return 0;
    }
}
