using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Scalar.AspNetCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Infrastructure;

/// <summary>Pages, localization, OpenAPI, problem details, health and start-up options.</summary>
public static class WebSetup
{
    /// <summary>UI cultures: Simplified Chinese (default) and English.</summary>
    public static readonly CultureInfo[] Cultures = [CultureInfo.GetCultureInfo("zh-CN"), CultureInfo.GetCultureInfo("en")];

    public static IHostApplicationBuilder AddAppWeb(this IHostApplicationBuilder builder, string[] args)
    {
        var s = builder.Services;
        s.AddSingleton(TimeProvider.System);
        s.AddOptions<BootstrapOptions>().BindConfiguration("Bootstrap")
            .PostConfigure(o => o.Demo |= args.Contains("--demo"));
        s.AddLocalization(o => o.ResourcesPath = "Resources");
        s.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("zh-CN");
            o.SupportedCultures = Cultures;
            o.SupportedUICultures = Cultures;
            // The UI is Chinese unless the user picks English with the visible switch (cookie) or ?culture=en.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        s.AddRazorComponents();
        // Antiforgery cookie: HttpOnly and SameSite=Strict (the framework's defaults), Secure on HTTPS requests (as seen
        // through the trusted proxy), so plain-HTTP intranet installs can still sign in.
        s.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.AddAppReverseProxy();
        // Every API error is a problem body with a Chinese detail, including the bare 400/401/403/404/429 that
        // binding, authentication and the rate limiter produce; exception details never reach a response.
        s.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // A validation problem's detail is its first field message (the generic "bad format" text would mislead).
            if (ctx.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 } v)
                ctx.ProblemDetails.Detail ??= string.Join(" ", v.Errors.SelectMany(e => e.Value).Distinct().Take(3));
            ctx.ProblemDetails.Detail ??= ctx.ProblemDetails.Status switch
            {
                400 => "请求格式不正确：请检查 JSON 内容和查询参数的类型。",
                401 => "请先登录（POST /api/auth/login 获取令牌，并以 Authorization: Bearer 令牌 调用）。",
                403 => "您的账号无权访问该数据或执行该操作。",
                404 => "未找到请求的资源。",
                405 => "不支持该请求方法。",
                413 => "请求内容过大。",
                415 => "不支持的内容类型，请发送 JSON。",
                429 => "请求过于频繁，请稍后再试。",
                >= 500 => "服务器处理请求时出错，请稍后再试；如问题持续，请联系系统管理员。",
                _ => null,
            };
            // Titles in the users' language too (the framework's defaults are English reason phrases).
            ctx.ProblemDetails.Title = ctx.ProblemDetails.Status switch
            {
                400 => "请求有误",
                401 => "未登录",
                403 => "无权操作",
                404 => "未找到",
                405 => "不支持的请求方法",
                409 => "当前不能这样操作",
                413 => "请求内容过大",
                414 => "请求地址过长",
                415 => "不支持的内容类型",
                429 => "请求过于频繁",
                503 => DatabaseOutage.Title,
                >= 500 => "服务器错误",
                _ => ctx.ProblemDetails.Title,
            };
            ctx.ProblemDetails.Extensions.Remove("exception");
        });
        // Binding failures become a plain 400 (then a problem body), never an exception page with request headers.
        s.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        s.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            // Advertise the bearer tokens of POST /api/auth/login so the browsable reference can send them.
            doc.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["Bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "POST /api/auth/login → accessToken; send it as Authorization: Bearer <accessToken>.",
            };
            doc.Security ??= [];
            doc.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("Bearer", doc)] = [] });
            return Task.CompletedTask;
        }));
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        // Structured (JSON) logs outside development, readable ones on a developer's console.
        if (!builder.Environment.IsDevelopment()) builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
        return builder;
    }

    /// <summary>
    /// The middleware pipeline in order: forwarded headers (trusted proxy only), the request log, security headers and
    /// HSTS, errors (database outage → 503), status pages, routing, localization, auth, rate limits, antiforgery.
    /// </summary>
    public static WebApplication UseAppWeb(this WebApplication app)
    {
        // First: behind the trusted proxy, the client's address and scheme (rate limits, Secure cookies, HSTS).
        app.UseForwardedHeaders();
        app.UseRequestLog();
        app.UseSecurityHeaders();
        // HSTS on HTTPS requests only (the middleware skips HTTP and localhost); not in Development.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        // Unhandled errors, in every environment: the API answers a problem body, a page goes to the friendly
        // error page. No stack trace reaches a user (the log has it).
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteErrorAsync });
        // Bare error statuses: the API gets a problem body; page navigations get a friendly page (re-executed
        // as GET only, since a POST cannot be re-run against a page).
        app.UseWhen(IsApi, branch => branch.UseStatusCodePages());
        app.UseWhen(ctx => !IsApi(ctx) && HttpMethods.IsGet(ctx.Request.Method),
            branch => branch.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        // A page form post that fails before any page code runs (stale antiforgery token, unknown form): redirect to the status page.
        app.UseWhen(ctx => !IsApi(ctx) && !HttpMethods.IsGet(ctx.Request.Method), branch => branch.UseStatusCodePagesWithRedirects("/status/{0}"));
        // Routing after the status-code pages, so that a re-executed request finds the status page's endpoint.
        app.UseRouting();
        app.UseRequestLogRoute();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        // A page form whose antiforgery token is missing or stale (an old tab, a session ended elsewhere, an oversized post):
        // the friendly explanation, not the framework's English developer message.
        app.Use(async (ctx, next) =>
        {
            if (!IsApi(ctx) && HttpMethods.IsPost(ctx.Request.Method)
                && ctx.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                ctx.Response.Redirect("/status/400");
                return;
            }
            await next();
        });
        app.UseCookieApiAntiforgery();
        app.MapStaticAssets();
        app.MapOpenApi();
        // Browsable API reference at /api-docs (Scalar, served from the package: no CDN).
        // Its inline start-up script runs under a per-request CSP nonce (Http/SecurityHeaders.cs).
        app.MapScalarApiReference("/api-docs", o => o.WithTitle("Xieshang API").DisableDefaultFonts().WithNonce());
        // /health/live (no database), /health/ready (database reachable, no pending migrations), /health = ready.
        app.MapAppHealth();
        // /api/ping: liveness, a constant JSON answer with no database work (also the benchmarks' baseline).
        app.MapGet("/api/ping", () => TypedResults.Ok(new { status = "ok" })).WithTags("Operations").AllowAnonymous();
        app.MapGet("/culture", (string c, string? returnUrl, HttpContext ctx) =>
        {
            var culture = Cultures.FirstOrDefault(x => x.Name == c) ?? Cultures[0];
            ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = ctx.Request.IsHttps });
            return Results.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>True for requests to the JSON API (<c>/api/…</c>).</summary>
    public static bool IsApi(HttpContext ctx) => ctx.Request.Path.StartsWithSegments("/api");

    /// <summary>
    /// True when <paramref name="url"/> is a path on this site: starts with one <c>/</c>, not <c>//</c> or <c>/\</c>
    /// (which browsers treat as another host), and has no control characters.
    /// </summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);

    private static async Task WriteErrorAsync(HttpContext ctx)
    {
        // The database is unreachable (or dropped the connection): 503, and fresh connections from now on.
        // An exhausted pool (overload) is a 503 too, but its healthy connections are kept.
        var error = ctx.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
        var outage = DatabaseOutage.IsConnectionFailure(error);
        var busy = outage && DatabaseOutage.IsPoolExhausted(error);
        if (outage && !busy) DatabaseOutage.ClearPools();
        if (!IsApi(ctx))
        {
            // A status page that failed itself is answered in place (no redirect loop).
            if (ctx.Request.Path.StartsWithSegments("/status"))
                await DatabaseOutage.WriteBarePageAsync(ctx, outage ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError);
            else
                ctx.Response.Redirect(outage ? "/status/503" : "/status/500");
            return;
        }
        if (outage)
        {
            await DatabaseOutage.WriteApiAsync(ctx, busy);
            return;
        }
        ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = ctx,
            ProblemDetails = { Status = StatusCodes.Status500InternalServerError, Title = "服务器错误" },
        });
    }
}
