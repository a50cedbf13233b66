using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using static Xieshang.Tests.Features.Duty.DutyTestData;

namespace Xieshang.Tests.Features.Duty;

/// <summary>The duty pages through HTTP with the login cookie (/duty, /members/{id}/duty, /duty/claims, /duty/rules), on both providers.</summary>
public abstract class DutyPagesTests(AppFactory app)
{
    private static int ThisYear => DateTimeOffset.UtcNow.ToOffset(China).Year;
    private static string Today => DateTimeOffset.UtcNow.ToOffset(China).ToString("yyyy-MM-dd");

    [Fact]
    public async Task A_member_sees_their_own_file_and_reports_another_duty_through_the_form()
    {
        var own = await TestActivities.MemberIdOfAsync(app, "member.520281");
        await RecordAsync(app, "page-test", 1, Event(own, "attend.plenary", "page-test", 1, Day(2024, 3, 5), "第九届三次全体会议"), Event(own, "speaker", "page-test", 1, Day(2024, 3, 5), "第九届三次全体会议"));
        var member = await app.SignedInPageClientAsync("member.520281");

        var html = await member.GetHtmlAsync("/duty?year=2024");
        Assert.Contains("<h1>我的履职档案</h1>", html);
        Assert.Contains("id=\"duty-total\">16<", html);
        Assert.Contains(">约谈</span>", html);
        Assert.Contains("第九届三次全体会议", html);
        Assert.Contains("出席全体会议 · 会议活动", html);
        Assert.Contains($"href=\"/api/members/{own}/duty/report.docx?year=2024\"", html);
        Assert.Contains($"href=\"/api/members/{own}/duty/records.xlsx?year=2024\"", html);
        Assert.Contains("<option value=\"2024\" selected", html);
        Assert.Contains("申报其他履职", html);
        var en = await member.GetHtmlAsync("/duty?year=2024&culture=en");
        Assert.Contains("<h1>My duty file</h1>", en);
        Assert.Contains("Download report (Word)", en);
        Assert.Contains("Meetings and activities", en);
        // A bad year: the current year, with a word about it.
        Assert.Contains("年度应为 2000 至", await member.GetHtmlAsync("/duty?year=abc"));

        // The claim form, with a file; problems come back in the form, nothing stored.
        var before = await app.WithDbAsync(db => db.DutyClaims.CountAsync(c => c.MemberId == own));
        var bad = await member.PostAsync("/duty?year=2024", ClaimForm(html, "", Today));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("申报未提交，请按提示修改", badHtml);
        Assert.Contains("请填写履职事项名称", badHtml);
        Assert.Equal(before, await app.WithDbAsync(db => db.DutyClaims.CountAsync(c => c.MemberId == own)));

        var ok = await member.PostAsync("/duty?year=2024", ClaimForm(html, "市红十字会应急救护志愿服务", Today, ("证书.png", DutyClaimsApiTests.Png)));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.StartsWith("/duty?year=2024&claimed=", ok.Target());
        Assert.Contains("申报已提交，等待机关审核", await member.GetHtmlAsync(ok.Target()));
        var claim = await app.WithDbAsync(db => db.DutyClaims.AsNoTracking().Where(c => c.MemberId == own).OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal(("市红十字会应急救护志愿服务", DutyClaimStatus.Pending, "证书.png", 2m), (claim.Title, claim.Status, claim.EvidenceFileName, claim.Quantity));

        // The member's list of claims shows it, without review buttons.
        var mine = await member.GetHtmlAsync("/duty/claims");
        Assert.Contains("市红十字会应急救护志愿服务", mine);
        Assert.Contains(">待审核</span>", mine);
        Assert.DoesNotContain("/decide", mine);
        Assert.Equal(HttpStatusCode.Redirect, (await member.GetAsync("/duty/rules")).StatusCode); // office only
    }

    [Fact]
    public async Task Staff_without_a_file_of_their_own_are_pointed_to_the_member_list_and_read_members_files_in_scope()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var landing = await staff.GetHtmlAsync("/duty");
        Assert.Contains("工作人员和领导账号没有本人的履职档案", landing);
        Assert.Contains("href=\"/members\"", landing);
        Assert.DoesNotContain("申报其他履职", landing);

        var m = (await MembersAsync(app, "520201", 1, skip: 7))[0];
        var name = await app.WithDbAsync(db => db.Members.Where(x => x.Id == m).Select(x => x.Name).FirstAsync());
        await RecordAsync(app, "page-test", 2, Event(m, "author", "page-test", 2, Day(ThisYear, 1, 2), "关于城区停车难的调研报告"));
        var detail = await staff.GetHtmlAsync($"/members/{m}");
        Assert.Contains($"href=\"/members/{m}/duty\"", detail);
        var file = await staff.GetHtmlAsync($"/members/{m}/duty");
        Assert.Contains($"<h1>{name}的履职档案</h1>", file);
        Assert.Contains("关于城区停车难的调研报告", file);
        Assert.Contains("本年度尚未结束", file);
        Assert.Contains(">+10<", file);

        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520204")).GetAsync($"/members/{m}/duty")).StatusCode);
        var colleague = await app.SignedInPageClientAsync("member.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await colleague.GetAsync($"/members/{m}/duty")).StatusCode);
        Assert.DoesNotContain($"href=\"/members/{m}/duty\"", await colleague.GetHtmlAsync($"/members/{m}"));
        Assert.Equal(HttpStatusCode.OK, (await (await app.SignedInPageClientAsync("leader.520200")).GetAsync($"/members/{m}/duty")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/members/999999/duty")).StatusCode);
    }

    [Fact]
    public async Task Staff_decide_claims_from_the_queue_and_others_cannot()
    {
        var api = await app.ClientAsAsync("member.520201");
        async Task<int> ClaimAsync(string title) =>
            (await (await api.PostAsJsonAsync("/api/duty/claims", new { ruleCode = "claim.honour", title, occurredOn = Today })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var (first, second) = (await ClaimAsync("获评区级优秀志愿者"), await ClaimAsync("获评区级三八红旗手"));

        var staff = await app.SignedInPageClientAsync("staff.520201");
        var queue = await staff.GetHtmlAsync("/duty/claims");
        Assert.Contains("获评区级优秀志愿者", queue);
        Assert.Contains($"action=\"/duty/claims/{first}/decide\"", queue);
        var token = PageClient.Token(queue);
        FormUrlEncodedContent Decide(string decision, string note) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["decision"] = decision, ["note"] = note, ["committee"] = "520201", ["status"] = "pending",
        });

        var noNote = await staff.PostAsync($"/duty/claims/{second}/decide", Decide("reject", ""));
        Assert.Equal($"/duty/claims?committee=520201&status=pending&error=note#claim-{second}", noNote.Target());
        Assert.Contains("退回申报须填写审核意见", await staff.GetHtmlAsync(noNote.Target()));

        var approved = await staff.PostAsync($"/duty/claims/{first}/decide", Decide("approve", "属实"));
        Assert.Equal("/duty/claims?committee=520201&status=pending&done=approved", approved.Target());
        Assert.Contains("已审核通过", await staff.GetHtmlAsync(approved.Target()));
        Assert.Equal(5m, await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "claim" && r.SourceId == first).Select(r => r.Points).SingleAsync()));
        var again = await staff.PostAsync($"/duty/claims/{first}/decide", Decide("reject", "重复"));
        Assert.EndsWith($"error=decided#claim-{first}", again.Target());

        // Another district's staff and a leader are refused; the claim stays pending.
        foreach (var user in new[] { "staff.520204", "leader.520201" })
        {
            var other = await app.SignedInPageClientAsync(user);
            var otherToken = PageClient.Token(await other.GetHtmlAsync("/duty/claims"));
            var res = await other.PostAsync($"/duty/claims/{second}/decide", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = otherToken, ["decision"] = "approve", ["note"] = "",
            }));
            Assert.True(res.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, $"{user}: {(int)res.StatusCode}");
            if (res.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/account/denied", res.Target());
        }
        Assert.Equal(DutyClaimStatus.Pending, await app.WithDbAsync(db => db.DutyClaims.Where(c => c.Id == second).Select(c => c.Status).FirstAsync()));
        var leaderQueue = await (await app.SignedInPageClientAsync("leader.520201")).GetHtmlAsync("/duty/claims");
        Assert.Contains("获评区级三八红旗手", leaderQueue);
        Assert.DoesNotContain("/decide", leaderQueue);
        Assert.DoesNotContain("获评区级三八红旗手", await (await app.SignedInPageClientAsync("staff.520204")).GetHtmlAsync("/duty/claims?status=all"));
    }

