using System.Net;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Account;

/// <summary>The login page and its form posts (<c>POST /account/login</c>, <c>POST /account/logout</c>), on both providers.</summary>
public abstract class LoginPageTests(AppFactory app)
{
    [Fact]
    public async Task Login_page_is_Chinese_by_default_and_English_after_the_switch()
    {
        var client = app.CreatePageClient();
        var zh = await client.GetHtmlAsync("/account/login");
        Assert.Contains("<html lang=\"zh-CN\"", zh);
        Assert.Contains("<h1 class=\"h4 mb-1\">登录</h1>", zh);
        Assert.Contains("用户名", zh);

        var sw = await client.GetAsync("/culture?c=en&returnUrl=%2Faccount%2Flogin");
        Assert.Equal(HttpStatusCode.Redirect, sw.StatusCode);
        Assert.Equal("/account/login", sw.Target());
        var en = await client.GetHtmlAsync("/account/login");
        Assert.Contains("<html lang=\"en\"", en);
        Assert.Contains(">Sign in</h1>", en);
        Assert.Contains("User name", en);
        Assert.Contains(">中文</a>", en);
    }

    [Fact]
    public async Task Signing_in_sets_the_cookie_and_goes_to_the_local_return_url()
    {
        var client = app.CreatePageClient();
        var res = await client.PostLoginAsync("staff.520200", AppFactory.DemoPassword, "/members?committee=520201");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/members?committee=520201", res.Target());
        Assert.Contains(res.Headers.GetValues("Set-Cookie"), c => c.StartsWith("xs.auth=") && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var list = await client.GetHtmlAsync("/members?committee=520201");
        Assert.Contains("钟山区政协", list);
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task A_return_url_to_another_site_is_ignored(string returnUrl)
    {
        var res = await app.CreatePageClient().PostLoginAsync("staff.520200", AppFactory.DemoPassword, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/", res.Target());
    }

    [Fact]
    public async Task A_wrong_password_comes_back_with_a_message_in_the_UI_language_and_no_cookie()
    {
        var client = app.CreatePageClient();
        var res = await client.PostLoginAsync("staff.520201", "not-the-password", "/members");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        var location = res.Target();
        Assert.StartsWith("/account/login?error=invalid", location);
        Assert.False(res.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("xs.auth=")));

        var page = await client.GetHtmlAsync(location);
        Assert.Contains("用户名或密码错误", page);
        Assert.Contains("value=\"staff.520201\"", page);
        Assert.Contains("name=\"returnUrl\" value=\"/members\"", page);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/members")).StatusCode);

        var en = await client.GetHtmlAsync("/account/login?error=invalid&culture=en");
        Assert.Contains("Wrong user name or password", en);
    }

    [Fact]
    public async Task Empty_fields_and_a_missing_antiforgery_token_are_refused_with_a_message()
    {
        var client = app.CreatePageClient();
        var empty = await client.PostLoginAsync("", "");
        Assert.StartsWith("/account/login?error=required", empty.Target());

        // No token (a cross-site post, a form left open after the cookie went): back to the form with a message, no sign-in.
        var forger = app.CreatePageClient();
        var forged = await forger.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = "staff.520200", ["password"] = AppFactory.DemoPassword, ["returnUrl"] = "/members",
        }));
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/account/login?error=expired&returnUrl=%2Fmembers&u=staff.520200", forged.Target());
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("xs.auth=")));
        var page = await forger.GetHtmlAsync(forged.Target());
        Assert.Contains("登录页面已过期", page);
        Assert.Contains("value=\"staff.520200\"", page);
        Assert.Contains("The sign-in form has expired", await forger.GetHtmlAsync(forged.Target() + "&culture=en"));
        Assert.Equal(HttpStatusCode.Redirect, (await forger.GetAsync("/members")).StatusCode); // still signed out

        // Not a form at all.
        var json = await app.CreatePageClient().PostAsync("/account/login", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Redirect, json.StatusCode);
        Assert.Equal("/account/login?error=expired", json.Target());
    }

    [Fact]
    public async Task An_absurdly_long_user_name_is_neither_checked_nor_echoed_into_the_address()
    {
        var client = app.CreatePageClient();
        var res = await client.PostLoginAsync(new string('a', 100_000), "whatever-password", "/members");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/account/login?error=invalid&returnUrl=%2Fmembers", res.Target());

        var longish = await client.PostLoginAsync(new string('b', 65), "whatever-password");
        Assert.Equal("/account/login?error=invalid", longish.Target());
        var typo = await client.PostLoginAsync("staff.52020", "whatever-password");
        Assert.Equal("/account/login?error=invalid&u=staff.52020", typo.Target());

        // A crafted address is not echoed into the form either.
        var page = await client.GetHtmlAsync("/account/login?error=invalid&u=" + new string('c', 500));
        Assert.Contains("<input id=\"userName\" name=\"userName\" class=\"form-control form-control-lg\" autocomplete=\"username\"", page); // no value
        Assert.Contains("maxlength=\"256\"", page);
        var longReturn = await client.PostLoginAsync("staff.52020", "whatever-password", "/" + new string('d', 5000));
        Assert.Equal("/account/login?error=invalid&u=staff.52020", longReturn.Target());
    }

    [Fact]
    public async Task Anonymous_pages_redirect_to_the_login_page_with_the_return_url()
    {
        var res = await app.CreatePageClient().GetAsync("/members?committee=520201");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.StartsWith("/account/login?ReturnUrl=%2Fmembers", res.Target());
        var home = await app.CreatePageClient().GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/account/login", home.Target().Split('?')[0]);
    }

    [Fact]
    public async Task Sign_out_needs_the_form_token_then_ends_the_session()
    {
        var client = await app.SignedInPageClientAsync("leader.520200");
        var refused = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/status/400", refused.Target());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var token = await client.TokenOfAsync("/");
        var res = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/account/login", res.Target());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }
}

public sealed class LoginPageSqliteTests(SqliteAppFactory app) : LoginPageTests(app), IClassFixture<SqliteAppFactory>;
public sealed class LoginPagePostgresTests(PostgresAppFactory app) : LoginPageTests(app), IClassFixture<PostgresAppFactory>;

/// <summary>The page's login POST shares the login rate limit; a rejected attempt shows a message instead of a blank 429.</summary>
public sealed class LoginPageRateLimitTests(StrictLoginLimitFactory app) : IClassFixture<StrictLoginLimitFactory>
{
    [Fact]
    public async Task Too_many_attempts_show_a_friendly_message_on_the_login_page()
    {
        var client = app.CreatePageClient();
        string? location = null;
        for (var i = 0; i < 6 && location?.Contains("error=busy") != true; i++)
            location = (await client.PostLoginAsync("nobody", "wrong-password")).Headers.Location?.OriginalString;
        Assert.Equal("/account/login?error=busy", location);
        var page = await client.GetHtmlAsync(location!);
        Assert.Contains("登录尝试过于频繁", page);
    }
}
