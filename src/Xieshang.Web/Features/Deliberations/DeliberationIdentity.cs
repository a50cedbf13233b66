using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// The identity of an anonymous participant: a random key in a signed (Data Protection) cookie, one per browser, valid
/// for a year. It is not proof of a person: clearing cookies or another browser gives a new key, which
/// <see cref="DeliberationOptions.AnonymousPerAddressPerHour"/> limits per client address (README "Online deliberation").
/// </summary>
public static class DeliberationIdentity
{
    /// <summary>Cookie name.</summary>
    public const string Cookie = "xs_dlb";
    private const string Purpose = "Xieshang.Deliberations.Anonymous.v1";

    /// <summary>The key of this browser, or null when it has no valid cookie.</summary>
    public static string? Read(HttpContext ctx)
    {
        if (ctx.Request.Cookies[Cookie] is not { Length: > 0 } raw) return null;
        try
        {
            var key = Protector(ctx).Unprotect(raw);
            return key.Length is > 0 and <= 64 ? key : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The key of this browser, created (and the cookie set) when it has none.</summary>
    public static string Ensure(HttpContext ctx)
    {
        if (Read(ctx) is { } key) return key;
        key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        ctx.Response.Cookies.Append(Cookie, Protector(ctx).Protect(key), new CookieOptions
        {
            HttpOnly = true, Secure = ctx.Request.IsHttps, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365), Path = "/",
        });
        // Later reads in the same request see it too.
        ctx.Items[Cookie] = key;
        return key;
    }

    /// <summary>The key set earlier in this request by <see cref="Ensure"/>, else the cookie's.</summary>
    public static string? Current(HttpContext ctx) => ctx.Items[Cookie] as string ?? Read(ctx);

    /// <summary>The client's address as the server sees it (forwarded headers are applied by the host when configured).</summary>
    public static string? ClientAddress(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString();

    private static IDataProtector Protector(HttpContext ctx) =>
        ctx.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
