using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;

namespace Xieshang.Tests.Features.Activities;

/// <summary>The check-in pages through HTTP with the login cookie: the phone page after a scan, the staff screen, the desk and the board.</summary>
public abstract partial class CheckInPagesTests(AppFactory app)
{
    private async Task<(int Id, int MemberId)> LiveAsync(string account = "member.520200", string organizer = "520200", TimeSpan? startIn = null, string title = "十二月常委会议")
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, account);
        var others = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == organizer && m.IsActive && m.Id != memberId).OrderBy(m => m.Id).Take(4).Select(m => m.Id).ToArrayAsync());
        var (id, _) = await TestActivities.CreateAsync(app, startsAt: DateTimeOffset.UtcNow + (startIn ?? TimeSpan.FromMinutes(-10)), organizers: [organizer],
            memberIds: [memberId, .. others], title: title);
        return (id, memberId);
    }

    private async Task<string> TokenAsync(int id) =>
        CheckInTokens.Issue(id, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.CheckInKey).FirstAsync()), DateTimeOffset.UtcNow, 60).Token;

    [Fact]
    public async Task A_member_scans_signs_in_confirms_and_sees_the_time_and_late_mark()
    {
        var (id, memberId) = await LiveAsync();
        var token = await TokenAsync(id);
        var url = $"/checkin/{id}?t={token}";

        // Signed out: to the login page and back to the same address with the token.
        var client = app.CreatePageClient();
        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/account/login?returnurl=" + Uri.EscapeDataString(url), first.Target(), ignoreCase: true);
        Assert.Contains($"name=\"returnUrl\" value=\"{url}\"", await client.GetHtmlAsync(first.Target()));
        var login = await client.PostLoginAsync("member.520200", AppFactory.DemoPassword, url);
        Assert.Equal(url, login.Target());

        // Opening the page checks nobody in; the button does.
        var page = await client.GetHtmlAsync(url);
        Assert.Contains("十二月常委会议", page);
        Assert.Contains("确认签到", page);
        Assert.Contains($"name=\"t\" value=\"{token}\"", page);
        Assert.False(await app.WithDbAsync(db => db.CheckIns.AnyAsync(c => c.ActivityId == id)));

        var post = await client.PostAsync(url, Form(page, "checkin", ("t", token)));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal($"/checkin/{id}", post.Target());
        var row = await app.WithDbAsync(db => db.CheckIns.SingleAsync(c => c.ActivityId == id));
        Assert.Equal((memberId, CheckInMethod.Qr, true), (row.MemberId, row.Method, row.Late));

        var done = await client.GetHtmlAsync(post.Target());
        Assert.Contains("已签到 " + CheckInService.ClockTime(row.At), done);
        Assert.Contains("迟到", done);
        Assert.DoesNotContain("确认签到", done);

        // Posting again (the back button) lands on the same result and adds nothing.
        var again = await client.PostAsync(url, Form(page, "checkin", ("t", token)));
        Assert.Equal($"/checkin/{id}", again.Target());
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.ActivityId == id)));

        var english = await client.GetHtmlAsync($"/checkin/{id}?culture=en");
        Assert.Contains("Checked in at " + CheckInService.ClockTime(row.At), english);
    }

    [Fact]
    public async Task An_expired_code_asks_to_scan_again_and_a_stale_page_says_so_after_posting()
    {
        var (id, _) = await LiveAsync(startIn: TimeSpan.FromMinutes(20));
        var key = await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.CheckInKey).FirstAsync());
        var old = CheckInTokens.Issue(id, key, DateTimeOffset.UtcNow.AddMinutes(-5), 60).Token;
        var client = await app.SignedInPageClientAsync("member.520200");

        var page = await client.GetHtmlAsync($"/checkin/{id}?t={old}");
        Assert.Contains("二维码已过期，请重新扫描", page);
        Assert.DoesNotContain("确认签到", page);

        // A page opened with a good code, left open until the code expired, then posted.
        var fresh = await client.GetHtmlAsync($"/checkin/{id}?t={await TokenAsync(id)}");
        var post = await client.PostAsync($"/checkin/{id}?t={old}", Form(fresh, "checkin", ("t", old)));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal($"/checkin/{id}?error=expired", post.Target());
        Assert.Contains("二维码已过期，请重新扫描", await client.GetHtmlAsync(post.Target()));
        Assert.False(await app.WithDbAsync(db => db.CheckIns.AnyAsync(c => c.ActivityId == id)));

        var foreign = await client.GetHtmlAsync($"/checkin/{id}?t=123.abc");
        Assert.Contains("二维码无效", foreign);
    }

    [Fact]
    public async Task A_member_not_invited_is_told_so_without_the_activitys_details()
    {
        var (id, _) = await LiveAsync(title: "钟山区内部协商会");
        var client = await app.SignedInPageClientAsync("member.520201");
        var res = await client.GetAsync($"/checkin/{id}?t={await TokenAsync(id)}");
        Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        var html = await res.HtmlAsync();
        Assert.Contains("您不在本次活动的邀请名单中", html);
        Assert.DoesNotContain("钟山区内部协商会", html);
        Assert.DoesNotContain("确认签到", html);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Contains("只有委员账号可以扫码签到", await (await staff.GetAsync($"/checkin/{id}?t={await TokenAsync(id)}")).HtmlAsync());
        Assert.False(await app.WithDbAsync(db => db.CheckIns.AnyAsync(c => c.ActivityId == id)));
    }

    [Fact]
    public async Task The_screen_shows_a_server_rendered_qr_code_of_the_current_url_and_the_live_count()
    {
        var (id, memberId) = await LiveAsync();
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync($"/activities/{id}/checkin/screen");
        Assert.Contains("十二月常委会议", html);
        Assert.Contains("id=\"checkin-screen\"", html);
        Assert.Matches("data-live-next=\"[0-9]+\"", html);
        Assert.Contains("js/checkin", html);
        var img = QrRegex().Match(html);
        Assert.True(img.Success, "no QR image");
        var svg = Encoding.UTF8.GetString(Convert.FromBase64String(img.Groups[1].Value));
        Assert.Contains("<svg", svg);
        var token = img.Groups[2].Value;
        var key = await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).Select(a => a.CheckInKey).FirstAsync());
        Assert.Equal(TokenCheck.Valid, CheckInTokens.Check(id, key, token, DateTimeOffset.UtcNow, 60, 30));
        Assert.Matches(@"已签到</span> <strong>0</strong> <span class=""text-secondary"">/ 5</span>", html);

        await app.WithDbAsync(async db =>
        {
            db.CheckIns.Add(new CheckIn { ActivityId = id, MemberId = memberId, At = DateTimeOffset.UtcNow, Method = CheckInMethod.Desk, By = "test" });
            return await db.SaveChangesAsync();
        });
        Assert.Contains("<strong>1</strong>", await staff.GetHtmlAsync($"/activities/{id}/checkin/screen"));

        // Other districts' staff get 403; members are sent to the denied page; an ended activity shows no code.
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/activities/{id}/checkin/screen")).StatusCode);
        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.Equal("/account/denied", (await member.GetAsync($"/activities/{id}/checkin/screen")).Target().Split('?')[0]);
        var (ended, _) = await TestActivities.CreateAsync(app, startsAt: DateTimeOffset.UtcNow.AddHours(-5), duration: TimeSpan.FromHours(1));
        var closed = await staff.GetHtmlAsync($"/activities/{ended}/checkin/screen");
        Assert.Contains("签到已结束", closed);
        Assert.DoesNotContain("data:image/svg+xml", closed);
    }

    [Fact]
    public async Task The_desk_finds_a_member_by_pinyin_initials_and_checks_them_in()
    {
        var (id, memberId) = await LiveAsync(account: "member.520201", organizer: "520201");
        var m = await app.WithDbAsync(db => db.Members.AsNoTracking().FirstAsync(x => x.Id == memberId));
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var url = $"/activities/{id}/checkin/desk?q={m.PinyinInitials}";
        var html = await staff.GetHtmlAsync(url);
        Assert.Contains(m.Name, html);
        Assert.Contains($"name=\"memberId\" value=\"{memberId}\"", html);

        var post = await staff.PostAsync(url, Form(html, "desk", ("memberId", memberId.ToString())));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal($"/activities/{id}/checkin/desk?q={m.PinyinInitials}&done={memberId}", post.Target());
        var row = await app.WithDbAsync(db => db.CheckIns.SingleAsync(c => c.ActivityId == id));
        Assert.Equal((memberId, CheckInMethod.Desk, "staff.520201"), (row.MemberId, row.Method, row.By));
        var after = await staff.GetHtmlAsync(post.Target());
        Assert.Contains($"{m.Name} 已签到 {CheckInService.ClockTime(row.At)}", after);
        Assert.DoesNotContain($"name=\"memberId\" value=\"{memberId}\"", after); // no second button

        // A member of another district: refused with the reason, nothing stored.
        var outsider = await app.WithDbAsync(db => db.Members.Where(x => x.Committee!.Code == "520204" && x.IsActive).OrderBy(x => x.Id).Select(x => x.Id).FirstAsync());
        var refused = await staff.PostAsync(url, Form(html, "desk", ("memberId", outsider.ToString())));
        Assert.Equal($"/activities/{id}/checkin/desk?q={m.PinyinInitials}&error=out-of-scope&member={outsider}", refused.Target());
        Assert.Contains("不能现场签到", await staff.GetHtmlAsync(refused.Target()));
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.ActivityId == id)));

        // Another district's staff: 403 on the page and on a post.
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(url)).StatusCode);
        var otherToken = await other.TokenOfAsync("/members");
        var forged = await other.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = otherToken, ["_handler"] = "desk", ["memberId"] = outsider.ToString(),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.ActivityId == id)));
    }

    [Fact]
    public async Task The_board_shows_the_counts_and_refreshes_itself()
    {
        var (id, memberId) = await LiveAsync();
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var api = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/activities/{id}/checkin/desk", JsonContent(memberId))).StatusCode);
        var html = await staff.GetHtmlAsync($"/activities/{id}/board");
        Assert.Contains("签到看板", html);
        Assert.Contains("id=\"attendance-board\" data-live data-live-every=\"10\"", html);
        Assert.Contains("应到", html);
        Assert.Contains("实到", html);
        Assert.Contains("按界别", html);
        Assert.Contains("签到率 <strong>20%</strong>", html); // 1 of 5
        Assert.Contains(await app.WithDbAsync(db => db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync()), html);

        var leader = await app.SignedInPageClientAsync("leader.520200");
        Assert.Contains("签到看板", await leader.GetHtmlAsync($"/activities/{id}/board"));
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/activities/{id}/board")).StatusCode);
        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.Equal("/account/denied", (await member.GetAsync($"/activities/{id}/board")).Target().Split('?')[0]);
    }

    private static StringContent JsonContent(int memberId) => new($"{{\"memberId\":{memberId}}}", Encoding.UTF8, "application/json");

    private static FormUrlEncodedContent Form(string html, string handler, params (string Key, string Value)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)))
        {
            ["__RequestVerificationToken"] = PageClient.Token(html), ["_handler"] = handler,
        });

    [GeneratedRegex("<img class=\"xs-qr\" src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\" alt=\"[^\"]*\" data-token=\"([^\"]+)\"")]
    private static partial Regex QrRegex();
}

public sealed class CheckInPagesSqliteTests(SqliteAppFactory app) : CheckInPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class CheckInPagesPostgresTests(PostgresAppFactory app) : CheckInPagesTests(app), IClassFixture<PostgresAppFactory>;
