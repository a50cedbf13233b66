using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Account;

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? UserName, string? Password);

/// <summary>Body of <c>POST /api/auth/refresh</c>: the <c>refreshToken</c> of an earlier login or refresh.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Body of <c>GET /api/me</c>: <c>memberId</c> is null for accounts that are not members.</summary>
public sealed record MeResponse(string UserName, IReadOnlyList<string> Roles, string? CommitteeCode, int? MemberId);

/// <summary><c>POST /api/auth/login</c> (bearer tokens) and <c>GET /api/me</c>.</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Auth");

        // Returns {"tokenType":"Bearer","accessToken","expiresIn" (seconds),"refreshToken"}; 401 with a
        // problem body for bad credentials; 423 when the account is locked; 429 when the address is rate-limited.
        api.MapPost("/auth/login", async Task<Results<SignInHttpResult, ProblemHttpResult>> (LoginRequest body, LoginService login, HttpContext ctx) =>
        {
            var (status, principal) = await login.CheckAsync(body.UserName, body.Password, ctx.Connection.RemoteIpAddress?.ToString());
            return status switch
            {
                LoginStatus.Succeeded => TypedResults.SignIn(principal!, authenticationScheme: IdentityConstants.BearerScheme),
                LoginStatus.LockedOut => TypedResults.Problem("账号因多次登录失败已被暂时锁定，请稍后再试。", statusCode: StatusCodes.Status423Locked, title: "账号已锁定"),
                _ => TypedResults.Problem("用户名或密码错误。", statusCode: StatusCodes.Status401Unauthorized, title: "登录失败"),
            };
        }).RequireRateLimiting(AuthSetup.LoginRateLimit).AllowAnonymous().DisableAntiforgery();

        // Exchanges a refresh token (valid 14 days) for a new access token; refused (401) when the token is invalid or
        // expired, or the account was locked, deleted or had its password changed since (security stamp).
        api.MapPost("/auth/refresh", async Task<Results<SignInHttpResult, ProblemHttpResult>> (
            RefreshRequest body, Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.BearerToken.BearerTokenOptions> options,
            SignInManager<AppUser> signIn, UserManager<AppUser> users, TimeProvider clock) =>
        {
            var ticket = string.IsNullOrEmpty(body.RefreshToken) ? null
                : options.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(body.RefreshToken);
            var valid = ticket?.Properties.ExpiresUtc is { } expires && clock.GetUtcNow() < expires;
            var user = valid ? await signIn.ValidateSecurityStampAsync(ticket!.Principal) : null;
            if (user is null || await users.IsLockedOutAsync(user))
                return TypedResults.Problem("刷新令牌无效或已过期，请重新登录。", statusCode: StatusCodes.Status401Unauthorized, title: "Invalid refresh token");
            return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
        }).RequireRateLimiting(AuthSetup.LoginRateLimit).AllowAnonymous().DisableAntiforgery();

        api.MapGet("/me", (CurrentUser user) =>
            TypedResults.Ok(new MeResponse(user.UserName, user.Roles.Order().ToList(), user.CommitteeCode, user.MemberId)))
            .RequireAuthorization(Policies.SignedIn);
    }
}
