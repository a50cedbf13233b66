using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
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
    }

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
        // Binding [FromForm] makes the endpoint validate the antiforgery token of the page's form.
        app.MapPost("/account/login", async (
                [FromForm(Name = "userName")] string? userName, [FromForm(Name = "password")] string? password,
                [FromForm(Name = "returnUrl")] string? returnUrl, LoginService login, HttpContext ctx) =>
            {
                var back = LocalUrlOrNull(returnUrl);
                if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password))
                    return Results.Redirect(LoginUrl(Errors.Required, back, userName));
                var (status, principal) = await login.CheckAsync(userName, password, ctx.Connection.RemoteIpAddress?.ToString());
                if (status != LoginStatus.Succeeded)
                    return Results.Redirect(LoginUrl(status == LoginStatus.LockedOut ? Errors.Locked : Errors.Invalid, back, userName));
                await ctx.SignInAsync(IdentityConstants.ApplicationScheme, principal!);
                return Results.LocalRedirect(back ?? "/");
            })
            .WithOrder(-1).RequireRateLimiting(AuthSetup.LoginRateLimit).AllowAnonymous().ExcludeFromDescription();

        // No form fields to bind, so the antiforgery token is checked here (a cross-site POST must not sign anyone out).
        app.MapPost("/account/logout", async (HttpContext ctx, IAntiforgery antiforgery) =>
            {
                if (!await antiforgery.IsRequestValidAsync(ctx)) return Results.BadRequest();
                await ctx.SignOutAsync(IdentityConstants.ApplicationScheme);
                return Results.LocalRedirect("/account/login");
            })
            .DisableAntiforgery().AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The login page's address with an error code, the page to return to and the user name typed.</summary>
    public static string LoginUrl(string? error, string? returnUrl, string? userName)
    {
        var query = new List<string>();
        if (error is { Length: > 0 }) query.Add("error=" + Uri.EscapeDataString(error));
        if (returnUrl is { Length: > 0 }) query.Add("returnUrl=" + Uri.EscapeDataString(returnUrl));
        if (!string.IsNullOrWhiteSpace(userName)) query.Add("u=" + Uri.EscapeDataString(userName.Trim()[..Math.Min(userName.Trim().Length, 256)]));
        return query.Count == 0 ? "/account/login" : "/account/login?" + string.Join("&", query);
    }

    /// <summary>
    /// <paramref name="url"/> when it is a path on this site (<c>/members?q=1</c>), otherwise null: never
    /// <c>//host</c>, <c>/\host</c>, an absolute URL or a control character (open-redirect protection).
    /// </summary>
    public static string? LocalUrlOrNull(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Any(char.IsControl) ? u : null;
}
