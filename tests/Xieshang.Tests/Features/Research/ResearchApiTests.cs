using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Research;

/// <summary>
/// The research and inspection API: creating a project (bad input changes nothing), the plan's approval and the report's
/// workflow (refused edges and wrong roles), the team's duty records (author weighs more than a member), the outcome a
/// sent report becomes, field work as activities, records and photos (type and size refused), outputs (proposal and
/// opinion drafts through their own slices, recommendation, speech, with work links), and scope: another district's
/// staff, a member not on the team and a handling unit are refused on every endpoint; lists show only scoped projects.
/// </summary>
public abstract class ResearchApiTests(AppFactory app)
{
    private const string City = "staff.520200", Zhongshan = "staff.520201", Shuicheng = "staff.520204", CityLeader = "leader.520200", Author = "member.520200";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).GetProperty("detail").GetString() ?? "";

    private Task<int> MemberIdOf(string userName) => app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());

    /// <summary>Active members of a committee (not <paramref name="except"/>), first <paramref name="n"/> by id.</summary>
    private Task<List<int>> MembersOf(string code, int n, params int[] except) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !except.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private async Task<(int Id, int AuthorId, int LeaderId, int MemberId)> CreateAsync(string staff = City, string code = "520200", string author = Author, string title = "关于推进乡村振兴产业发展的调研")
    {
        var authorId = await MemberIdOf(author);
        var others = await MembersOf(code, 2, authorId);
        var res = await (await app.ClientAsAsync(staff)).PostAsJsonAsync("/api/research", new
        {
            title, kind = "research", organizerCodes = new[] { code }, leaderId = others[0], memberIds = new[] { others[1] }, authorId,
            background = "背景", staffNames = new[] { "王秘书" },
        });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return ((await Json(res)).GetProperty("id").GetInt32(), authorId, others[0], others[1]);
    }

    private static Task<HttpResponseMessage> Plan(HttpClient c, int id, string action, string? plan = null, string? note = null) =>
        c.PostAsJsonAsync($"/api/research/{id}/plan/actions/{action}", new { plan, note });

    private static Task<HttpResponseMessage> Report(HttpClient c, int id, string action, string? note = null, string? sentTo = null) =>
        c.PostAsJsonAsync($"/api/research/{id}/report/actions/{action}", new { note, sentTo });

    private async Task ApprovePlanAsync(int id)
    {
        Assert.Equal(HttpStatusCode.OK, (await Plan(await app.ClientAsAsync(City), id, "submit", "一、调研目的……二、调研方式：走访、座谈")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Plan(await app.ClientAsAsync(CityLeader), id, "approve")).StatusCode);
    }

    private Task<string> SnapshotAsync() => app.WithDbAsync(async db => string.Join("|",
        await db.ResearchProjects.CountAsync(), await db.ResearchOrganizers.CountAsync(), await db.ResearchTeamMembers.CountAsync(),
        await db.ResearchEvents.CountAsync(), await db.ResearchFiles.CountAsync(), await db.ResearchFieldWork.CountAsync(), await db.ResearchOutputs.CountAsync(),
        await db.Activities.CountAsync(), await db.Outcomes.CountAsync(), await db.WorkLinks.CountAsync(), await db.Proposals.CountAsync(), await db.OpinionItems.CountAsync(),
        await db.DutyRecords.CountAsync(r => r.Source == ResearchRules.DutySource),
        string.Join(",", await db.ResearchProjects.OrderBy(p => p.Id).Select(p => p.Status + ":" + p.ReportStatus + ":" + p.ReportBody.Length + ":" + p.Plan.Length).ToListAsync())));

    [Fact]
    public async Task Creating_with_bad_input_says_what_is_wrong_in_Chinese_and_changes_nothing()
    {
        var staff = await app.ClientAsAsync(Zhongshan);
        var own = await MembersOf("520201", 3);
        var other = await MembersOf("520204", 1);
        var before = await SnapshotAsync();

        async Task<JsonElement> Bad(object body, HttpClient? client = null)
        {
            var res = await (client ?? staff).PostAsJsonAsync("/api/research", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            return (await Json(res)).GetProperty("errors");
        }
        // Unknown member.
        var e = await Bad(new { title = "课题", kind = "research", organizerCodes = new[] { "520201" }, leaderId = own[0], memberIds = new[] { 99999999 }, authorId = own[1] });
        Assert.Contains("不存在", e.GetProperty("memberIds")[0].GetString());
        // Member out of scope (another district's member on a 钟山区 project).
        e = await Bad(new { title = "课题", kind = "research", organizerCodes = new[] { "520201" }, leaderId = own[0], memberIds = new[] { other[0] }, authorId = own[1] });
        Assert.Contains("不属于组织单位", e.GetProperty("memberIds")[0].GetString());
        // Missing author; unknown kind; empty title.
        e = await Bad(new { title = "", kind = "visit", organizerCodes = new[] { "520201" }, leaderId = own[0], memberIds = new[] { own[2] } });
        Assert.Contains("执笔人", e.GetProperty("authorId")[0].GetString());
        Assert.Contains("research", e.GetProperty("kind")[0].GetString());
        Assert.Contains("调研课题", e.GetProperty("title")[0].GetString());
        // Schedule the wrong way round; unknown committee.
        e = await Bad(new { title = "课题", kind = "inspection", organizerCodes = new[] { "999999" }, leaderId = own[0], authorId = own[1], startsOn = "2026-05-10", endsOn = "2026-05-01" });
        Assert.Contains("999999", e.GetProperty("organizerCodes")[0].GetString());
        Assert.Contains("结束日期", e.GetProperty("endsOn")[0].GetString());

        // An organiser the user does not manage: 403. A member or a handling unit may not create at all.
        var outside = await staff.PostAsJsonAsync("/api/research", new { title = "课题", kind = "research", organizerCodes = new[] { "520204" }, leaderId = other[0], authorId = other[0] });
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Contains("水城", await Detail(outside));
        await TestAccounts.EnsureAsync(app, "unit.520201.research", Roles.HandlingUnit, "520201");
        foreach (var who in new[] { "member.520201", "unit.520201.research", "leader.520201" })
        {
            var res = await (await app.ClientAsAsync(who)).PostAsJsonAsync("/api/research", new { title = "课题", kind = "research", organizerCodes = new[] { "520201" }, leaderId = own[0], authorId = own[1] });
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
            Assert.False(string.IsNullOrEmpty(await Detail(res)));
        }
        Assert.Equal(before, await SnapshotAsync());

        // A city may co-organise with its counties: city lead, 钟山区 co-organiser, a 钟山区 member on the team.
        var city = await MembersOf("520200", 2);
        var ok = await (await app.ClientAsAsync(City)).PostAsJsonAsync("/api/research", new
        {
            title = "市县联合调研", kind = "inspection", organizerCodes = new[] { "520200", "520201" }, leaderId = city[0], authorId = city[1], memberIds = new[] { own[0] },
            startsOn = "2026-05-01", endsOn = "2026-05-10",
        });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var id = (await Json(ok)).GetProperty("id").GetInt32();
        var d = await Json(await (await app.ClientAsAsync(City)).GetAsync($"/api/research/{id}"));
        Assert.Equal("inspection", d.GetProperty("kind").GetString());
        Assert.Equal(["520200", "520201"], d.GetProperty("organizers").EnumerateArray().Select(o => o.GetProperty("code").GetString()!).ToArray());
        Assert.Equal(["leader", "author", "member"], d.GetProperty("team").EnumerateArray().Select(t => t.GetProperty("role").GetString()!).ToArray());
        // The co-organising district sees it too.
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/research/{id}")).StatusCode);
    }

    [Fact]
    public async Task Plan_and_report_go_through_their_workflows_with_refused_edges_duty_records_and_an_outcome_when_sent()
    {
        var (id, authorId, leaderId, memberId) = await CreateAsync();
        var staff = await app.ClientAsAsync(City);
        var leader = await app.ClientAsAsync(CityLeader);
        var author = await app.ClientAsAsync(Author);

        // Plan: approve before submit is not an edge; the leader may not submit; staff may not approve; a return needs a reason.
        var early = await Plan(leader, id, "approve");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("立项", await Detail(early));
        Assert.Equal(HttpStatusCode.Forbidden, (await Plan(leader, id, "submit", "方案")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Plan(staff, id, "submit", "")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Plan(staff, id, "publish")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Plan(staff, id, "submit", "调研方案：走访三个乡镇")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Plan(staff, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Plan(author, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Plan(leader, id, "return")).StatusCode);
        var returned = await Json(await Plan(leader, id, "return", note: "请补充座谈对象"));
        Assert.Equal("planning", returned.GetProperty("status").GetString());

        // The report cannot be written before the plan is approved.
        var tooSoon = await author.PutAsJsonAsync($"/api/research/{id}/report", new { title = "报告", body = "<p>正文</p>", findings = "", suggestions = "" });
        Assert.Equal(HttpStatusCode.Conflict, tooSoon.StatusCode);
        Assert.Contains("方案批准后", await Detail(tooSoon));

        Assert.Equal(HttpStatusCode.OK, (await Plan(staff, id, "submit")).StatusCode);
        var approved = await Json(await Plan(leader, id, "approve"));
        Assert.Equal("plan-approved", approved.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(approved.GetProperty("planApprovedBy").GetString()));
        Assert.Equal(["create", "plan-submit", "plan-return", "plan-submit", "plan-approve"],
            approved.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());

        // Report: empty report cannot be submitted; approve from draft is not an edge.
        Assert.Equal(HttpStatusCode.Conflict, (await Report(author, id, "submit")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Report(leader, id, "approve")).StatusCode);
        // The author writes it; the body is sanitised on the server.
        var saved = await author.PutAsJsonAsync($"/api/research/{id}/report", new
        {
            title = "关于推进乡村振兴产业发展的调研报告", body = "<p>正文<script>alert(1)</script><strong>重点</strong></p>", findings = "产业链短", suggestions = "延链补链",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var sd = await Json(saved);
        Assert.Equal("reporting", sd.GetProperty("status").GetString());
        Assert.DoesNotContain("script", sd.GetProperty("report").GetProperty("body").GetString());
        Assert.Contains("<strong>重点</strong>", sd.GetProperty("report").GetProperty("body").GetString());
        // A member on the team who is not the author may not submit (the member has no account; the leader account of another role may not).
        Assert.Equal(HttpStatusCode.Forbidden, (await Report(leader, id, "submit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(author, id, "submit")).StatusCode);
        var locked = await author.PutAsJsonAsync($"/api/research/{id}/report", new { title = "改", body = "<p>改</p>" });
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Report(author, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Report(staff, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Report(staff, id, "send", sentTo: "市委、市政府")).StatusCode);
        Assert.Equal("approved", (await Json(await Report(leader, id, "approve"))).GetProperty("reportStatus").GetString());

        // Duty records: the author weighs more than a team member; the leader (组长) counts as a member.
        async Task<Dictionary<int, (string Code, decimal Points, DateTimeOffset At)>> Duties() => await app.WithDbAsync(db => db.DutyRecords
            .Where(r => r.Source == ResearchRules.DutySource && r.SourceId == id).ToDictionaryAsync(r => r.MemberId, r => (r.RuleCode, r.Points, r.OccurredAt)));
        var duties = await Duties();
        Assert.Equal(3, duties.Count);
        Assert.Equal("research.author", duties[authorId].Code);
        Assert.Equal("research.member", duties[memberId].Code);
        Assert.Equal("research.member", duties[leaderId].Code);
        Assert.True(duties[authorId].Points > duties[memberId].Points && duties[memberId].Points > 0);

        // Returned after approval: the records are withdrawn; edited and submitted again by staff.
        Assert.Equal(HttpStatusCode.BadRequest, (await Report(leader, id, "return")).StatusCode);
        Assert.Equal("returned", (await Json(await Report(leader, id, "return", note: "数据需要更新"))).GetProperty("reportStatus").GetString());
        Assert.Empty(await Duties());
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/research/{id}/report", new
        {
            title = "关于推进乡村振兴产业发展的调研报告", body = "<p>更新后的正文</p>", findings = "产业链短", suggestions = "延链补链",
        })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(staff, id, "submit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(leader, id, "approve")).StatusCode);

        // Send: 报送单位 required, staff only; no outcome before.
        Assert.Equal(0, await app.WithDbAsync(db => db.Outcomes.CountAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == id)));
        var noTo = await Report(staff, id, "send");
        Assert.Equal(HttpStatusCode.BadRequest, noTo.StatusCode);
        Assert.Contains("报送单位", (await Json(noTo)).GetProperty("errors").GetProperty("sentTo")[0].GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Report(leader, id, "send", sentTo: "市委")).StatusCode);
        var sent = await Json(await Report(staff, id, "send", sentTo: "市委、市政府"));
        Assert.Equal("sent", sent.GetProperty("reportStatus").GetString());
        Assert.Equal("completed", sent.GetProperty("status").GetString());
        Assert.Equal("市委、市政府", sent.GetProperty("report").GetProperty("sentTo").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await Report(staff, id, "send", sentTo: "市委")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Report(leader, id, "return", note: "晚了")).StatusCode);

        var outcome = await app.WithDbAsync(db => db.Outcomes.SingleAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == id));
        Assert.Equal(OutcomeKind.ResearchReport, outcome.Kind);
        Assert.Equal(AdoptionStatus.Pending, outcome.Adoption);
        Assert.Equal("/CN/520000/520200/", outcome.CommitteePath);
        Assert.Equal(ChinaTime.DayOf(DateTimeOffset.UtcNow), outcome.SubmittedOn);
        Assert.Equal(new[] { authorId, leaderId, memberId }.Order(), outcome.MemberIds.Order());
        Assert.Contains("延链补链", outcome.Text);
        duties = await Duties();
        Assert.Equal(3, duties.Count);
        Assert.Equal(10m, duties[authorId].Points);

        // The .docx report opens as a Word package with the findings in it.
        var docx = await staff.GetAsync($"/api/research/{id}/report.docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using var zip = new ZipArchive(await docx.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        var xml = await reader.ReadToEndAsync();
        Assert.Contains("延链补链", xml);
        Assert.Contains("更新后的正文", xml);
    }

    [Fact]
    public async Task Managing_staff_change_the_team_with_the_creation_rules_until_the_report_is_approved()
    {
        // A 钟山区 project: its staff manage it, leader.520201 approves, member.520201 writes it; 水城区's members are outside its scope.
        const string Staff = Zhongshan, DistrictLeader = "leader.520201", DistrictAuthor = "member.520201";
        var (id, authorId, leaderId, memberId) = await CreateAsync(Staff, "520201", DistrictAuthor, "关于老城区改造中历史建筑保护的调研");
        var staff = await app.ClientAsAsync(Staff);
        var city = await MembersOf("520201", 6, authorId, leaderId, memberId);
        var outside = await MembersOf("520204", 1);
        var inactive = await app.WithDbAsync(async db =>
        {
            var m = await db.Members.FirstAsync(x => x.Id == city[5]);
            m.IsActive = false;
            await db.SaveChangesAsync();
            return m.Id;
        });
        Task<HttpResponseMessage> Put(HttpClient c, object body) => c.PutAsJsonAsync($"/api/research/{id}/team", body);

        // Bad input: field keys and Chinese messages, nothing changed.
        var before = await SnapshotAsync();
        async Task<JsonElement> Bad(object body)
        {
            var res = await Put(staff, body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var json = await Json(res);
            Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
            return json.GetProperty("errors");
        }
        Assert.Contains("不存在", (await Bad(new { leaderId = 99999999, authorId })).GetProperty("leaderId")[0].GetString());
        Assert.Contains("不属于组织单位", (await Bad(new { leaderId = leaderId, authorId = authorId, memberIds = new[] { outside[0] } })).GetProperty("memberIds")[0].GetString());
        Assert.Contains("不在任", (await Bad(new { leaderId = leaderId, authorId = inactive })).GetProperty("authorId")[0].GetString());
        Assert.Contains("不能超过", (await Bad(new { leaderId = leaderId, authorId = authorId, staffNames = Enumerable.Range(1, 21).Select(i => $"干事{i}").ToArray() })).GetProperty("staffNames")[0].GetString());
        Assert.Equal(before, await SnapshotAsync());

        // Wrong role or committee: the author and a member on the team, the leader, another district's staff, a unit.
        await TestAccounts.EnsureAsync(app, "unit.520201.team", Roles.HandlingUnit, "520201");
        foreach (var who in new[] { DistrictAuthor, DistrictLeader, Shuicheng, "member.520204", "unit.520201.team" })
        {
            var res = await Put(await app.ClientAsAsync(who), new { leaderId = city[0], authorId = city[1] });
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)res.StatusCode}");
            Assert.False(string.IsNullOrEmpty(await Detail(res)));
        }
        Assert.Equal(before, await SnapshotAsync());

        // A new line-up; the leader repeated among the members counts once.
        var ok = await Put(staff, new { leaderId = city[0], authorId = authorId, memberIds = new[] { memberId, city[2], city[0] }, staffNames = new[] { "王秘书", "李干事" } });
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var d = await Json(ok);
        var team = d.GetProperty("team").EnumerateArray().Select(t => $"{t.GetProperty("role").GetString()}:{(t.GetProperty("memberId").ValueKind == JsonValueKind.Null ? t.GetProperty("name").GetString() : t.GetProperty("memberId").GetInt32().ToString())}").ToList();
        Assert.Equal([$"leader:{city[0]}", $"author:{authorId}", $"member:{memberId}", $"member:{city[2]}", "staff:王秘书", "staff:李干事"], team);
        Assert.Equal("team", d.GetProperty("events").EnumerateArray().Last().GetProperty("action").GetString());
        Assert.Contains("组长：", d.GetProperty("events").EnumerateArray().Last().GetProperty("note").GetString());
        // The former leader is off the team: no longer readable as a team member's project.
        Assert.DoesNotContain(leaderId, await app.WithDbAsync(db => db.ResearchTeamMembers.Where(t => t.ResearchProjectId == id).Select(t => t.MemberId).ToListAsync()));

        // After the plan is submitted a leader and an author are required.
        Assert.Equal(HttpStatusCode.OK, (await Plan(staff, id, "submit", "调研方案")).StatusCode);
        var noLeader = await Bad(new { authorId = authorId });
        Assert.Contains("组长", noLeader.GetProperty("leaderId")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await Plan(await app.ClientAsAsync(DistrictLeader), id, "approve")).StatusCode);

        // Once the report is approved the team is fixed: 409 and the duty records stay with the approved team.
        var author = await app.ClientAsAsync(DistrictAuthor);
        Assert.Equal(HttpStatusCode.OK, (await author.PutAsJsonAsync($"/api/research/{id}/report", new { title = "报告", body = "<p>正文</p>" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(author, id, "submit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(await app.ClientAsAsync(DistrictLeader), id, "approve")).StatusCode);
        var duties = await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == ResearchRules.DutySource && r.SourceId == id).Select(r => r.MemberId).OrderBy(x => x).ToListAsync());
        Assert.Equal(new[] { city[0], authorId, memberId, city[2] }.Order(), duties);
        var frozen = await SnapshotAsync();
        var late = await Put(staff, new { leaderId = city[3], authorId = authorId });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("审定", await Detail(late));
        Assert.Equal(frozen, await SnapshotAsync());
    }

    [Fact]
    public async Task Cancelling_stops_the_project_and_its_trips_that_have_not_started_and_every_later_action_is_refused()
    {
        var (id, _, _, _) = await CreateAsync(title: "关于城区内涝治理的视察");
        await ApprovePlanAsync(id);
        var staff = await app.ClientAsAsync(City);
        async Task<int> TripAsync(int days)
        {
            var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(days).Date.AddHours(1), TimeSpan.Zero);
            var res = await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", new { kind = "visit", startsAt = start, endsAt = start.AddHours(3), place = "钟山区荷城街道" });
            Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
            return (await Json(res)).GetProperty("activityId").GetInt32();
        }
        var later = await TripAsync(15);
        var started = await TripAsync(16);
        // The second trip has begun (moved into the past as if its day had come).
        await app.WithDbAsync(db => db.Activities.Where(a => a.Id == started).ExecuteUpdateAsync(x => x
            .SetProperty(a => a.StartsAt, DateTimeOffset.UtcNow.AddHours(-1)).SetProperty(a => a.EndsAt, DateTimeOffset.UtcNow.AddHours(2))));

        // Wrong role and committee: refused; no reason: 400; nothing changed.
        var before = await SnapshotAsync();
        foreach (var who in new[] { CityLeader, Author, Zhongshan, "member.520201" })
        {
            var res = await (await app.ClientAsAsync(who)).PostAsJsonAsync($"/api/research/{id}/cancel", new { reason = "越权" });
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who}: {(int)res.StatusCode}");
            Assert.False(string.IsNullOrEmpty(await Detail(res)));
        }
        var noReason = await staff.PostAsJsonAsync($"/api/research/{id}/cancel", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("取消原因", await Detail(noReason));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/research/{id}/cancel", new { reason = new string('因', 501) })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        var ok = await staff.PostAsJsonAsync($"/api/research/{id}/cancel", new { reason = "市委调整了年度视察计划" });
        Assert.True(ok.StatusCode == HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        var d = await Json(ok);
        Assert.Equal("cancelled", d.GetProperty("status").GetString());
        Assert.Contains("市委调整了年度视察计划", d.GetProperty("cancelReason").GetString());
        Assert.False(d.GetProperty("canCancel").GetBoolean());
        Assert.False(d.GetProperty("canEditTeam").GetBoolean());
        Assert.Empty(d.GetProperty("reportActions").EnumerateArray());
        var (laterStatus, laterReason, startedStatus) = await app.WithDbAsync(async db =>
        {
            var a = await db.Activities.FirstAsync(x => x.Id == later);
            var b = await db.Activities.FirstAsync(x => x.Id == started);
            return (a.Status, a.CancelReason, b.Status);
        });
        Assert.Equal(ActivityStatus.Cancelled, laterStatus);
        Assert.Equal("市委调整了年度视察计划", laterReason);
        Assert.Equal(ActivityStatus.Published, startedStatus);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "activity.cancelled" && n.Link == $"/activities/{later}")));

        // Every later action: 409 with a message that says the project is cancelled; nothing changes.
        var after = await SnapshotAsync();
        var author = await app.ClientAsAsync(Author);
        var start = DateTimeOffset.UtcNow.AddDays(30);
        foreach (var (client, method, url, body) in new (HttpClient, string, string, object?)[]
        {
            (staff, "POST", $"/api/research/{id}/plan/actions/submit", new { plan = "再提交" }),
            (staff, "PUT", $"/api/research/{id}/team", new { leaderId = 1, authorId = 1 }),
            (author, "PUT", $"/api/research/{id}/report", new { title = "报告", body = "<p>正文</p>" }),
            (author, "POST", $"/api/research/{id}/report/actions/submit", new { }),
            (staff, "POST", $"/api/research/{id}/fieldwork", new { kind = "visit", startsAt = start, endsAt = start.AddHours(2), place = "某地" }),
            (staff, "POST", $"/api/research/{id}/outputs", new { kind = "speech", title = "发言", text = "内容" }),
            (author, "POST", $"/api/research/{id}/outputs", new { kind = "proposal" }),
            (staff, "POST", $"/api/research/{id}/cancel", new { reason = "再取消" }),
        })
        {
            var res = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
            Assert.True(res.StatusCode == HttpStatusCode.Conflict, $"{method} {url}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
            Assert.Contains("已取消", await Detail(res));
        }
        var upload = await author.PostAsync($"/api/research/{id}/files", new MultipartFormDataContent { { new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1]), "file", "a.png" } });
        Assert.Equal(HttpStatusCode.Conflict, upload.StatusCode);
        Assert.Contains("已取消", await Detail(upload));
        Assert.Equal(after, await SnapshotAsync());

        // A sent report's project cannot be cancelled (the workflow test sends one; here the rule on a fresh project).
        var (sentId, _, _, _) = await CreateAsync(title: "已报送的调研");
        await ApprovePlanAsync(sentId);
        Assert.Equal(HttpStatusCode.OK, (await author.PutAsJsonAsync($"/api/research/{sentId}/report", new { title = "报告", body = "<p>正文</p>" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(author, sentId, "submit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(await app.ClientAsAsync(CityLeader), sentId, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Report(staff, sentId, "send", sentTo: "市委")).StatusCode);
        var tooLate = await staff.PostAsJsonAsync($"/api/research/{sentId}/cancel", new { reason = "想取消" });
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains("已报送", await Detail(tooLate));
    }

    [Fact]
    public async Task A_trip_outside_the_projects_schedule_is_accepted_with_a_warning_in_the_answer_and_on_the_page()
    {
        var authorId = await MemberIdOf(Author);
        var others = await MembersOf("520200", 2, authorId);
        var staff = await app.ClientAsAsync(City);
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var created = await staff.PostAsJsonAsync("/api/research", new
        {
            title = "关于时间安排的调研", kind = "research", organizerCodes = new[] { "520200" }, leaderId = others[0], memberIds = new[] { others[1] }, authorId,
            startsOn = today.AddDays(10), endsOn = today.AddDays(20),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Creating answers {"id":N} only, as the README shows (no null trip fields).
        Assert.Equal(["id"], (await Json(created)).EnumerateObject().Select(p => p.Name).ToArray());
        var id = (await Json(created)).GetProperty("id").GetInt32();
        await ApprovePlanAsync(id);
        var inside = new DateTimeOffset(today.AddDays(12).ToDateTime(new TimeOnly(1, 0)), TimeSpan.Zero);
        var ok = await Json(await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", new { kind = "visit", startsAt = inside, endsAt = inside.AddHours(2), place = "钟山区" }));
        Assert.False(ok.TryGetProperty("warning", out var none) && none.ValueKind == JsonValueKind.String);
        var outside = new DateTimeOffset(today.AddDays(30).ToDateTime(new TimeOnly(1, 0)), TimeSpan.Zero);
        var late = await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", new { kind = "meeting", startsAt = outside, endsAt = outside.AddHours(2), place = "水城区" });
        Assert.Equal(HttpStatusCode.Created, late.StatusCode);
        Assert.Contains("不在项目时间安排", (await Json(late)).GetProperty("warning").GetString());
        var trips = (await Json(await staff.GetAsync($"/api/research/{id}"))).GetProperty("fieldWork").EnumerateArray().ToList();
        Assert.Equal([false, true], trips.Select(t => t.GetProperty("outsideSchedule").GetBoolean()).ToArray());
        var page = await (await app.SignedInPageClientAsync(City)).GetHtmlAsync($"/research/{id}");
        Assert.Contains($"不在项目时间安排（{today.AddDays(10):yyyy-MM-dd} 至 {today.AddDays(20):yyyy-MM-dd}）内", page);
    }

    [Fact]
    public async Task Field_work_is_an_activity_with_the_team_invited_and_its_attendance_counted()
    {
        var (id, authorId, leaderId, memberId) = await CreateAsync();
        var staff = await app.ClientAsAsync(City);
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(20).Date.AddHours(1), TimeSpan.Zero);
        var body = new { kind = "visit", startsAt = start, endsAt = start.AddHours(4), place = "水城区米箩镇", note = "走访猕猴桃种植基地" };
        var early = await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", body);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("方案批准后", await Detail(early));
        await ApprovePlanAsync(id);
        var before = await SnapshotAsync();
        var bad = await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", new { kind = "trip", startsAt = start, endsAt = start.AddHours(-1), place = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Json(bad)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("kind", out _));
        Assert.True(errors.TryGetProperty("endsAt", out _));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Author)).PostAsJsonAsync($"/api/research/{id}/fieldwork", body)).StatusCode);

        var res = await staff.PostAsJsonAsync($"/api/research/{id}/fieldwork", body);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var activityId = (await Json(res)).GetProperty("activityId").GetInt32();
        var (type, status, invited) = await app.WithDbAsync(async db =>
        {
            var a = await db.Activities.FirstAsync(x => x.Id == activityId);
            return (a.Type, a.Status, await db.Invitations.Where(i => i.ActivityId == activityId).Select(i => i.MemberId).OrderBy(x => x).ToListAsync());
        });
        Assert.Equal(ActivityType.Research, type);
        Assert.Equal(ActivityStatus.Published, status);
        Assert.Equal(new[] { authorId, leaderId, memberId }.Order(), invited);
        var d = await Json(await staff.GetAsync($"/api/research/{id}"));
        Assert.Equal("fieldwork", d.GetProperty("status").GetString());
        var trip = d.GetProperty("fieldWork")[0];
        Assert.Equal(activityId, trip.GetProperty("activityId").GetInt32());
        Assert.Equal("visit", trip.GetProperty("kind").GetString());
        Assert.Equal(3, trip.GetProperty("invited").GetInt32());
        Assert.Equal(0, trip.GetProperty("present").GetInt32());
        // The trip's invitation reached the author like any activity's.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(Author)).GetAsync($"/api/activities/{activityId}")).StatusCode);
        // A trip still to come is 尚未举行 in the .docx, not 「出席 0 人」; the project has no schedule, so no warning.
        Assert.False(trip.GetProperty("outsideSchedule").GetBoolean());
        Assert.False((await Json(res)).TryGetProperty("warning", out var w) && w.ValueKind == JsonValueKind.String);
        var docx = await staff.GetAsync($"/api/research/{id}/report.docx");
        using (var zip = new ZipArchive(await docx.Content.ReadAsStreamAsync()))
        using (var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open()))
        {
            var xml = await reader.ReadToEndAsync();
            Assert.Contains("尚未举行", xml);
            Assert.DoesNotContain("出席 0 人", xml);
        }
    }

    [Fact]
    public async Task Records_and_photos_are_checked_for_type_and_size_and_images_come_back()
    {
        var (id, _, _, _) = await CreateAsync();
        var author = await app.ClientAsAsync(Author);
        static MultipartFormDataContent Form(byte[] bytes, string name, string caption = "")
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", name);
            form.Add(new StringContent(caption), "caption");
            return form;
        }
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
        var before = await SnapshotAsync();
        foreach (var (bytes, name, why) in new[]
        {
            (new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, "tool.exe", "JPG"),
            ("<html>not an image</html>"u8.ToArray(), "photo.png", "扩展名一致"),
            (Array.Empty<byte>(), "empty.jpg", "文件"),
            (new byte[ResearchRules.MaxFileBytes + 1], "big.pdf", "10 MB"),
        })
        {
            var res = await author.PostAsync($"/api/research/{id}/files", Form(bytes, name));
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains(why, await Detail(res));
        }
        Assert.Equal(before, await SnapshotAsync());

        var ok = await author.PostAsync($"/api/research/{id}/files", Form(png, "座谈会.png", "座谈会现场"));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var f = await Json(ok);
        Assert.True(f.GetProperty("isImage").GetBoolean());
        Assert.Equal("image/png", f.GetProperty("contentType").GetString());
        var get = await author.GetAsync(f.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("image/png", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await get.Content.ReadAsByteArrayAsync());
        var d = await Json(await author.GetAsync($"/api/research/{id}"));
        Assert.Equal("座谈会现场", d.GetProperty("files")[0].GetProperty("caption").GetString());
    }

    [Fact]
    public async Task Outputs_make_proposal_and_opinion_drafts_through_their_slices_a_recommendation_and_a_speech_each_linked()
    {
        await ProposalScenario.EnsureSessionAsync(app, "520200");
        var (id, authorId, _, _) = await CreateAsync(title: "关于加快发展猕猴桃产业的调研");
        await ApprovePlanAsync(id);
        var author = await app.ClientAsAsync(Author);
        Assert.Equal(HttpStatusCode.OK, (await author.PutAsJsonAsync($"/api/research/{id}/report", new
        {
            title = "报告", body = "<p>正文</p>", findings = "冷链物流不足", suggestions = "建设产地冷库",
        })).StatusCode);
        var staff = await app.ClientAsAsync(City);

        // The author (a team member) turns it into their own proposal draft.
        var res = await author.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "proposal" });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var created = await Json(res);
        var proposalId = created.GetProperty("targetId").GetInt32();
        Assert.Equal($"/proposals/{proposalId}", created.GetProperty("link").GetString());
        var proposal = await app.WithDbAsync(db => db.Proposals.FirstAsync(p => p.Id == proposalId));
        Assert.Equal(ProposalStatus.Draft, proposal.Status);
        Assert.Equal(authorId, proposal.ProposerMemberId);
        Assert.Equal("关于加快发展猕猴桃产业的调研", proposal.Title);
        Assert.Contains("建设产地冷库", proposal.Body);
        Assert.Contains("冷链物流不足", proposal.Body);
        // A second proposal draft from the same project is refused (409 naming the first), by staff as by the author; nothing changes.
        var snapshot = await SnapshotAsync();
        var proposalsBefore = await app.WithDbAsync(db => db.Proposals.CountAsync());
        var again = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "proposal", title = "关于建设产地冷库的提案" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var againBody = await Json(again);
        Assert.Contains($"「关于加快发展猕猴桃产业的调研」（编号 {proposalId}）", againBody.GetProperty("detail").GetString());
        Assert.Equal(againBody.GetProperty("detail").GetString(), againBody.GetProperty("errors").GetProperty("kind")[0].GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await author.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "proposal" })).StatusCode);
        Assert.Equal(snapshot, await SnapshotAsync());
        Assert.Equal(proposalsBefore, await app.WithDbAsync(db => db.Proposals.CountAsync()));

        // A public-opinion draft, written for the author by staff.
        var op = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "opinion" });
        Assert.Equal(HttpStatusCode.Created, op.StatusCode);
        var opinionId = (await Json(op)).GetProperty("targetId").GetInt32();
        var opinion = await app.WithDbAsync(db => db.OpinionItems.FirstAsync(o => o.Id == opinionId));
        Assert.Equal(authorId, opinion.AuthorMemberId);
        Assert.Contains("建设产地冷库", opinion.Body);
        var secondOpinion = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "opinion" });
        Assert.Equal(HttpStatusCode.Conflict, secondOpinion.StatusCode);
        Assert.Contains($"（编号 {opinionId}）", await Detail(secondOpinion));

        // A recommendation is an outcome; a speech stays on the output row. Members may not register those.
        Assert.Equal(HttpStatusCode.Forbidden, (await author.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "recommendation", title = "建议", text = "内容" })).StatusCode);
        var before = await SnapshotAsync();
        var badSpeech = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "speech", title = "发言" });
        Assert.Equal(HttpStatusCode.BadRequest, badSpeech.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "poem" })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());
        var rec = await Json(await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "recommendation", title = "关于建设产地冷库的建议", text = "由市农业农村局牵头……" }));
        var outcome = await app.WithDbAsync(db => db.Outcomes.FirstAsync(o => o.Id == rec.GetProperty("targetId").GetInt32()));
        Assert.Equal(OutcomeKind.Recommendation, outcome.Kind);
        Assert.Equal(WorkItemType.Research, outcome.SourceType);
        Assert.Equal(id, outcome.SourceId);
        Assert.Equal(AdoptionStatus.Pending, outcome.Adoption);
        var speech = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "speech", title = "做强猕猴桃产业", text = "各位委员……", memberId = authorId });
        Assert.Equal(HttpStatusCode.Created, speech.StatusCode);

        var links = (await app.WithDbAsync(db => db.WorkLinks.Where(l => l.FromType == WorkItemType.Research && l.FromId == id).OrderBy(l => l.Id).ToListAsync()))
            .Select(l => $"{l.ToType}:{l.ToId}").ToList();
        Assert.Equal([$"Proposal:{proposalId}", $"OpinionItem:{opinionId}", $"Outcome:{outcome.Id}"], links);
        // Recommendations and speeches may be several.
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "speech", title = "第二篇发言", text = "……" })).StatusCode);
        var d = await Json(await staff.GetAsync($"/api/research/{id}"));
        var outputs = d.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["proposal", "opinion", "recommendation", "speech", "speech"], outputs.Select(o => o.GetProperty("kind").GetString()!).ToArray());
        Assert.Equal("各位委员……", outputs[3].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Staff_turning_a_project_into_a_proposal_are_told_it_waits_in_the_authors_drafts_and_the_author_is_notified()
    {
        await ProposalScenario.EnsureSessionAsync(app, "520200");
        var (id, authorId, _, _) = await CreateAsync(title: "关于城区停车设施建设的调研");
        await ApprovePlanAsync(id);
        var staff = await app.ClientAsAsync(City);
        var authorName = await app.WithDbAsync(db => db.Members.Where(m => m.Id == authorId).Select(m => m.Name).FirstAsync());

        var res = await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "proposal" });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var created = await Json(res);
        var proposalId = created.GetProperty("targetId").GetInt32();
        var outputId = created.GetProperty("id").GetInt32();
        // The proposals slice keeps a member's draft to the member: staff are not sent to a page that answers 404.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/api/proposals/{proposalId}")).StatusCode);
        Assert.False(created.GetProperty("canOpen").GetBoolean());
        Assert.Equal($"/research/{id}#output-{outputId}", created.GetProperty("link").GetString());
        Assert.Equal($"/research/{id}#output-{outputId}", res.Headers.Location!.OriginalString);
        Assert.Equal("草稿", created.GetProperty("state").GetString());
        Assert.Equal(authorName, created.GetProperty("waitsWith").GetString());
        Assert.Contains($"草稿在执笔人{authorName}的草稿中", created.GetProperty("message").GetString());
        var proposal = await app.WithDbAsync(db => db.Proposals.FirstAsync(p => p.Id == proposalId));
        Assert.Equal(authorId, proposal.ProposerMemberId);
        var notice = await app.WithDbAsync(db => db.Notifications.Where(n => n.MemberId == authorId && n.Kind == "research.output.proposal").SingleAsync());
        Assert.Equal($"/proposals/{proposalId}", notice.Link);
        Assert.Contains("关于城区停车设施建设的调研", notice.Body);

        // Staff's view lists the draft with its state and no link; the author's view links it.
        var staffOut = (await Json(await staff.GetAsync($"/api/research/{id}"))).GetProperty("outputs")[0];
        Assert.False(staffOut.GetProperty("canOpen").GetBoolean());
        Assert.Equal("草稿", staffOut.GetProperty("state").GetString());
        Assert.Equal(authorName, staffOut.GetProperty("waitsWith").GetString());
        var author = await app.ClientAsAsync(Author);
        Assert.Equal(HttpStatusCode.OK, (await author.GetAsync($"/api/proposals/{proposalId}")).StatusCode);
        var authorOut = (await Json(await author.GetAsync($"/api/research/{id}"))).GetProperty("outputs")[0];
        Assert.True(authorOut.GetProperty("canOpen").GetBoolean());
        Assert.Equal($"/proposals/{proposalId}", authorOut.GetProperty("link").GetString());

        // An opinion draft staff write for the author is one staff may open (the opinions slice shows its creator).
        var op = await Json(await staff.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "opinion" }));
        Assert.True(op.GetProperty("canOpen").GetBoolean());
        Assert.Equal($"/opinions/{op.GetProperty("targetId").GetInt32()}", op.GetProperty("link").GetString());
    }

    [Fact]
    public async Task Single_field_refusals_carry_errors_by_field_like_validation_problems()
    {
        var (id, _, _, _) = await CreateAsync(title: "关于错误格式的调研");
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await Plan(staff, id, "submit", plan: "走访")).StatusCode);
        var leader = await app.ClientAsAsync(CityLeader);
        var before = await SnapshotAsync();
        var noNote = await Plan(leader, id, "return");
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        var body = await Json(noNote);
        Assert.Equal("退回调研方案须写明理由。", body.GetProperty("errors").GetProperty("note")[0].GetString());
        Assert.Equal("note", body.GetProperty("field").GetString());
        var noReason = await staff.PostAsJsonAsync($"/api/research/{id}/cancel", new { reason = "" });
        Assert.Equal("请填写取消原因。", (await Json(noReason)).GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Another_district_a_member_not_on_the_team_and_a_handling_unit_are_refused_on_every_endpoint()
    {
        // A 水城区 project with 水城区 members; 钟山区 staff, a city member not on its team and a unit try everything.
        var (id, _, _, _) = await CreateAsync(Shuicheng, "520204", "member.520204", "关于水城区农村饮水安全的视察");
        var owner = await app.ClientAsAsync(Shuicheng);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 9];
        var upload = new MultipartFormDataContent { { new ByteArrayContent(png), "file", "a.png" } };
        var fileId = (await Json(await owner.PostAsync($"/api/research/{id}/files", upload))).GetProperty("id").GetInt32();
        await TestAccounts.EnsureAsync(app, "unit.520204.research", Roles.HandlingUnit, "520204");
        var start = DateTimeOffset.UtcNow.AddDays(10);
        var writes = new (string Method, string Url, object? Body)[]
        {
            ("POST", $"/api/research/{id}/plan/actions/submit", new { plan = "越权方案" }),
            ("POST", $"/api/research/{id}/plan/actions/approve", new { }),
            ("PUT", $"/api/research/{id}/report", new { title = "越权", body = "<p>越权</p>" }),
            ("POST", $"/api/research/{id}/report/actions/submit", new { }),
            ("POST", $"/api/research/{id}/report/actions/send", new { sentTo = "区委" }),
            ("POST", $"/api/research/{id}/fieldwork", new { kind = "visit", startsAt = start, endsAt = start.AddHours(2), place = "某地" }),
            ("POST", $"/api/research/{id}/outputs", new { kind = "speech", title = "越权", text = "越权" }),
            ("POST", $"/api/research/{id}/outputs", new { kind = "proposal" }),
        };
        var reads = new[] { $"/api/research/{id}", $"/api/research/files/{fileId}", $"/api/research/{id}/report.docx" };
        var before = await SnapshotAsync();
        foreach (var who in new[] { Zhongshan, "leader.520201", Author, "member.520201", "unit.520204.research" })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var (method, url, body) in writes)
            {
                var res = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(body) });
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} {method} {url}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty(await Detail(res)), $"{who} {method} {url}: no Chinese message");
            }
            var file = await client.PostAsync($"/api/research/{id}/files", new MultipartFormDataContent { { new ByteArrayContent(png), "file", "b.png" } });
            Assert.True(file.StatusCode == HttpStatusCode.Forbidden, $"{who} upload: {(int)file.StatusCode}");
            foreach (var url in reads)
            {
                var res = await client.GetAsync(url);
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} GET {url}: {(int)res.StatusCode}");
            }
            // The list does not show it; naming the other committee is refused.
            var list = await Json(await client.GetAsync("/api/research"));
            Assert.DoesNotContain(list.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/research?committee=520204")).StatusCode);
        }
        Assert.Equal(before, await SnapshotAsync());

        // The right people see it: its staff, the city above it, the team's member (read only).
        foreach (var who in new[] { Shuicheng, City, CityLeader, "member.520204" })
        {
            var list = await Json(await (await app.ClientAsAsync(who)).GetAsync("/api/research"));
            Assert.Contains(list.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        }
        var teamMember = await app.ClientAsAsync("member.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await Plan(teamMember, id, "submit", "方案")).StatusCode);
        var cityList = await Json(await (await app.ClientAsAsync(City)).GetAsync("/api/research?committee=520204&kind=research&status=planning"));
        Assert.All(cityList.EnumerateArray(), x => Assert.Equal("planning", x.GetProperty("status").GetString()));
        Assert.Contains(cityList.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/research?status=bogus")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/research/99999999")).StatusCode);
    }

    [Fact]
    public async Task A_sibling_sub_project_and_its_report_are_readable_by_another_joining_committee_only_once_shared()
    {
        // A city same-topic parent with sub-projects of 钟山区 and 水城区 (rows as the same-topic slice makes them).
        var (parent, _, _, _) = await CreateAsync(title: "同题调研：城乡供水一体化");
        var (zs, _, _, _) = await CreateAsync(Zhongshan, "520201", "member.520201", "钟山区：城乡供水一体化");
        var (sc, _, _, _) = await CreateAsync(Shuicheng, "520204", "member.520204", "水城区：城乡供水一体化");
        await app.WithDbAsync(async db =>
        {
            await db.ResearchProjects.Where(p => p.Id == parent).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsJoint, true));
            await db.ResearchProjects.Where(p => p.Id == zs || p.Id == sc).ExecuteUpdateAsync(s => s.SetProperty(p => p.ParentId, parent));
            return 0;
        });
        var zhongshan = await app.ClientAsAsync(Zhongshan);
        // The parent and its own sub-project: yes; the sibling: not before it is shared.
        Assert.Equal(HttpStatusCode.OK, (await zhongshan.GetAsync($"/api/research/{parent}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await zhongshan.GetAsync($"/api/research/{zs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.GetAsync($"/api/research/{sc}")).StatusCode);
        // The city (parent's organiser) reads both.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(City)).GetAsync($"/api/research/{sc}")).StatusCode);
        await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == sc).ExecuteUpdateAsync(s => s.SetProperty(p => p.SharedAt, DateTimeOffset.UtcNow)));
        var shared = await Json(await zhongshan.GetAsync($"/api/research/{sc}"));
        Assert.Equal(JsonValueKind.Object, shared.GetProperty("report").ValueKind);
        Assert.False(shared.GetProperty("canManage").GetBoolean());
        // Reading a shared sibling's report gives no right to act on it.
        Assert.Equal(HttpStatusCode.Forbidden, (await Plan(zhongshan, sc, "submit", "越权")).StatusCode);
        // The rule the same-topic slice relies on.
        var project = new ResearchProject { ParentId = parent, SharedAt = null };
        var user = new CurrentUser(Zhongshan, new HashSet<string> { Roles.Staff }, 1, "520201", "/CN/520000/520200/520201/", null);
        Assert.False(ResearchAccess.CanReadReport(user, project, siblingOfUserCommittee: true));
        Assert.True(ResearchAccess.CanReadReport(user, project, siblingOfUserCommittee: false));
        project.SharedAt = DateTimeOffset.UtcNow;
        Assert.True(ResearchAccess.CanReadReport(user, project, siblingOfUserCommittee: true));
    }
}

public sealed class ResearchApiSqliteTests(SqliteAppFactory app) : ResearchApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ResearchApiPostgresTests(PostgresAppFactory app) : ResearchApiTests(app), IClassFixture<PostgresAppFactory>;
