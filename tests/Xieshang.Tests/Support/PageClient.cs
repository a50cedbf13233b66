using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Xieshang.Tests.Support;

/// <summary>
/// Browser-like access to the pages: a cookie-aware client that does not follow redirects, the antiforgery
/// token of a page's form, and sign-in through the login form (<c>POST /account/login</c>).
/// </summary>
public static partial class PageClient
{
    /// <summary>A client that keeps cookies and shows redirects to the test.</summary>
    public static HttpClient CreatePageClient(this AppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    /// <summary>A page client signed in as <paramref name="userName"/> through the login form.</summary>
    public static async Task<HttpClient> SignedInPageClientAsync(this AppFactory app, string userName)
    {
        var client = app.CreatePageClient();
        var res = await client.PostLoginAsync(userName, userName == "admin" ? AppFactory.AdminPassword : AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.DoesNotContain("error=", res.Target());
        return client;
    }

    /// <summary>Loads the login page for its antiforgery token, then posts the form.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string userName, string password, string? returnUrl = null)
    {
        var token = await client.TokenOfAsync("/account/login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userName"] = userName, ["password"] = password, ["returnUrl"] = returnUrl ?? "",
        }));
    }

    /// <summary>The antiforgery token of the first form on the page at <paramref name="url"/>.</summary>
    public static async Task<string> TokenOfAsync(this HttpClient client, string url) => Token(await client.GetHtmlAsync(url));

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>.</summary>
    public static string Token(string html) =>
        TokenRegex().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token on the page");

    /// <summary>GETs a page that must answer 200 and returns its HTML, entities decoded.</summary>
    public static async Task<string> GetHtmlAsync(this HttpClient client, string url)
    {
        var res = await client.GetAsync(url);
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)res.StatusCode} {res.Headers.Location}");
        return WebUtility.HtmlDecode(await res.Content.ReadAsStringAsync());
    }

    /// <summary>Where a redirect points, as a local path and query (<c>/members/5?saved=1</c>).</summary>
    public static string Target(this HttpResponseMessage res) =>
        res.Headers.Location is { } l ? l.IsAbsoluteUri ? l.PathAndQuery : l.OriginalString : throw new InvalidOperationException($"{(int)res.StatusCode}: no Location");

    /// <summary>The response body with HTML entities decoded.</summary>
    public static async Task<string> HtmlAsync(this HttpResponseMessage res) => WebUtility.HtmlDecode(await res.Content.ReadAsStringAsync());

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
