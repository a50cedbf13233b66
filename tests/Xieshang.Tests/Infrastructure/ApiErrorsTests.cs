using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Infrastructure;

/// <summary>Every API error is a problem body with a Chinese message and no exception details.</summary>
public abstract class ApiErrorsTests(AppFactory app)
{
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage res)
    {
        Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("exception", out _));
        Assert.DoesNotContain("   at ", body.GetRawText());
        return body;
    }

    [Fact]
    public async Task Bare_statuses_get_problem_bodies_in_Chinese()
    {
        var anonymous = await ProblemAsync(await app.CreateClient().GetAsync("/api/me"));
        Assert.Equal(401, anonymous.GetProperty("status").GetInt32());
        Assert.Contains("登录", anonymous.GetProperty("detail").GetString());

        var staff = await app.ClientAsAsync("staff.520201");
        var forbidden = await ProblemAsync(await staff.GetAsync("/api/members?committee=520203"));
        Assert.Contains("无权", forbidden.GetProperty("detail").GetString());

        var missing = await ProblemAsync(await staff.GetAsync("/api/members/99999999"));
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Malformed_requests_get_400_problem_bodies_without_request_headers()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        foreach (var body in new[] { "{bad", "[]", "null", "" })
        {
            var res = await staff.PostAsync("/api/members", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await ProblemAsync(res);
            Assert.DoesNotContain("Bearer", problem.GetRawText());
            Assert.Contains("请求", problem.GetProperty("detail").GetString());
        }
        var badQuery = await staff.GetAsync("/api/members?pageSize=abc");
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        await ProblemAsync(badQuery);
        var badLogin = await app.CreateClient().PostAsync("/api/auth/login", new StringContent("{bad", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badLogin.StatusCode);
    }

    [Fact]
    public async Task A_cookie_session_cannot_change_data_through_the_API_without_the_antiforgery_token()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var page = await (await client.GetAsync("/account/login")).Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = "staff.520201", ["password"] = AppFactory.DemoPassword, ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // Reading with the cookie works; a change without the token is refused and changes nothing.
        var list = await client.GetFromJsonAsync<JsonElement>("/api/members?pageSize=1");
        var id = list.GetProperty("items")[0].GetProperty("id").GetInt32();
        var res = await client.PostAsync($"/api/members/{id}/deactivate", null);
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        Assert.Contains("防伪", (await ProblemAsync(res)).GetProperty("detail").GetString());
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/members/{id}");
        Assert.True(after.GetProperty("isActive").GetBoolean());
    }

    [Theory]
    [InlineData("/%5Cevil.com")]
    [InlineData("//evil.com")]
    [InlineData("https://evil.com")]
    public async Task The_language_switch_only_redirects_within_the_site(string returnUrl)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var res = await client.GetAsync($"/culture?c=en&returnUrl={Uri.EscapeDataString(Uri.UnescapeDataString(returnUrl))}");
        Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
        Assert.Equal("/", res.Headers.Location?.OriginalString);
    }
}

public sealed class ApiErrorsSqliteTests(SqliteAppFactory app) : ApiErrorsTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ApiErrorsPostgresTests(PostgresAppFactory app) : ApiErrorsTests(app), IClassFixture<PostgresAppFactory>;