    [Fact]
    public async Task Staff_set_their_committees_value_and_see_how_many_records_were_recomputed_leaders_only_read()
    {
        var m = (await MembersAsync(app, "520204", 1, skip: 9))[0];
        await RecordAsync(app, "page-test", 3, Event(m, "research.report", "page-test", 3, Day(ThisYear, 1, 3), "关于水城区农村饮水安全的调研报告"));
        var staff = await app.SignedInPageClientAsync("staff.520204");
        var list = await staff.GetHtmlAsync("/duty/rules");
        Assert.Contains("积分规则 · 水城区政协", list);
        Assert.Contains(">默认规则</span>", list);
        Assert.Contains("按次计分，分值最低，防止以数量凑分。", list); // the rationale
        Assert.Contains("href=\"/duty/rules?committee=520204&amp;edit=research.report#edit\"", await (await staff.GetAsync("/duty/rules")).Content.ReadAsStringAsync());

        var form = await staff.GetHtmlAsync("/duty/rules?committee=520204&edit=research.report");
        Assert.Contains("设定本会分值：调研成果被采纳（水城区政协）", form);
        FormUrlEncodedContent Rule(string points, string rationale) => new(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(form), ["_handler"] = "rule", ["points"] = points,
            ["effectiveFrom"] = $"{ThisYear}-01-01", ["effectiveTo"] = "", ["rationale"] = rationale,
        });
        var bad = await staff.PostAsync("/duty/rules?committee=520204&edit=research.report", Rule("2", ""));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("请说明设定该分值的依据", await bad.HtmlAsync());
        Assert.Contains("分值应为数字", await (await staff.PostAsync("/duty/rules?committee=520204&edit=research.report", Rule("两分", "区政协规定"))).HtmlAsync());

