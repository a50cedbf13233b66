using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Scalar.AspNetCore;
using Xieshang.Web.Infrastructure.Data;

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
        s.AddAntiforgery();
        s.AddProblemDetails();
        s.AddOpenApi();
        s.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        // Structured (JSON) logs outside development, readable ones on a developer's console.
        if (!builder.Environment.IsDevelopment()) builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
        return builder;
    }

    /// <summary>The middleware pipeline in order: errors, static files, localization, auth, rate limits, antiforgery.</summary>
    public static WebApplication UseAppWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        // Friendly status pages for page navigations only: the API keeps its status codes and problem bodies,
        // and a POST must not be re-executed against a page.
        app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(ctx.Request.Method),
            branch => branch.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapOpenApi();
        // Browsable API reference at /api-docs (Scalar, served from the package: no CDN).
        app.MapScalarApiReference("/api-docs", o => o.WithTitle("Xieshang API"));
        // /health: readiness, reports whether the database is reachable ("Healthy" / 503 "Unhealthy").
        app.MapHealthChecks("/health");
        // /api/ping: liveness, a constant JSON answer with no database work (also the benchmarks' baseline).
        app.MapGet("/api/ping", () => TypedResults.Ok(new { status = "ok" })).WithTags("Operations").AllowAnonymous();
        app.MapGet("/culture", (string c, string? returnUrl, HttpContext ctx) =>
        {
            var culture = Cultures.FirstOrDefault(x => x.Name == c) ?? Cultures[0];
            ctx.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/");
        }).ExcludeFromDescription();
        return app;
    }
}
