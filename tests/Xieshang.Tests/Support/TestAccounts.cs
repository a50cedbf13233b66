using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Support;

/// <summary>Creates extra accounts in the app under test (password <see cref="AppFactory.DemoPassword"/>), e.g. a handling unit or a member's own login.</summary>
public static class TestAccounts
{
    /// <summary>Creates <paramref name="userName"/> with <paramref name="role"/> bound to committee <paramref name="committeeCode"/> (and a member) unless it exists.</summary>
    public static async Task EnsureAsync(AppFactory app, string userName, string role, string? committeeCode = null, int? memberId = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByNameAsync(userName) is not null) return;
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        int? committeeId = committeeCode is null ? null : await db.Committees.Where(c => c.Code == committeeCode).Select(c => c.Id).FirstAsync();
        var user = new AppUser { UserName = userName, DisplayName = userName, CommitteeId = committeeId, MemberId = memberId };
        var r = await users.CreateAsync(user, AppFactory.DemoPassword);
        if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
        await users.AddToRoleAsync(user, role);
    }
}
