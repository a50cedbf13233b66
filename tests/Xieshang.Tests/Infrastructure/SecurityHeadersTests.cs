using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Tests.Infrastructure;

/// <summary>
/// The app behind a reverse proxy at 10.0.0.1 (<c>ReverseProxy:KnownProxies</c>), with 3 sign-ins per client address
/// a minute. The in-memory test server has no peer address, so a startup filter in front of the whole pipeline
/// sets the TCP peer from the test-only header <c>X-Test-Peer</c> (default 10.0.0.99, a stranger); everything
/// after it — the forwarded-headers middleware, HSTS, cookies, the rate limiter — is the app's own.
/// </summary>
public sealed class ProxiedAppFactory : SqliteAppFactory
{
    /// <summary>The trusted proxy's address.</summary>
    public const string Proxy = "10.0.0.1";
    /// <summary>An address that is not a configured proxy.</summary>
    public const string Stranger = "10.0.0.99";

    protected override int LoginRequestsPerMinute => 3;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ReverseProxy:KnownProxies", Proxy);
        builder.ConfigureTestServices(s => s.AddSingleton<IStartupFilter, PeerAddressFilter>());
    }

    /// <summary>A client whose requests come from <paramref name="peer"/> with the given forwarded headers.</summary>
    public HttpClient From(string peer, string? forwardedFor = null, string? forwardedProto = null, string host = "xieshang.example")
    {
        var client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri($"http://{host}/"),
        });
        client.DefaultRequestHeaders.Add("X-Test-Peer", peer);
        if (forwardedFor is not null) client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        if (forwardedProto is not null) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        return client;
    }

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((ctx, nextMw) =>
            {
                ctx.Connection.RemoteIpAddress = IPAddress.Parse(ctx.Request.Headers["X-Test-Peer"].FirstOrDefault() ?? Stranger);
                ctx.Request.Headers.Remove("X-Test-Peer");
                return nextMw(ctx);
            });
            next(app);
        };
    }
}

