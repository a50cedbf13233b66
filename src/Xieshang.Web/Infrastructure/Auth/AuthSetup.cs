using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>Authorization policy names; every policy is defined in <see cref="AuthSetup.AddAppAuth"/>.</summary>
public static class Policies
{
    /// <summary>Administrators only.</summary>
    public const string Admin = "admin";
    /// <summary>Administrators and committee staff (may change data, subject to scope).</summary>
    public const string Staff = "staff";
    /// <summary>Administrators, staff and leaders (read a committee's whole data, subject to scope).</summary>
    public const string Office = "office";
    /// <summary>Any signed-in account.</summary>
    public const string SignedIn = "signed-in";
}

/// <summary>Security settings, bound from the <c>Security</c> section.</summary>
public sealed class SecurityOptions
{
    /// <summary>Sign-in attempts (page and API together) allowed per client address per minute.</summary>
    public int LoginRequestsPerMinute { get; set; } = 20;
    /// <summary>Failed sign-ins of one account within one minute that lock it.</summary>
    public int MaxFailedLoginsPerMinute { get; set; } = 5;
    /// <summary>How long a locked account stays locked, in minutes.</summary>
    public int LockoutMinutes { get; set; } = 15;
    /// <summary>Lifetime of API bearer tokens, in minutes.</summary>
    public int TokenMinutes { get; set; } = 60;
}

/// <summary>Identity, cookies, bearer tokens, Data Protection in the database, policies and login rate limiting.</summary>
public static class AuthSetup
{
    /// <summary>Scheme that picks bearer when an <c>Authorization: Bearer</c> header is present, the cookie otherwise.</summary>
    public const string SmartScheme = "smart";
    public const string LoginRateLimit = "login";

    public static IHostApplicationBuilder AddAppAuth(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        var security = builder.Configuration.GetSection("Security").Get<SecurityOptions>() ?? new SecurityOptions();
        s.Configure<SecurityOptions>(builder.Configuration.GetSection("Security"));

        s.AddDataProtection().SetApplicationName("Xieshang").PersistKeysToDbContext<AppDbContext>();

        s.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "cookie or bearer", o => o.ForwardDefaultSelector = ctx =>
                ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromMinutes(security.TokenMinutes))
            .AddIdentityCookies();

        s.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "xs.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Secure whenever the request is HTTPS as seen through the trusted proxy; plain-HTTP intranet installs still sign in.
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            // The API answers 401/403 instead of redirecting to the login page.
            o.Events.OnRedirectToLogin = ctx => ApiOr(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx, StatusCodes.Status403Forbidden);
        });

        s.AddIdentityCore<AppUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = security.MaxFailedLoginsPerMinute;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.LockoutMinutes);
                o.User.RequireUniqueEmail = false;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@+";
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AppClaimsFactory>()
            .AddDefaultTokenProviders();
        s.AddScoped<LoginService>();

        s.AddSingleton<IAuthorizationHandler, CommitteeScopeHandler>();
        s.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.Admin, Roles.Staff))
            .AddPolicy(Policies.Office, p => p.RequireRole(Roles.Admin, Roles.Staff, Roles.Leader))
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser());

        s.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (ctx, _) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(LoginRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, ctx.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.LoginRequestsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        s.AddCascadingAuthenticationState();
        s.AddHttpContextAccessor();
        s.AddScoped(sp => CurrentUser.From(sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User));
        return builder;
    }

    /// <summary>
    /// The API takes bearer tokens and, for the pages' convenience, the sign-in cookie. A browser sends the cookie
    /// on cross-site requests too, so a state-changing API call authenticated by the cookie alone must carry the
    /// antiforgery token (header <c>RequestVerificationToken</c>); bearer calls need none (a token is never sent
    /// by the browser on its own). Refused calls get 400 with a problem body and change nothing.
    /// </summary>
    public static IApplicationBuilder UseCookieApiAntiforgery(this IApplicationBuilder app) => app.Use(async (ctx, next) =>
    {
        var unsafeMethod = !(HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method) || HttpMethods.IsOptions(ctx.Request.Method));
        var byCookie = ctx.User.Identity?.IsAuthenticated == true
            && !ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (unsafeMethod && byCookie && ctx.Request.Path.StartsWithSegments("/api")
            && !await ctx.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().IsRequestValidAsync(ctx))
        {
            ctx.Response.StatusCode = StatusCodes.Status400BadRequest;
            await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = ctx,
                ProblemDetails = { Status = 400, Title = "缺少防伪令牌", Detail = "以登录 Cookie 调用接口修改数据时须附带防伪令牌（RequestVerificationToken），或改用 Bearer 令牌。" },
            });
            return;
        }
        await next();
    });

    private static Task ApiOr(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>Adds the committee and member claims (<see cref="AppClaims"/>) to the Identity principal at sign-in.</summary>
public sealed class AppClaimsFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, AppDbContext db)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var id = await base.GenerateClaimsAsync(user);
        if (user.CommitteeId is { } cid)
        {
            var c = await db.Committees.AsNoTracking().Where(x => x.Id == cid).Select(x => new { x.Code, x.Path }).FirstAsync();
            id.AddClaim(new Claim(AppClaims.CommitteeId, cid.ToString()));
            id.AddClaim(new Claim(AppClaims.CommitteeCode, c.Code));
            id.AddClaim(new Claim(AppClaims.CommitteePath, c.Path));
        }
        if (user.MemberId is { } mid) id.AddClaim(new Claim(AppClaims.MemberId, mid.ToString()));
        if (user.HandlingUnitId is { } uid) id.AddClaim(new Claim(AppClaims.HandlingUnitId, uid.ToString()));
        if (user.DisplayName.Length > 0) id.AddClaim(new Claim(ClaimTypes.GivenName, user.DisplayName));
        return id;
    }
}
