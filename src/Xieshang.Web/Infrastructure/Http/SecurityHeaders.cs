namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// Browser security headers on every response (pages, API, static files, error and status pages): a
/// Content-Security-Policy without inline script, no framing, no MIME sniffing, a strict referrer policy and a
/// Permissions-Policy that switches off the device features the product does not use. HSTS is added separately
/// (<c>app.UseHsts()</c> outside Development), only on HTTPS requests as seen through the trusted proxy.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The policy of every page: scripts only from this site's own files (no inline script, no eval); inline
    /// <c>style</c> attributes allowed (pages set widths of bars and charts that way, and ECharts styles its own
    /// elements); images and fonts from this site or <c>data:</c>/<c>blob:</c> URLs (ECharts renders to canvas and
    /// exports blob images); fetches only to this site; no plugins, no framing, forms post only here.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The policy of the browsable API reference under <c>/api-docs</c> (Scalar, served from the package): the same,
    /// except that its one inline start-up script may run when it carries this response's nonce (Scalar emits a
    /// fresh one per request, <c>WithNonce()</c> in WebSetup). <paramref name="nonce"/> is that value.
    /// </summary>
    public static string ApiDocsContentSecurityPolicy(string nonce) =>
        ContentSecurityPolicy.Replace("script-src 'self';", $"script-src 'self' 'nonce-{nonce}';", StringComparison.Ordinal);

    /// <summary>
    /// Device features none of the pages use are off. The check-in QR code is scanned with the phone's own camera
    /// app (the code is a link), not inside the page, so the camera is off too.
    /// </summary>
    public const string PermissionsPolicy =
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), midi=(), " +
        "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()";

    /// <summary>
    /// Adds the headers to every response. The headers are written when the response starts, so the exception
    /// handler (which clears headers before it writes the error) and the status-code pages keep them too. Put it
    /// before the exception handler.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        ctx.Response.OnStarting(static state =>
        {
            var c = (HttpContext)state;
            var h = c.Response.Headers;
            h.ContentSecurityPolicy = c.Request.Path.StartsWithSegments("/api-docs")
                && c.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] is string { Length: > 0 } nonce
                    ? ApiDocsContentSecurityPolicy(nonce)
                    : ContentSecurityPolicy;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "strict-origin-when-cross-origin";
            h["Permissions-Policy"] = PermissionsPolicy;
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, ctx);
        return next(ctx);
    });
}
