using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Account;

/// <summary><c>POST /api/auth/login</c>, <c>GET /api/me</c>, lockout and the audit of sign-ins.</summary>
public abstract class AuthApiTests(AppFactory app)
{
    [Fact]
    public async Task Login_returns_a_bearer_token_that_identifies_the_account()
    {
        var res = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "staff.520201", password = AppFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());

        var me = await (await app.ClientAsAsync("staff.520201")).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("staff.520201", me.GetProperty("userName").GetString());
        Assert.Equal(["staff"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("520201", me.GetProperty("committeeCode").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("memberId").ValueKind);
    }

    [Fact]
    public async Task A_member_account_knows_its_member_id_and_admin_has_no_committee()
    {
        var member = await (await app.ClientAsAsync("member.520203")).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("520203", member.GetProperty("committeeCode").GetString());
        var memberId = member.GetProperty("memberId").GetInt32();
        var detail = await (await app.ClientAsAsync("member.520203")).GetFromJsonAsync<JsonElement>($"/api/members/{memberId}");
        Assert.Equal("520203", detail.GetProperty("committeeCode").GetString());

        var admin = await (await app.ClientAsAsync("admin")).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(["admin"], admin.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, admin.GetProperty("committeeCode").ValueKind);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_401_with_a_message_and_are_audited()
    {
        var client = app.CreateClient();
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = "leader.520200", password = "not-the-password-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("用户名或密码错误", await wrong.Content.ReadAsStringAsync());
        var unknown = await client.PostAsJsonAsync("/api/auth/login", new { userName = "nobody", password = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        var empty = await client.PostAsJsonAsync("/api/auth/login", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, empty.StatusCode);

        var audited = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == "SignInFailed" && a.UserName == "leader.520200").CountAsync());
        Assert.True(audited >= 1);
    }

    [Fact]
    public async Task Five_failures_within_a_minute_lock_the_account()
    {
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/auth/login", new { userName = "member.520281", password = $"wrong-password-{i}" })).StatusCode);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 4).Append(HttpStatusCode.Locked), statuses);

        // Even the right password is refused while locked.
        var right = await client.PostAsJsonAsync("/api/auth/login", new { userName = "member.520281", password = AppFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        Assert.Contains("锁定", await right.Content.ReadAsStringAsync());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "LockedOut" && a.UserName == "member.520281")));
    }

    [Fact]
    public async Task Successful_sign_ins_are_audited_and_protection_keys_live_in_the_database()
    {
        await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "member.520204", password = AppFactory.DemoPassword });
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "SignIn" && a.UserName == "member.520204")));
        Assert.True(await app.WithDbAsync(db => db.DataProtectionKeys.AnyAsync()));
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token_until_the_security_stamp_changes()
    {
        var client = app.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { userName = "member.520204", password = AppFactory.DemoPassword }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var refreshed = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var token = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var me = app.CreateClient();
        me.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal("member.520204", (await me.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("userName").GetString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/refresh", new { })).StatusCode);

        // A changed security stamp (password change, lock by an administrator) invalidates outstanding refresh tokens.
        await app.WithDbAsync(async db =>
        {
            var user = await db.Users.FirstAsync(u => u.UserName == "member.520204");
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            return await db.SaveChangesAsync();
        });
        var stale = await client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = login.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Contains("重新登录", await stale.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Me_needs_a_valid_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/me")).StatusCode);
        var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "forged-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/me")).StatusCode);
    }
}

public sealed class AuthApiSqliteTests(SqliteAppFactory app) : AuthApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class AuthApiPostgresTests(PostgresAppFactory app) : AuthApiTests(app), IClassFixture<PostgresAppFactory>;

/// <summary>The app with a login limit of 3 requests per client address per minute.</summary>
public sealed class StrictLoginLimitFactory : SqliteAppFactory
{
    protected override int LoginRequestsPerMinute => 3;
}

/// <summary>Login requests are rate-limited per client address, whatever the account.</summary>
public sealed class LoginRateLimitTests(StrictLoginLimitFactory app) : IClassFixture<StrictLoginLimitFactory>
{
    [Fact]
    public async Task The_fourth_login_in_a_minute_from_one_address_gets_429()
    {
        var client = app.CreateClient();
        var codes = new List<HttpStatusCode>();
        foreach (var user in new[] { "staff.520200", "staff.520201", "leader.520200", "member.520200" })
            codes.Add((await client.PostAsJsonAsync("/api/auth/login", new { userName = user, password = AppFactory.DemoPassword })).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], codes);
        var limited = await client.PostAsJsonAsync("/api/auth/login", new { userName = "staff.520200", password = AppFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        Assert.Contains("频繁", await limited.Content.ReadAsStringAsync());
    }
}
