using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Components.Shared;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Infrastructure;

namespace Xieshang.Tests.Features.Consultations;

/// <summary>
/// The consultation pages: list and detail for staff, a member refused before the notice and another district refused,
/// the no-login registration page (form post, bad input, unknown token 404, revoked link 410, category preselection),
/// the plan linking only consultations the viewer may open, the schedule's day counts and skipped steps, page titles.
/// </summary>
public abstract class ConsultationPagesTests(AppFactory app)
{
    [Fact]
    public async Task Staff_see_list_and_detail_others_are_refused_and_non_members_register_on_the_link_page()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var created = await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "院坝协商：饮水安全", type = "courtyard" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var link = JsonDocument.Parse(await (await api.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "海坪村" })).Content.ReadAsStringAsync()).RootElement;
        var url = link.GetProperty("url").GetString()!;

        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Contains("院坝协商：饮水安全", await staff.GetHtmlAsync("/consultations?type=courtyard"));
        var detail = await staff.GetHtmlAsync($"/consultations/{id}");
        Assert.Contains("院坝协商", detail);
        Assert.Contains(url, detail);
        Assert.Contains("确定议题", detail);
        Assert.Contains("/consultations/plan/", await staff.GetHtmlAsync("/consultations"));

        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/consultations/{id}")).StatusCode);
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/consultations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/consultations/{id}/edit")).StatusCode);

        var anon = app.CreatePageClient();
        var page = await anon.GetHtmlAsync(url);
        Assert.Contains("院坝协商：饮水安全", page);
        var token = PageClient.Token(page);
        var bad = await anon.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "register", ["name"] = "杨𬱖", ["organization"] = "海坪村", ["category"] = "villager", ["phone"] = "123",
        }));
        Assert.Contains("手机号码格式不正确", await bad.HtmlAsync());
        var ok = await anon.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "register", ["name"] = "杨𬱖", ["organization"] = "海坪村", ["role"] = "村民", ["category"] = "villager", ["phone"] = "13800000000",
        }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("报名成功", await anon.GetHtmlAsync(ok.Target()));
        Assert.Equal("杨𬱖", await app.WithDbAsync(db => db.ConsultationParticipants.Where(p => p.ConsultationId == id).Select(p => p.Name).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync("/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).StatusCode);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The value of the selected option of select <paramref name="name"/> ("" for 「请选择」), or null when none is marked.</summary>
    private static string? Selected(string html, string name)
    {
        var select = Regex.Match(html, $"<select[^>]*name=\"{name}\"[^>]*>(.*?)</select>", RegexOptions.Singleline);
        Assert.True(select.Success, $"no select {name}");
        var options = Regex.Matches(select.Groups[1].Value, "<option([^>]*)>").Select(m => m.Groups[1].Value).Where(a => Regex.IsMatch(a, @"\bselected\b")).ToList();
        return options.Count switch
        {
            0 => null,
            1 => Regex.Match(options[0], "value=\"([^\"]*)\"").Groups[1].Value,
            _ => throw new InvalidOperationException($"{options.Count} options selected in {name}"),
        };
    }

    [Fact]
    public async Task The_link_page_answers_404_for_an_unknown_and_410_for_a_revoked_link_and_preselects_villagers_only_in_a_courtyard()
    {
        var api = await app.ClientAsAsync("staff.520200");
        async Task<(int Id, int LinkId, string Url)> WithLinkAsync(string title, string type)
        {
            var id = (await Json(await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title, type }))).GetProperty("id").GetInt32();
            var link = await Json(await api.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "一组" }));
            return (id, link.GetProperty("id").GetInt32(), link.GetProperty("url").GetString()!);
        }
        var courtyard = await WithLinkAsync("院坝协商：村寨污水收集", "courtyard");
        var thematic = await WithLinkAsync("关于金融支持民营企业的专题协商", "thematic");
        var anon = app.CreatePageClient();

        var village = await anon.GetHtmlAsync(courtyard.Url);
        Assert.Equal("villager", Selected(village, "category"));
        var officials = await anon.GetHtmlAsync(thematic.Url);
        Assert.Equal("", Selected(officials, "category"));
        Assert.Contains("请选择", officials);

        // Posting without a category is refused in Chinese and nothing is saved; the choice stays empty.
        var count = () => app.WithDbAsync(db => db.ConsultationParticipants.CountAsync(p => p.ConsultationId == thematic.Id));
        var missing = await anon.PostAsync(thematic.Url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(officials), ["_handler"] = "register", ["name"] = "张三", ["organization"] = "某银行", ["category"] = "",
        }));
        var missingHtml = await missing.HtmlAsync();
        Assert.Contains("请选择身份类别", missingHtml);
        Assert.Equal("", Selected(missingHtml, "category"));
        Assert.Equal(0, await count());

        // A revoked link: 410 Gone with the Chinese message; an unknown one: 404 with the friendly page.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/consultations/{courtyard.Id}/links/{courtyard.LinkId}/revoke", null)).StatusCode);
        var revoked = await anon.GetAsync(courtyard.Url);
        Assert.Equal(HttpStatusCode.Gone, revoked.StatusCode);
        var revokedHtml = await revoked.HtmlAsync();
        Assert.Contains("该邀请链接已停用", revokedHtml);
        Assert.Contains("院坝协商：村寨污水收集", revokedHtml);
        Assert.DoesNotContain("name=\"category\"", revokedHtml);
        var unknown = await anon.GetAsync("/c/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("邀请链接无效", await unknown.HtmlAsync());

        // The staff's own participant form on the detail page preselects the same way.
        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Equal("villager", Selected(await staff.GetHtmlAsync($"/consultations/{courtyard.Id}"), "category"));
        Assert.Equal("", Selected(await staff.GetHtmlAsync($"/consultations/{thematic.Id}"), "category"));
    }

    [Fact]
    public async Task The_plan_links_a_member_to_a_consultation_only_once_they_may_see_it()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var year = ChinaTime.YearOf(DateTimeOffset.UtcNow) + 2;
        var planId = (await Json(await api.PostAsJsonAsync("/api/consultations/plans", new { committee = "520200", year }))).GetProperty("id").GetInt32();
        var party = await app.WithDbAsync(db => db.Parties.Select(p => p.Code).FirstAsync());
        var topic = (await Json(await api.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics",
            new { title = "城乡供水一体化", reason = "理由", suggesterKind = "party", suggester = party }))).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{topic}/actions/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{topic}/actions/schedule", new { month = 6, type = "thematic" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/consultations/plans/{planId}/actions/publish", null)).StatusCode);
        var created = await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "城乡供水一体化专题协商", type = "thematic", planTopicId = topic });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetInt32();
        var href = $"href=\"/consultations/{id}\"";

        // Before the notice the member sees the topic but no link (the consultation would answer 403); the API lists no id.
        var member = await app.SignedInPageClientAsync("member.520200");
        var page = await member.GetHtmlAsync($"/consultations/plan/{year}");
        Assert.Contains("城乡供水一体化", page);
        Assert.DoesNotContain(href, page);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/consultations/{id}")).StatusCode);
        var memberApi = await app.ClientAsAsync("member.520200");
        var seen = await memberApi.GetFromJsonAsync<JsonElement>($"/api/consultations/plans/{planId}");
        Assert.Empty(seen.GetProperty("topics")[0].GetProperty("consultationIds").EnumerateArray());
        // The office sees the link.
        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Contains(href, await staff.GetHtmlAsync($"/consultations/plan/{year}?committee=520200"));

        // Once the notice went out the member may open it, and the plan links it.
        await app.WithDbAsync(async db =>
        {
            var c = await db.Consultations.FirstAsync(x => x.Id == id);
            c.Status = ConsultationStatus.Notice;
            return await db.SaveChangesAsync();
        });
        Assert.Contains(href, await member.GetHtmlAsync($"/consultations/plan/{year}"));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/consultations/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_detail_shows_the_day_counts_of_its_deadlines_and_marks_a_skipped_step_and_titles_do_not_repeat()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var id = (await Json(await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "关于城市更新的专题协商", type = "thematic" }))).GetProperty("id").GetInt32();
        await app.WithDbAsync(async db =>
        {
            var c = await db.Consultations.FirstAsync(x => x.Id == id);
            c.NoticeDays = 10;
            return await db.SaveChangesAsync();
        });
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(40).Date.AddHours(1), TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync($"/api/consultations/{id}/meeting",
            new { startsAt = start, endsAt = start.AddHours(3), place = "市政协三楼会议室", invitees = new { committees = new[] { "520200" } } })).StatusCode);
        // Straight from the topic to the notice, without research.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/consultations/{id}/actions/notify", new { note = "" })).StatusCode);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync($"/consultations/{id}");
        Assert.Contains("通知提前 10 个工作日", page);
        Assert.Contains("材料提前 10 个工作日", page);
        Assert.Contains("会后 7 个工作日内", page);
        Assert.Single(Regex.Matches(page, "未经此环节）"));
        Assert.Matches("text-decoration-line-through\"[^>]*>\\s*调研", page);

        string Title(string html) => Regex.Match(html, "<title>(.*?)</title>", RegexOptions.Singleline).Groups[1].Value;
        var titles = new[]
        {
            Title(await staff.GetHtmlAsync("/consultations")), Title(page), Title(await staff.GetHtmlAsync($"/consultations/{id}/edit")),
            Title(await staff.GetHtmlAsync("/consultations/new")), Title(await staff.GetHtmlAsync($"/consultations/plan/{ChinaTime.YearOf(DateTimeOffset.UtcNow)}")),
        };
        Assert.Equal("协商列表 · 协商 · 政协履职平台", titles[0]);
        Assert.All(titles, t => Assert.Equal(t.Split(" · ").Length, t.Split(" · ").Distinct().Count()));
        Assert.Equal("编辑协商 · 协商 · 政协履职平台", titles[2]);
    }

    [Fact]
    public async Task Unreadable_query_values_are_ignored_and_the_pages_show_the_activitys_meeting_time()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var created = await api.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "关于老旧小区加装电梯的协商", type = "thematic" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(30).Date.AddHours(2), TimeSpan.Zero);
        var meeting = await api.PutAsJsonAsync($"/api/consultations/{id}/meeting",
            new { startsAt = start, endsAt = start.AddHours(2), place = "市政协二楼会议室", invitees = new { committees = new[] { "520200" } } });
        Assert.Equal(HttpStatusCode.OK, meeting.StatusCode);
        var activityId = JsonDocument.Parse(await meeting.Content.ReadAsStringAsync()).RootElement.GetProperty("activityId").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsJsonAsync($"/api/consultations/{id}/actions/notify", new { note = "" })).StatusCode);
        var later = start.AddDays(9);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsJsonAsync($"/api/activities/{activityId}/postpone",
            new { startsAt = later, endsAt = later.AddHours(2), reason = "议题调研尚未完成" })).StatusCode);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        foreach (var url in new[] { "/consultations?year=abc", "/consultations?year=99999999999&type=nonsense&status=%E2%80%A6", $"/consultations/{id}?done=abc",
                     "/consultations/plan/2026?committee=520200&year=abc&month=abc" })
        {
            var res = await staff.GetAsync(url);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{url}: {(int)res.StatusCode} {res.Headers.Location}");
        }
        // The unreadable year is ignored: the list shows the consultation with the activity's (postponed) time, not the old one.
        var list = await staff.GetHtmlAsync("/consultations?year=abc");
        Assert.Contains("关于老旧小区加装电梯的协商", list);
        Assert.Contains(Format.Time(later), list);
        Assert.DoesNotContain(Format.Time(start), list);
        // A readable year still filters, by the activity's start.
        Assert.Contains("关于老旧小区加装电梯的协商", await staff.GetHtmlAsync($"/consultations?year={ChinaTime.YearOf(later)}"));
        Assert.DoesNotContain("关于老旧小区加装电梯的协商", await staff.GetHtmlAsync($"/consultations?year={ChinaTime.YearOf(later) + 1}"));
        var detail = await staff.GetHtmlAsync($"/consultations/{id}");
        Assert.Contains($"{Format.Time(later)} · 市政协二楼会议室", detail);
    }
}

public sealed class ConsultationPagesSqliteTests(SqliteAppFactory app) : ConsultationPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ConsultationPagesPostgresTests(PostgresAppFactory app) : ConsultationPagesTests(app), IClassFixture<PostgresAppFactory>;
