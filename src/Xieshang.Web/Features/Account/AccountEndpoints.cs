using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Account;

/// <summary>
/// The form posts behind the login page: <c>POST /account/login</c> and <c>POST /account/logout</c>.
/// They are minimal-API endpoints rather than Blazor form handlers so that the login POST can carry the
/// <see cref="AuthSetup.LoginRateLimit"/> policy (shared with <c>POST /api/auth/login</c>), and so that
/// signing in happens before any page renders. Both answer with a redirect (post-redirect-get); a failed
/// login goes back to the page with an error code that the page shows in the UI language.
/// </summary>
public static class AccountEndpoints
{
    /// <summary>Error codes of <c>/account/login?error=</c>.</summary>
    public static class Errors
    {
        public const string Invalid = "invalid";
        public const string Locked = "locked";
        public const string Required = "required";
        /// <summary>The address made too many sign-in attempts this minute (HTTP 429 from the limiter).</summary>
        public const string Busy = "busy";
        /// <summary>The form's antiforgery token is missing or stale (the page was open too long, or cookies are off).</summary>
        public const string Expired = "expired";
    }

    /// <summary>Longest user name echoed back into the login form (real ones are like <c>staff.520200</c>); longer ones are not echoed.</summary>
    public const int MaxEchoedUserName = 64;

    /// <summary>Longest user name or password checked at all; anything longer is refused without a database lookup.</summary>
    public const int MaxCredentialLength = 256;

    /// <summary>Longest return address kept across the login page.</summary>
    public const int MaxReturnUrlLength = 2048;

    /// <summary>Rejected page logins go back to the login page with a message instead of a blank 429.</summary>
    public static IHostApplicationBuilder AddAccountPages(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RateLimiterOptions>(o =>
        {
            var other = o.OnRejected; // keep whatever the API side configured for its own paths
            o.OnRejected = (ctx, ct) =>
            {
                var request = ctx.HttpContext.Request;
                if (!(HttpMethods.IsPost(request.Method) && request.Path.Equals("/account/login", StringComparison.OrdinalIgnoreCase)))
                    return other?.Invoke(ctx, ct) ?? ValueTask.CompletedTask;
                ctx.HttpContext.Response.Redirect(LoginUrl(Errors.Busy, null, null));
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }

    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // The login page (Login.razor) has the same route; Order -1 makes this endpoint take its POSTs.
        // The antiforgery token is checked here rather than by the framework, so that a missing or stale token
        // (the page was left open, cookies are off) goes back to the login page with a message, not a bare 400.
        app.MapPost("/account/login", async (LoginService login, IAntiforgery antiforgery, HttpContext ctx) =>
            {
                var form = await ReadFormAsync(ctx);
                string? Field(string name) => form?[name] is { Count: > 0 } v ? v.ToString() : null;
                var (userName, password, back) = (Field("userName"), Field("password"), LocalUrlOrNull(Field("returnUrl")));
                if (form is null || !await antiforgery.IsRequestValidAsync(ctx))
                    return Results.Redirect(LoginUrl(Errors.Expired, back, userName));
                if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password))
                    return Results.Redirect(LoginUrl(Errors.Required, back, userName));
                // No account has such a name or password: refuse without looking it up or writing it to the audit log.
                if (userName.Length > MaxCredentialLength || password.Length > MaxCredentialLength)
                    return Results.Redirect(LoginUrl(Errors.Invalid, back, null));
                var (status, principal) = await login.CheckAsync(userName, password, ctx.Connection.RemoteIpAddress?.ToString());
                if (status != LoginStatus.Succeeded)
                    return Results.Redirect(LoginUrl(status == LoginStatus.LockedOut ? Errors.Locked : Errors.Invalid, back, userName));
                await ctx.SignInAsync(IdentityConstants.ApplicationScheme, principal!);
                return Results.LocalRedirect(back ?? "/");
            })
            .DisableAntiforgery().WithOrder(-1).RequireRateLimiting(AuthSetup.LoginRateLimit).AllowAnonymous().ExcludeFromDescription();

        // No form fields to bind, so the antiforgery token is checked here (a cross-site POST must not sign anyone out).
        app.MapPost("/account/logout", async (HttpContext ctx, IAntiforgery antiforgery) =>
            {
                if (!await antiforgery.IsRequestValidAsync(ctx)) return Results.BadRequest();
                await ctx.SignOutAsync(IdentityConstants.ApplicationScheme);
                return Results.LocalRedirect("/account/login");
            })
            .DisableAntiforgery().AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>
    /// The login page's address with an error code, the page to return to and the user name typed
    /// (only a plausible one, <see cref="EchoedUserNameOrNull"/>: the address stays short whatever was posted).
    /// </summary>
    public static string LoginUrl(string? error, string? returnUrl, string? userName)
    {
        var query = new List<string>();
        if (error is { Length: > 0 }) query.Add("error=" + Uri.EscapeDataString(error));
        if (LocalUrlOrNull(returnUrl) is { } back) query.Add("returnUrl=" + Uri.EscapeDataString(back));
        if (EchoedUserNameOrNull(userName) is { } name) query.Add("u=" + Uri.EscapeDataString(name));
        return query.Count == 0 ? "/account/login" : "/account/login?" + string.Join("&", query);
    }

    /// <summary>The trimmed user name when it is short enough to show again in the form (<see cref="MaxEchoedUserName"/>), otherwise null.</summary>
    public static string? EchoedUserNameOrNull(string? userName) =>
        userName?.Trim() is { Length: > 0 and <= MaxEchoedUserName } name && !name.Any(char.IsControl) ? name : null;

    /// <summary>
    /// <paramref name="url"/> when it is a path on this site (<c>/members?q=1</c>) of at most <see cref="MaxReturnUrlLength"/>
    /// characters, otherwise null: never <c>//host</c>, <c>/\host</c>, an absolute URL or a control character (open-redirect protection).
    /// </summary>
    public static string? LocalUrlOrNull(string? url) =>
        url is { Length: <= MaxReturnUrlLength } && WebSetup.IsLocalUrl(url) ? url : null;

    /// <summary>The posted form, or null when the body is not a readable form (wrong content type, malformed, too large).</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType) return null;
        try
        {
            return await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }
}
