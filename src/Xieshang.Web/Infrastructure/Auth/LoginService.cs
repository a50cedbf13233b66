using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>Outcome of a password check.</summary>
public enum LoginStatus
{
    Succeeded,
    /// <summary>Unknown user or wrong password (the two are not distinguished to the caller).</summary>
    Invalid,
    /// <summary>Too many failures within a minute: the account is locked for <see cref="SecurityOptions.LockoutMinutes"/>.</summary>
    LockedOut,
}

/// <summary>
/// The one password check behind the login page and <c>POST /api/auth/login</c>. Counts failures per
/// account in a one-minute window (5 by default lock the account), and writes every attempt to the audit log.
/// </summary>
public sealed class LoginService(UserManager<AppUser> users, SignInManager<AppUser> signIn, AppDbContext db, TimeProvider clock)
{
    /// <summary>Checks the password; on success returns the principal to sign in with (cookie or bearer).</summary>
    public async Task<(LoginStatus Status, ClaimsPrincipal? Principal)> CheckAsync(string? userName, string? password, string? clientAddress)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindByNameAsync(userName.Trim());
        if (user is null || string.IsNullOrEmpty(password))
        {
            await AuditAsync(userName?.Trim() ?? "", "SignInFailed", clientAddress, "unknown user or empty password");
            return (LoginStatus.Invalid, null);
        }
        if (await users.IsLockedOutAsync(user))
        {
            await AuditAsync(user.UserName!, "LockedOut", clientAddress, "attempt while locked");
            return (LoginStatus.LockedOut, null);
        }
        var now = clock.GetUtcNow();
        if (user.FailureWindowStart is { } start && now - start > TimeSpan.FromMinutes(1))
        {
            user.FailureWindowStart = null;
            await users.ResetAccessFailedCountAsync(user);
        }
        if (await users.CheckPasswordAsync(user, password))
        {
            user.FailureWindowStart = null;
            await users.ResetAccessFailedCountAsync(user);
            await AuditAsync(user.UserName!, "SignIn", clientAddress, "ok");
            return (LoginStatus.Succeeded, await signIn.CreateUserPrincipalAsync(user));
        }
        user.FailureWindowStart ??= now;
        await users.AccessFailedAsync(user);
        var locked = await users.IsLockedOutAsync(user);
        await AuditAsync(user.UserName!, locked ? "LockedOut" : "SignInFailed", clientAddress, locked ? "locked after repeated failures" : "wrong password");
        return (locked ? LoginStatus.LockedOut : LoginStatus.Invalid, null);
    }

    private async Task AuditAsync(string userName, string action, string? address, string detail)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            UserName = userName.Length > 256 ? userName[..256] : userName,
            Action = action,
            EntityType = "",
            EntityId = "",
            Changes = JsonSerializer.Serialize(new { address, detail }, AuditInterceptor.Json),
        });
        await db.SaveChangesAsync();
    }
}