/// <summary>Security headers on every kind of response, Secure cookies and forwarded headers trusted only from the proxy.</summary>
public sealed class SecurityHeadersTests(ProxiedAppFactory app) : IClassFixture<ProxiedAppFactory>
{
    [Theory]
    [InlineData("/account/login", HttpStatusCode.OK)]          // a page
    [InlineData("/api/ping", HttpStatusCode.OK)]               // the API
    [InlineData("/api/me", HttpStatusCode.Unauthorized)]       // an API error (problem body)
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]     // a status page (re-executed)
    [InlineData("/status/503", HttpStatusCode.ServiceUnavailable)]
    [InlineData("/health/live", HttpStatusCode.OK)]
    public async Task Every_response_carries_the_security_headers(string url, HttpStatusCode expected)
    {
        var res = await app.From(ProxiedAppFactory.Stranger).GetAsync(url);
        Assert.Equal(expected, res.StatusCode);
        AssertHeaders(res, SecurityHeaders.ContentSecurityPolicy);
    }

    [Fact]
    public async Task Static_files_carry_the_headers_and_the_policy_allows_no_inline_script()
    {
        var page = await (await app.From(ProxiedAppFactory.Stranger).GetAsync("/account/login")).Content.ReadAsStringAsync();
        var css = Regex.Match(page, "href=\"(/?app[^\"]*\\.css)\"").Groups[1].Value;
        Assert.NotEmpty(css);
        var res = await app.From(ProxiedAppFactory.Stranger).GetAsync(css);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        AssertHeaders(res, SecurityHeaders.ContentSecurityPolicy);

        var scriptSrc = SecurityHeaders.ContentSecurityPolicy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src"));
        Assert.Equal("script-src 'self'", scriptSrc);
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
        // The page itself has no executable inline script: every <script> has a src or is a JSON data block.
        foreach (Match m in Regex.Matches(page, "<script(?![^>]*\\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"))
            Assert.Fail($"inline script on the login page: {m.Value}");
    }

    [Fact]
    public async Task The_api_reference_alone_gets_its_relaxed_policy()
    {
        var res = await app.From(ProxiedAppFactory.Stranger).GetAsync("/api-docs/v1");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var html = await res.Content.ReadAsStringAsync();
        var nonce = Regex.Match(html, "<script[^>]* nonce=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(nonce);
        AssertHeaders(res, SecurityHeaders.ApiDocsContentSecurityPolicy(nonce));
        Assert.Contains($"script-src 'self' 'nonce-{nonce}';", SecurityHeaders.ApiDocsContentSecurityPolicy(nonce));
        // Every inline script of the reference carries the nonce (a fresh one per request).
        foreach (Match m in Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>"))
            Assert.Contains($"nonce=\"{nonce}\"", m.Value);
        var again = await app.From(ProxiedAppFactory.Stranger).GetAsync("/api-docs/v1");
        Assert.NotEqual(SecurityHeaders.ApiDocsContentSecurityPolicy(nonce), again.Headers.GetValues("Content-Security-Policy").Single());
        var other = await app.From(ProxiedAppFactory.Stranger).GetAsync("/api-docsx");
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, other.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Hsts_only_on_https_as_reported_by_the_trusted_proxy()
    {
        var viaProxy = await app.From(ProxiedAppFactory.Proxy, "203.0.113.7", "https").GetAsync("/api/ping");
        Assert.Contains("max-age=", viaProxy.Headers.GetValues("Strict-Transport-Security").Single());

        var spoofed = await app.From(ProxiedAppFactory.Stranger, "203.0.113.7", "https").GetAsync("/api/ping");
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        var plain = await app.From(ProxiedAppFactory.Proxy, "203.0.113.7", "http").GetAsync("/api/ping");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Cookies_are_httponly_samesite_and_secure_exactly_when_the_trusted_proxy_says_https()
    {
        foreach (var (peer, secure) in new[] { (ProxiedAppFactory.Proxy, true), (ProxiedAppFactory.Stranger, false) })
        {
            var client = app.From(peer, "203.0.113.8", "https");
            // Antiforgery cookie, from the login page.
            var login = await client.GetAsync("/account/login");
            var antiforgery = Cookie(login, ".AspNetCore.Antiforgery.");
            AssertCookie(antiforgery, secure, "samesite=strict");

            // Sign-in cookie, from the login form (antiforgery cookie and token sent back by hand).
            var html = WebUtility.HtmlDecode(await login.Content.ReadAsStringAsync());
            var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = PageClient.Token(html), ["userName"] = "staff.520200", ["password"] = AppFactory.DemoPassword, ["returnUrl"] = "",
                }),
            };
            post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
            var signedIn = await client.SendAsync(post);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            AssertCookie(Cookie(signedIn, "xs.auth="), secure, "samesite=lax");

            // Culture cookie.
            var culture = await client.GetAsync("/culture?c=en&returnUrl=/");
            AssertCookie(Cookie(culture, ".AspNetCore.Culture="), secure, "samesite=lax");
        }
    }

    [Fact]
    public async Task Behind_the_trusted_proxy_each_client_address_has_its_own_login_limit()
    {
        // Three attempts a minute per client: the fourth from 203.0.113.10 is refused, 203.0.113.11 is still let in.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(app.From(ProxiedAppFactory.Proxy, "203.0.113.10"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(app.From(ProxiedAppFactory.Proxy, "203.0.113.10"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(app.From(ProxiedAppFactory.Proxy, "203.0.113.11"))).StatusCode);
        // The proxy only believes its own hop: an address the client wrote in front of it changes nothing.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(app.From(ProxiedAppFactory.Proxy, "198.51.100.1, 203.0.113.10"))).StatusCode);
    }

    [Fact]
    public async Task A_sender_that_is_not_the_proxy_cannot_dodge_the_limit_by_claiming_other_addresses()
    {
        const string sender = "10.0.0.77";
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(app.From(sender, $"198.51.100.{i + 20}"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(app.From(sender, "198.51.100.99"))).StatusCode);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/auth/login", new { userName = "nobody.at.all", password = "Wrong-password-1" });

    private static void AssertHeaders(HttpResponseMessage res, string csp)
    {
        var h = res.Headers;
        Assert.Equal(csp, h.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", h.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", h.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", h.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", h.GetValues("Permissions-Policy").Single());
    }

    private static string Cookie(HttpResponseMessage res, string prefix) =>
        res.Headers.TryGetValues("Set-Cookie", out var all) && all.FirstOrDefault(c => c.StartsWith(prefix, StringComparison.Ordinal)) is { } c
            ? c : throw new Xunit.Sdk.XunitException($"no {prefix} cookie set ({(int)res.StatusCode})");

    private static void AssertCookie(string cookie, bool secure, string sameSite)
    {
        var attrs = cookie.ToLowerInvariant().Split(';').Select(a => a.Trim()).ToList();
        Assert.Contains("httponly", attrs);
        Assert.Contains(sameSite, attrs);
        Assert.Equal(secure, attrs.Contains("secure"));
    }
}