        var saved = await staff.PostAsync("/duty/rules?committee=520204&edit=research.report", Rule("12", "水城区政协履职考核办法第五条"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("changed=1", saved.Target());
        var after = await staff.GetHtmlAsync(saved.Target());
        Assert.Contains("已重新计算 1 条记录", after);
        Assert.Contains(">本会设定</span>", after);
        Assert.Contains("水城区政协履职考核办法第五条", after);
        Assert.Equal(12m, await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "page-test" && r.SourceId == 3).Select(r => r.Points).SingleAsync()));

        // The city above sees it as the district's own; the district's leader reads without edit buttons and cannot post.
        var leader = await app.SignedInPageClientAsync("leader.520200");
        var read = await leader.GetHtmlAsync("/duty/rules?committee=520204");
        Assert.Contains("水城区政协履职考核办法第五条", read);
        Assert.DoesNotContain("设定本会分值", read);
        var leaderToken = PageClient.Token(read);
        var refused = await leader.PostAsync("/duty/rules?committee=520204&edit=research.report", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = leaderToken, ["_handler"] = "rule", ["points"] = "9", ["effectiveFrom"] = $"{ThisYear}-01-01", ["rationale"] = "试图修改",
        }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/duty/rules?committee=520201")).StatusCode); // another district
        Assert.Equal(12m, await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "page-test" && r.SourceId == 3).Select(r => r.Points).SingleAsync()));
    }

    private static MultipartFormDataContent ClaimForm(string page, string title, string occurredOn, (string Name, byte[] Bytes)? file = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(PageClient.Token(page)), "__RequestVerificationToken" }, { new StringContent("claim"), "_handler" },
            { new StringContent("claim.volunteer"), "ruleCode" }, { new StringContent(title), "title" }, { new StringContent(occurredOn), "occurredOn" },
            { new StringContent("2"), "quantity" }, { new StringContent("周末在社区卫生服务站值守"), "description" },
        };
        if (file is { } f)
        {
            var content = new ByteArrayContent(f.Bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(content, "evidence", f.Name);
        }
        return form;
    }
}

public sealed class DutyPagesSqliteTests(SqliteAppFactory app) : DutyPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DutyPagesPostgresTests(PostgresAppFactory app) : DutyPagesTests(app), IClassFixture<PostgresAppFactory>;
