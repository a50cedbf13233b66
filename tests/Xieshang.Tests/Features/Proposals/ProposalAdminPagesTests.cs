using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>The office pages /proposals/stats, /proposals/sessions and /proposals/units, with the login cookie.</summary>
public abstract class ProposalAdminPagesTests(AppFactory app)
{
    /// <summary>A forged post to a page the account may not use: refused (403), or sent back to the page, whose GET answers 403.</summary>
    private static async Task ForgedAsync(HttpClient client, HttpResponseMessage res, string who)
    {
        Assert.True(res.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{who}: {(int)res.StatusCode}");
        if (res.StatusCode == HttpStatusCode.Redirect)
        {
            var target = res.Target();
            if (!target.StartsWith("/account/denied", StringComparison.Ordinal)) Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(target)).StatusCode);
        }
    }

    private static void Refused(HttpResponseMessage res, string who)
    {
        Assert.True(res.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{who}: {(int)res.StatusCode}");
        if (res.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/account/denied", res.Target());
    }

    [Fact]
    public async Task The_stats_page_shows_tables_charts_and_exports_to_the_office_and_own_numbers_to_a_unit()
    {
        var d = await StatsData.SeedAsync(app, 2015);
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync("/proposals/stats?committee=520200&year=2015");
        Assert.Contains("提案统计 · 六盘水市政协", html);
        Assert.Contains("id=\"committee-table\"", html);
        Assert.Contains("id=\"unit-table\"", html);
        Assert.Contains("id=\"sector-table\"", html);
        Assert.Contains("id=\"proposal-stats-data\"", html);
        Assert.Contains("data-echarts=", html);
        Assert.Contains("<div class=\"stat-value\">11</div>", html);
        Assert.Contains("54.5%", html); // filing rate 6/11
        // Reply classes carry the one name the rest of the platform uses (ProposalRules.ClassName), not a shorter variant.
        foreach (var c in new[] { ReplyClass.A, ReplyClass.B, ReplyClass.C }) Assert.Contains(ProposalRules.ClassName(c), html);
        Assert.Contains("C类（因条件限制留作参考）", html);
        Assert.DoesNotContain("C类（留作参考）", html);
        Assert.Contains(d.U1.Name, html);
        Assert.Contains("/api/proposals/compilation.docx?committee=520200&year=2015", html);
        Assert.Contains("/proposals/units?committee=520200", html);
        Assert.Contains("Proposal statistics", await staff.GetHtmlAsync("/proposals/stats?committee=520200&year=2015&culture=en"));

        var unit = await app.SignedInPageClientAsync(d.U2.UserName);
        var own = await unit.GetHtmlAsync("/proposals/stats?year=2015");
        Assert.Contains(d.U2.Name, own);
        Assert.DoesNotContain(d.U1.Name, own);
        Assert.DoesNotContain("compilation.docx", own);
        Assert.DoesNotContain("id=\"committee-table\"", own);

        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("member.520200")).GetAsync("/proposals/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520201")).GetAsync("/proposals/stats?committee=520200")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreatePageClient().GetAsync("/proposals/stats")).StatusCode);
    }

    [Fact]
    public async Task Staff_add_change_and_remove_plenary_sessions_through_the_api_rules()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync("/proposals/sessions?committee=520203");
        Assert.Contains("届次会议 · 六枝特区政协", page);
        FormUrlEncodedContent Form(string html, string handler, params (string, string)[] fields) =>
            new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)))
            {
                ["__RequestVerificationToken"] = PageClient.Token(html), ["_handler"] = handler,
            });
        Task<List<ProposalSessionDto>> Sessions() => app.WithDbAsync(db => ProposalSessions.ListAsync(db,
            db.Committees.Where(c => c.Code == "520203").Select(c => c.Id).First(), CancellationToken.None));
        var before = await Sessions();

        // Bad input: the API's message, nothing saved.
        var bad = await staff.PostAsync("/proposals/sessions?committee=520203", Form(page, "session",
            ("original", ""), ("term", "88"), ("session", "1"), ("opensOn", "2030-03-01"), ("closesOn", "2030-02-01")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("闭幕日期须在开幕后 30 天内", await bad.HtmlAsync());
        Assert.Equal(before, await Sessions());

        var added = await staff.PostAsync("/proposals/sessions?committee=520203", Form(page, "session",
            ("original", ""), ("term", "88"), ("session", "1"), ("opensOn", "2030-03-01"), ("closesOn", "2030-03-05")));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("八十八届一次会议", await staff.GetHtmlAsync(added.Target()));
        Assert.Contains(new ProposalSessionDto(88, 1, 2030, new DateOnly(2030, 3, 1), new DateOnly(2030, 3, 5)), await Sessions());

        // Change it, then a duplicate is refused.
        var edit = await staff.GetHtmlAsync("/proposals/sessions?committee=520203&edit=88-1");
        var changed = await staff.PostAsync("/proposals/sessions?committee=520203&edit=88-1", Form(edit, "session",
            ("original", "88-1"), ("term", "88"), ("session", "1"), ("opensOn", "2030-03-02"), ("closesOn", "2030-03-06")));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains(new ProposalSessionDto(88, 1, 2030, new DateOnly(2030, 3, 2), new DateOnly(2030, 3, 6)), await Sessions());
        var again = await staff.PostAsync("/proposals/sessions?committee=520203", Form(page, "session",
            ("original", ""), ("term", "88"), ("session", "1"), ("opensOn", "2030-03-01"), ("closesOn", "2030-03-05")));
        Assert.Contains("该届次会议已存在", await again.HtmlAsync());

        // The API refuses the same bad data with the same message (one place of validation).
        var api = await app.ClientAsAsync("staff.520200");
        var apiBad = await api.PutAsJsonAsync("/api/committees/520203/proposal-sessions", new[] { new ProposalSessionDto(88, 1, 2030, new DateOnly(2030, 3, 1), new DateOnly(2030, 2, 1)) });
        Assert.Equal(HttpStatusCode.BadRequest, apiBad.StatusCode);
        Assert.Contains("闭幕日期须在开幕后 30 天内", await apiBad.Content.ReadAsStringAsync());

        var removed = await staff.PostAsync("/proposals/sessions?committee=520203", Form(await staff.GetHtmlAsync("/proposals/sessions?committee=520203"), "remove-session", ("key", "88-1")));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(before, await Sessions());

        // Another district's staff and a leader are refused.
        Refused(await (await app.SignedInPageClientAsync("staff.520201")).GetAsync("/proposals/sessions?committee=520203"), "staff.520201");
        Refused(await (await app.SignedInPageClientAsync("leader.520200")).GetAsync("/proposals/sessions?committee=520203"), "leader.520200");
        var other = await app.SignedInPageClientAsync("staff.520204");
        var otherPage = await other.GetHtmlAsync("/proposals/sessions");
        var forged = await other.PostAsync("/proposals/sessions?committee=520203", Form(otherPage, "session",
            ("original", ""), ("term", "87"), ("session", "1"), ("opensOn", "2030-03-01"), ("closesOn", "2030-03-05")));
        await ForgedAsync(other, forged, "staff.520204 post");
        Assert.Equal(before, await Sessions());
    }

    [Fact]
    public async Task Staff_add_rename_and_deactivate_units_and_open_an_account_whose_password_is_shown_once()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync("/proposals/units?committee=520204");
        Assert.Contains("承办单位 · 水城区政协", page);
        FormUrlEncodedContent Form(string html, string handler, params (string, string)[] fields) =>
            new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)))
            {
                ["__RequestVerificationToken"] = PageClient.Token(html), ["_handler"] = handler,
            });
        var suffix = "p" + Guid.NewGuid().ToString("N")[..8];
        var code = "520204." + suffix;

        var bad = await staff.PostAsync("/proposals/units?committee=520204", Form(page, "add-unit", ("code", "教育局"), ("name", "水城区教育局")));
        Assert.Contains("单位代码须为", await bad.HtmlAsync());
        var added = await staff.PostAsync("/proposals/units?committee=520204", Form(page, "add-unit", ("code", suffix), ("name", "水城区教育局")));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains($"id=\"unit-{code}\"", await staff.GetHtmlAsync(added.Target()));

        // The account: unit. + code, role unit, the password shown on this answer only; it signs in and sees its unit's numbers.
        var list = await staff.GetHtmlAsync("/proposals/units?committee=520204");
        var created = await staff.PostAsync("/proposals/units?committee=520204", Form(list, "unit-account", ("code", code)));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var answer = await created.HtmlAsync();
        var password = System.Text.RegularExpressions.Regex.Match(answer, "id=\"initial-password\">([^<]+)<").Groups[1].Value;
        Assert.True(password.Length >= 12, answer.Length > 0 ? "no password shown" : "");
        Assert.Contains($"unit.{code}", answer);
        Assert.DoesNotContain(password, await staff.GetHtmlAsync("/proposals/units?committee=520204"));
        var login = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = $"unit.{code}", password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var twice = await staff.PostAsync("/proposals/units?committee=520204", Form(list, "unit-account", ("code", code)));
        Assert.Contains("已存在", await twice.HtmlAsync());
        var account = await app.WithDbAsync(db => db.Users.FirstAsync(u => u.UserName == $"unit.{code}"));
        Assert.Equal(await app.WithDbAsync(db => db.HandlingUnits.Where(u => u.Code == code).Select(u => (int?)u.Id).FirstAsync()), account.HandlingUnitId);
        Assert.Null(account.CommitteeId);

        // Rename and deactivate.
        var edit = await staff.GetHtmlAsync($"/proposals/units?committee=520204&edit={code}");
        var saved = await staff.PostAsync($"/proposals/units?committee=520204&edit={code}", Form(edit, "edit-unit", ("code", code), ("name", "水城区教育和科技局"), ("active", "false")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var unit = await app.WithDbAsync(db => db.HandlingUnits.AsNoTracking().FirstAsync(u => u.Code == code));
        Assert.Equal(("水城区教育和科技局", false), (unit.Name, unit.IsActive));

        // Another district's staff and a leader are refused, and nothing changes.
        Refused(await (await app.SignedInPageClientAsync("staff.520201")).GetAsync("/proposals/units?committee=520204"), "staff.520201");
        Refused(await (await app.SignedInPageClientAsync("leader.520200")).GetAsync("/proposals/units?committee=520204"), "leader.520200");
        var other = await app.SignedInPageClientAsync("staff.520201");
        var forged = await other.PostAsync("/proposals/units?committee=520204", Form(await other.GetHtmlAsync("/proposals/units"), "add-unit", ("code", "x" + suffix), ("name", "伪造")));
        await ForgedAsync(other, forged, "staff.520201 post");
        Assert.False(await app.WithDbAsync(db => db.HandlingUnits.AnyAsync(u => u.Code == "520204.x" + suffix)));
    }
}

public sealed class ProposalAdminPagesSqliteTests(SqliteAppFactory app) : ProposalAdminPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalAdminPagesPostgresTests(PostgresAppFactory app) : ProposalAdminPagesTests(app), IClassFixture<PostgresAppFactory>;
