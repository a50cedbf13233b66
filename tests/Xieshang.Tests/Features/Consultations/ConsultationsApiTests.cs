using Xieshang.Web.Features.Outcomes;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;

namespace Xieshang.Tests.Features.Consultations;

/// <summary>
/// The consultations API: the yearly plan (topics suggested, reviewed, scheduled, published; drafts staff-only), a
/// consultation from topic to closed with its meeting as an activity (invitations by the activities mechanism), deadlines
/// on the working-day calendar, non-members entered by staff and registered through a link (revoked, bad input), the
/// recommendations' adoption, instructions (duty records), progress, the .docx report, and every endpoint refused to the
/// wrong role and the wrong committee with nothing changed.
/// </summary>
public abstract class ConsultationsApiTests(AppFactory app)
{
    private const string Staff = "staff.520200", OtherDistrict = "staff.520204", District = "staff.520201", Leader = "leader.520200", Member = "member.520200";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).GetProperty("detail").GetString() ?? "";

    private async Task<int> CreateAsync(HttpClient client, string committee = "520200", string type = "thematic", string title = "关于推进乡村旅游高质量发展的专题协商")
    {
        var res = await client.PostAsJsonAsync("/api/consultations", new { committee, title, type, summary = "背景" });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var json = await Json(res);
        Assert.Equal("topic", json.GetProperty("status").GetString());
        return json.GetProperty("id").GetInt32();
    }

    /// <summary>Moves the consultation's meeting (and its activity) into the past, as time would.</summary>
    private Task MeetingHeldAsync(int id) => app.WithDbAsync(async db =>
    {
        var c = await db.Consultations.FirstAsync(x => x.Id == id);
        var a = await db.Activities.FirstAsync(x => x.Id == c.ActivityId);
        a.StartsAt = DateTimeOffset.UtcNow.AddHours(-3);
        a.EndsAt = DateTimeOffset.UtcNow.AddHours(-1);
        c.MeetingAt = a.StartsAt;
        c.MeetingEndsAt = a.EndsAt;
        await db.SaveChangesAsync();
        return 0;
    });

    private static Task<HttpResponseMessage> Act(HttpClient client, int id, string action) =>
        client.PostAsJsonAsync($"/api/consultations/{id}/actions/{action}", new { note = "" });

    [Fact]
    public async Task A_consultation_goes_from_topic_to_closed_with_its_meeting_as_an_activity_deadlines_duty_records_and_a_report()
    {
        var staff = await app.ClientAsAsync(Staff);
        var member = await app.ClientAsAsync(Member);
        var id = await CreateAsync(staff);

        // Before the notice a member does not see it; the district office does not either.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/consultations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(District)).GetAsync($"/api/consultations/{id}")).StatusCode);

        // Notifying without a meeting is refused in Chinese.
        var early = await Act(staff, id, "notify");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("请先安排会议", await Detail(early));

        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(40).Date.AddHours(1), TimeSpan.Zero);
        var meeting = await staff.PutAsJsonAsync($"/api/consultations/{id}/meeting",
            new { startsAt = start, endsAt = start.AddHours(3), place = "市政协三楼会议室", invitees = new { committees = new[] { "520200" } } });
        Assert.Equal(HttpStatusCode.OK, meeting.StatusCode);
        var d = await Json(meeting);
        var activityId = d.GetProperty("activityId").GetInt32();
        var deadlines = d.GetProperty("deadlines").EnumerateArray().ToList();
        Assert.Equal(["notice", "materials", "minutes"], deadlines.Select(x => x.GetProperty("code").GetString()!).ToArray());
        var meetingDay = ChinaTime.DayOf(start);
        var calendar = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, meetingDay, meetingDay, CancellationToken.None));
        var noticeDue = DateOnly.Parse(deadlines[0].GetProperty("due").GetString()!);
        // The 15th working day before the meeting day: 14 working days lie strictly between them.
        Assert.Equal(14, calendar.WorkingDaysBetween(noticeDue, meetingDay.AddDays(-1)));
        Assert.True(calendar.IsWorkingDay(noticeDue));
        Assert.Equal(9, calendar.WorkingDaysBetween(DateOnly.Parse(deadlines[1].GetProperty("due").GetString()!), meetingDay.AddDays(-1)));
        Assert.Equal(calendar.AddWorkingDays(meetingDay, 7), DateOnly.Parse(deadlines[2].GetProperty("due").GetString()!));
        Assert.Equal("due", deadlines[0].GetProperty("state").GetString());
        var activity = await app.WithDbAsync(db => db.Activities.FirstAsync(a => a.Id == activityId));
        Assert.Equal(ActivityType.Consultation, activity.Type);
        Assert.Equal(ActivityStatus.Draft, activity.Status);

        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "research")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "notify")).StatusCode);
        // The notice published the activity: invitations by the activities mechanism, and the member now sees the consultation.
        var memberId = await TestActivities.MemberIdOfAsync(app, Member);
        Assert.True(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == activityId && i.MemberId == memberId)));
        var seen = await member.GetFromJsonAsync<JsonElement>($"/api/consultations/{id}");
        Assert.Equal("notice", seen.GetProperty("status").GetString());
        Assert.Equal("done", seen.GetProperty("deadlines")[0].GetProperty("state").GetString());
        Assert.Empty(seen.GetProperty("actions").EnumerateArray());
        Assert.Contains((await member.GetFromJsonAsync<JsonElement>("/api/consultations")).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);

        // The meeting cannot be marked held before it starts.
        Assert.Equal(HttpStatusCode.Conflict, (await Act(staff, id, "meet")).StatusCode);
        await MeetingHeldAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "meet")).StatusCode);

        var minutes = await staff.PutAsJsonAsync($"/api/consultations/{id}/minutes",
            new { minutes = "<p>会议纪要<script>alert(1)</script></p>", consensus = "发展乡村旅游须先补齐道路短板。", divergences = "门票收费与否意见不一。" });
        Assert.Equal(HttpStatusCode.OK, minutes.StatusCode);
        var saved = await Json(minutes);
        Assert.DoesNotContain("script", saved.GetProperty("minutes").GetString());
        Assert.Contains("会议纪要", saved.GetProperty("minutes").GetString());

        var rec = await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations", new { title = "建设乡村旅游环线公路", text = "分三年建设。", memberIds = new[] { memberId } });
        Assert.Equal(HttpStatusCode.Created, rec.StatusCode);
        var recId = (await Json(rec)).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "minutes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "submit")).StatusCode);
        // Implementation needs an adopted recommendation; adoption needs the adopting body.
        Assert.Equal(HttpStatusCode.Conflict, (await Act(staff, id, "implement")).StatusCode);
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");
        var noBody = await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/adoption", new { status = "adopted", body = "", on = today });
        Assert.Equal(HttpStatusCode.BadRequest, noBody.StatusCode);
        Assert.Contains("采纳单位", await Detail(noBody));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/adoption", new { status = "adopted", body = "六盘水市人民政府", on = today })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/instructions",
            new { leaderName = "张市长", level = "city", text = "请交通局研究落实。", on = today })).StatusCode);
        var duty = await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == ConsultationRules.DutySource && r.SourceId == id).ToListAsync());
        Assert.Equal("instruction", Assert.Single(duty).RuleCode);
        Assert.Equal(memberId, duty[0].MemberId);
        Assert.True(duty[0].Points > 0);

        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "implement")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/milestones", new { title = "完成规划设计", dueOn = today })).StatusCode);
        var bad = await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/progress", new { percent = 120, evidence = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("0 到 100", await Detail(bad));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/progress", new { percent = 60, evidence = "已完成一期。" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "feedback")).StatusCode);
        var close = await Act(staff, id, "close");
        Assert.Equal(HttpStatusCode.Conflict, close.StatusCode);
        Assert.Contains("尚未落实完毕", await Detail(close));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations/{recId}/progress", new { percent = 100 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "close")).StatusCode);

        var final = await staff.GetFromJsonAsync<JsonElement>($"/api/consultations/{id}");
        Assert.Equal("closed", final.GetProperty("status").GetString());
        var r = final.GetProperty("recommendations")[0];
        Assert.Equal(100, r.GetProperty("percent").GetInt32());
        Assert.Equal(today, r.GetProperty("implementedOn").GetString());
        Assert.Equal(["create", "meeting", "research", "notify", "meet", "minutes-saved", "minutes", "submit", "implement", "feedback", "close"],
            final.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());

        // The report: topic, consensus, divergences, the recommendation with adoption and progress.
        var docx = await staff.GetAsync($"/api/consultations/{id}/report.docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()));
        var xml = new StreamReader(zip.GetEntry("word/document.xml")!.Open()).ReadToEnd();
        foreach (var text in new[] { "关于推进乡村旅游高质量发展的专题协商", "专题协商", "发展乡村旅游须先补齐道路短板。", "门票收费与否意见不一。", "建设乡村旅游环线公路", "六盘水市人民政府", "落实进度：100%", "张市长" })
            Assert.Contains(text, xml);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/consultations/{id}/report.docx")).StatusCode);
    }

    [Fact]
    public async Task The_plan_takes_suggested_topics_through_review_and_publishing_and_drafts_stay_with_staff()
    {
        var staff = await app.ClientAsAsync(Staff);
        var year = ChinaTime.YearOf(DateTimeOffset.UtcNow) + 1;
        var planRes = await staff.PostAsJsonAsync("/api/consultations/plans", new { committee = "520200", year });
        Assert.Equal(HttpStatusCode.OK, planRes.StatusCode);
        var planId = (await Json(planRes)).GetProperty("id").GetInt32();
        var (special, sector, party, lower) = await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520200");
            return (await db.SpecialCommittees.Where(s => s.CommitteeId == c.Id).Select(s => s.Id).FirstAsync(),
                await db.Sectors.Where(s => s.CommitteeId == c.Id).Select(s => s.Id).FirstAsync(),
                await db.Parties.Select(p => p.Code).FirstAsync(),
                await db.Committees.Where(x => x.Code == "520201").Select(x => x.Id).FirstAsync());
        });
        async Task<int> Topic(string title, string kind, string which)
        {
            var res = await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics", new { title, reason = "理由", suggesterKind = kind, suggester = which });
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            return (await Json(res)).GetProperty("id").GetInt32();
        }
        var t1 = await Topic("营商环境优化", "party", party);
        var t2 = await Topic("职业教育产教融合", "special", special.ToString());
        var t3 = await Topic("山地旅游", "sector", sector.ToString());
        var t4 = await Topic("城乡供水一体化", "lower", lower.ToString());
        var wrong = await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics", new { title = "x", suggesterKind = "lower", suggester = "999999" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("建议单位", await Detail(wrong));

        // Reject needs a reason; nothing changes without it.
        var noReason = await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t4}/actions/reject", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("理由", await Detail(noReason));
        Assert.Equal(PlanTopicStatus.Suggested, await app.WithDbAsync(db => db.ConsultationPlanTopics.Where(t => t.Id == t4).Select(t => t.Status).FirstAsync()));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t4}/actions/reject", new { reason = "已列入政府工作要点" })).StatusCode);
        // Scheduling before approval is not an edge.
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t1}/actions/schedule", new { month = 5, type = "thematic" })).StatusCode);
        // Publishing with nothing scheduled is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/consultations/plans/{planId}/actions/publish", null)).StatusCode);
        foreach (var t in new[] { t1, t2, t3 })
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t}/actions/approve", new { })).StatusCode);
        var badMonth = await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t1}/actions/schedule", new { month = 13, type = "thematic" });
        Assert.Equal(HttpStatusCode.BadRequest, badMonth.StatusCode);
        Assert.Contains("月份", await Detail(badMonth));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t1}/actions/schedule",
            new { month = 5, type = "counterpart", leadSpecialCommitteeId = special })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics/{t2}/actions/schedule", new { on = $"{year}-09-16", type = "thematic" })).StatusCode);

        // A draft: the member and the leader do not see it.
        var member = await app.ClientAsAsync(Member);
        var leader = await app.ClientAsAsync(Leader);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/consultations/plans/{planId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync($"/api/consultations/plans/{planId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/consultations/plans/{planId}/actions/publish", null)).StatusCode);

        var seen = await member.GetFromJsonAsync<JsonElement>($"/api/consultations/plans/{planId}");
        Assert.Equal("published", seen.GetProperty("status").GetString());
        var topics = seen.GetProperty("topics").EnumerateArray().ToList();
        Assert.Equal(["营商环境优化", "职业教育产教融合"], topics.Select(t => t.GetProperty("title").GetString()!).ToArray());
        Assert.Equal(9, topics[1].GetProperty("plannedMonth").GetInt32());
        Assert.Equal("对口协商", topics[0].GetProperty("typeName").GetString());
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/api/consultations/plans/{planId}")).StatusCode);
        // Another district's staff and a member of another committee do not see it.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(OtherDistrict)).GetAsync($"/api/consultations/plans/{planId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/consultations/plans/{planId}")).StatusCode);

        // A consultation carries out a scheduled topic of its own committee only.
        var cRes = await staff.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "营商环境优化对口协商", type = "counterpart", planTopicId = t1 });
        Assert.Equal(HttpStatusCode.Created, cRes.StatusCode);
        var district = await app.ClientAsAsync(District);
        var other = await district.PostAsJsonAsync("/api/consultations", new { committee = "520201", title = "x", type = "thematic", planTopicId = t1 });
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Non_members_are_entered_by_staff_or_register_through_a_link_that_can_be_revoked()
    {
        var staff = await app.ClientAsAsync(Staff);
        var id = await CreateAsync(staff, type: "courtyard", title: "院坝协商：村道硬化");
        foreach (var (name, cat) in new[] { ("杨𬱖", "official"), ("阿依古丽·买买提", "villager") })
        {
            var res = await staff.PostAsJsonAsync($"/api/consultations/{id}/participants", new { name, organization = "海坪村", role = "村民代表", category = cat, phone = "13800000001" });
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);
            Assert.Equal(name, (await Json(res)).GetProperty("name").GetString());
        }
        var dup = await staff.PostAsJsonAsync($"/api/consultations/{id}/participants", new { name = "杨𬱖", organization = "海坪村", category = "official", phone = "13800000001" });
        Assert.Equal(HttpStatusCode.Conflict, dup.StatusCode);

        var linkRes = await staff.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "海坪村", maxRegistrations = 2 });
        Assert.Equal(HttpStatusCode.Created, linkRes.StatusCode);
        var link = await Json(linkRes);
        var token = link.GetProperty("url").GetString()!["/c/".Length..];
        Assert.True(token.Length >= 40);

        var anon = app.CreateClient();
        var info = await anon.GetFromJsonAsync<JsonElement>($"/api/consultations/register/{token}");
        Assert.True(info.GetProperty("open").GetBoolean());
        Assert.Equal("院坝协商：村道硬化", info.GetProperty("title").GetString());

        var count = () => app.WithDbAsync(db => db.ConsultationParticipants.CountAsync(p => p.ConsultationId == id));
        var before = await count();
        var badPhone = await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = "王·小二", organization = "海坪村", category = "villager", phone = "12345" });
        Assert.Equal(HttpStatusCode.BadRequest, badPhone.StatusCode);
        Assert.Contains("手机号码", await Detail(badPhone));
        var noName = await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = " ", organization = "海坪村", category = "villager" });
        Assert.Contains("姓名", await Detail(noName));
        Assert.Equal(before, await count());

        var ok = await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = "龙𬱖·阿妹", organization = "海坪村", role = "村民", category = "villager", phone = "" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal("", (await Json(ok)).GetProperty("phone").GetString());
        var again = await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = "龙𬱖·阿妹", organization = "海坪村", role = "村民", category = "villager" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已报名", await Detail(again));
        Assert.Equal(HttpStatusCode.Created, (await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = "张三", organization = "某银行", category = "banker", phone = "13900000000" })).StatusCode);
        var full = await anon.PostAsJsonAsync($"/api/consultations/register/{token}", new { name = "李四", organization = "海坪村", category = "villager" });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("已满", await Detail(full));

        var d = await staff.GetFromJsonAsync<JsonElement>($"/api/consultations/{id}");
        var names = d.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("龙𬱖·阿妹", names);
        Assert.Contains("阿依古丽·买买提", names);
        Assert.True(d.GetProperty("grassroots").GetBoolean());
        // Non-members by category: objects with their fields (a list of value tuples would serialise as empty objects).
        var attendance = d.GetProperty("attendance");
        Assert.Equal(4, attendance.GetProperty("nonMembers").GetInt32());
        var byCategory = attendance.GetProperty("byCategory").EnumerateArray()
            .Select(c => (c.GetProperty("category").GetString(), c.GetProperty("name").GetString(), c.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("official", "党政部门干部", 1), ("banker", "金融机构人员", 1), ("villager", "村（居）民", 2)], byCategory);
        var report = await staff.GetAsync($"/api/consultations/{id}/report.docx");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        using (var zip = new ZipArchive(new MemoryStream(await report.Content.ReadAsByteArrayAsync())))
            Assert.Contains("党政部门干部 1 人，金融机构人员 1 人，村（居）民 2 人", new StreamReader(zip.GetEntry("word/document.xml")!.Open()).ReadToEnd());

        var second = await Json(await staff.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "二组" }));
        var token2 = second.GetProperty("url").GetString()!["/c/".Length..];
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/consultations/{id}/links/{second.GetProperty("id").GetInt32()}/revoke", null)).StatusCode);
        var revoked = await anon.PostAsJsonAsync($"/api/consultations/register/{token2}", new { name = "赵五", organization = "海坪村", category = "villager" });
        Assert.Equal(HttpStatusCode.Gone, revoked.StatusCode);
        Assert.Contains("已停用", await Detail(revoked));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.PostAsJsonAsync("/api/consultations/register/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", new { name = "赵五", organization = "x", category = "villager" })).StatusCode);
        // A non-member never reaches the consultation itself.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync($"/api/consultations/{id}")).StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_refuses_the_wrong_role_and_the_wrong_committee_and_changes_nothing()
    {
        var staff = await app.ClientAsAsync(Staff);
        var id = await CreateAsync(staff);
        var start = DateTimeOffset.UtcNow.AddDays(30);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/consultations/{id}/meeting",
            new { startsAt = start, endsAt = start.AddHours(2), place = "会议室", invitees = new { committees = new[] { "520200" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "notify")).StatusCode);
        await MeetingHeldAsync(id);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "meet")).StatusCode);
        var recId = (await Json(await staff.PostAsJsonAsync($"/api/consultations/{id}/recommendations", new { title = "建议一" }))).GetProperty("id").GetInt32();
        var pid = (await Json(await staff.PostAsJsonAsync($"/api/consultations/{id}/participants", new { name = "王五", organization = "某企业", category = "entrepreneur" }))).GetProperty("id").GetInt32();
        var linkId = (await Json(await staff.PostAsJsonAsync($"/api/consultations/{id}/links", new { label = "x" }))).GetProperty("id").GetInt32();
        var year = ChinaTime.YearOf(DateTimeOffset.UtcNow);
        var plan = await Json(await staff.PostAsJsonAsync("/api/consultations/plans", new { committee = "520200", year }));
        var planId = plan.GetProperty("id").GetInt32();
        var topicId = (await Json(await staff.PostAsJsonAsync($"/api/consultations/plans/{planId}/topics",
            new { title = "议题", suggesterKind = "lower", suggester = (await app.WithDbAsync(db => db.Committees.Where(c => c.Code == "520201").Select(c => c.Id).FirstAsync())).ToString() }))).GetProperty("id").GetInt32();
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");

        var writes = new (string Method, string Url, object? Body)[]
        {
            ("POST", "/api/consultations", new { committee = "520200", title = "越权", type = "thematic" }),
            ("PUT", $"/api/consultations/{id}", new { title = "越权", type = "thematic" }),
            ("PUT", $"/api/consultations/{id}/meeting", new { startsAt = start, endsAt = start.AddHours(2), place = "x" }),
            ("POST", $"/api/consultations/{id}/actions/minutes", new { }),
            ("POST", $"/api/consultations/{id}/materials-sent", null),
            ("PUT", $"/api/consultations/{id}/minutes", new { minutes = "越权" }),
            ("PUT", $"/api/consultations/{id}/feedback", new { text = "越权" }),
            ("POST", $"/api/consultations/{id}/participants", new { name = "越权", organization = "x", category = "other" }),
            ("DELETE", $"/api/consultations/{id}/participants/{pid}", null),
            ("POST", $"/api/consultations/{id}/participants/attendance", new[] { new { id = pid, attended = true } }),
            ("POST", $"/api/consultations/{id}/links", new { label = "越权" }),
            ("POST", $"/api/consultations/{id}/links/{linkId}/revoke", null),
            ("POST", $"/api/consultations/{id}/recommendations", new { title = "越权" }),
            ("PUT", $"/api/consultations/{id}/recommendations/{recId}", new { title = "越权" }),
            ("POST", $"/api/consultations/{id}/recommendations/{recId}/adoption", new { status = "adopted", body = "x", on = today }),
            ("POST", $"/api/consultations/{id}/recommendations/{recId}/instructions", new { leaderName = "x", level = "city", text = "x", on = today }),
            ("POST", $"/api/consultations/{id}/recommendations/{recId}/milestones", new { title = "x" }),
            ("POST", $"/api/consultations/{id}/recommendations/{recId}/progress", new { percent = 10 }),
            ("POST", $"/api/consultations/{id}/recommendations/{recId}/feedback", new { text = "x", on = today }),
            ("POST", "/api/consultations/plans", new { committee = "520200", year = year + 1 }),
            ("POST", $"/api/consultations/plans/{planId}/actions/publish", null),
            ("POST", $"/api/consultations/plans/{planId}/topics", new { title = "越权", suggesterKind = "party", suggester = "CDL" }),
            ("POST", $"/api/consultations/plans/{planId}/topics/{topicId}/actions/approve", new { }),
        };
        var reads = new[]
        {
            $"/api/consultations/{id}", $"/api/consultations/{id}/report.docx", $"/api/consultations/plans/{planId}", "/api/consultations?committee=520200", "/api/consultations/plans?committee=520200",
        };
        async Task<string> SnapshotAsync() => await app.WithDbAsync(async db => string.Join("|",
            await db.Consultations.CountAsync(), await db.ConsultationEvents.CountAsync(), await db.ConsultationParticipants.CountAsync(),
            await db.ConsultationInviteLinks.CountAsync(l => l.RevokedAt != null), await db.ConsultationInviteLinks.CountAsync(), await db.Outcomes.CountAsync(),
            await db.Outcomes.Where(r => r.Id == recId).Select(r => r.Title + r.Adoption + r.Percent + r.Feedback).FirstAsync(),
            await db.OutcomeInstructions.CountAsync(), await db.OutcomeMilestones.CountAsync(), await db.ConsultationPlans.CountAsync(),
            await db.ConsultationPlans.Where(p => p.Id == planId).Select(p => p.Status).FirstAsync(), await db.ConsultationPlanTopics.CountAsync(),
            await db.ConsultationPlanTopics.Where(t => t.Id == topicId).Select(t => t.Status).FirstAsync(),
            await db.Consultations.Where(c => c.Id == id).Select(c => c.Title + c.Minutes + c.Feedback + c.Status + c.MaterialsSentAt).FirstAsync(),
            await db.Activities.CountAsync(), await db.ConsultationParticipants.CountAsync(p => p.Attended != null)));
        var before = await SnapshotAsync();
        // Wrong role: a member and a leader of the same committee. Wrong committee: another district's staff.
        foreach (var who in new[] { Member, Leader, OtherDistrict })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var (method, url, body) in writes)
            {
                var req = new HttpRequestMessage(new HttpMethod(method), url) { Content = body is null ? null : JsonContent.Create(body) };
                var res = await client.SendAsync(req);
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} {method} {url}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty(await Detail(res)), $"{who} {method} {url}: no Chinese message");
            }
            Assert.Equal(before, await SnapshotAsync());
        }
        var outsider = await app.ClientAsAsync(OtherDistrict);
        foreach (var url in reads)
            Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync(url)).StatusCode);
        var member = await app.ClientAsAsync(Member);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/consultations/{id}/report.docx")).StatusCode);
        // Another district's member does not see the city's consultation (not invited).
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520204")).GetAsync($"/api/consultations/{id}")).StatusCode);
        // A handling unit sees nothing.
        Assert.Equal(before, await SnapshotAsync());

        // Bad input from the right account: Chinese message, nothing changed.
        var bad = await staff.PostAsJsonAsync("/api/consultations", new { committee = "520200", title = "", type = "nonsense" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await Json(bad);
        Assert.Contains("协商议题", problem.GetProperty("errors").GetProperty("title")[0].GetString());
        Assert.Contains("协商形式", problem.GetProperty("errors").GetProperty("type")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/consultations?status=bogus")).StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task The_meeting_time_follows_the_activity_when_it_is_postponed_later_or_moved_earlier()
    {
        var staff = await app.ClientAsAsync(Staff);
        var id = await CreateAsync(staff, title: "关于城区停车难问题的专题协商");
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(40).Date.AddHours(1), TimeSpan.Zero);
        var meeting = await staff.PutAsJsonAsync($"/api/consultations/{id}/meeting",
            new { startsAt = start, endsAt = start.AddHours(3), place = "市政协三楼会议室", invitees = new { committees = new[] { "520200" } } });
        Assert.Equal(HttpStatusCode.OK, meeting.StatusCode);
        var activityId = (await Json(meeting)).GetProperty("activityId").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "research")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Act(staff, id, "notify")).StatusCode);

        // Postponed by twenty days on the activity: the consultation's meeting time and deadlines follow.
        var later = start.AddDays(20);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{activityId}/postpone",
            new { startsAt = later, endsAt = later.AddHours(2), reason = "与市人大常委会会议冲突" })).StatusCode);
        var d = await staff.GetFromJsonAsync<JsonElement>($"/api/consultations/{id}");
        Assert.Equal(later, d.GetProperty("meetingAt").GetDateTimeOffset());
        Assert.Equal(later.AddHours(2), d.GetProperty("meetingEndsAt").GetDateTimeOffset());
        Assert.Equal("市政协三楼会议室", d.GetProperty("place").GetString());
        var day = ChinaTime.DayOf(later);
        var calendar = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, day, day, CancellationToken.None));
        var deadlines = d.GetProperty("deadlines").EnumerateArray().ToDictionary(x => x.GetProperty("code").GetString()!, x => DateOnly.Parse(x.GetProperty("due").GetString()!));
        Assert.Equal(ConsultationQueries.WorkingDaysBefore(calendar, day, 15), deadlines["notice"]);
        Assert.Equal(ConsultationQueries.WorkingDaysBefore(calendar, day, 10), deadlines["materials"]);
        Assert.Equal(calendar.AddWorkingDays(day, 7), deadlines["minutes"]);
        var row = (await staff.GetFromJsonAsync<JsonElement>($"/api/consultations?year={ChinaTime.YearOf(later)}")).EnumerateArray().Single(x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(later, row.GetProperty("meetingAt").GetDateTimeOffset());
        var early = await Act(staff, id, "meet");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("会议开始后才能标记为已召开", await Detail(early));

        // Moved earlier so that it has begun: the meet check uses the activity's start, not the consultation's old copy.
        var now = DateTimeOffset.UtcNow;
        var begun = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddHours(-1);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{activityId}/postpone",
            new { startsAt = begun, endsAt = begun.AddHours(3), reason = "提前举行" })).StatusCode);
        var held = await Act(staff, id, "meet");
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var after = await Json(held);
        Assert.Equal("meeting", after.GetProperty("status").GetString());
        Assert.Equal(begun, after.GetProperty("meetingAt").GetDateTimeOffset());
        var today = ChinaTime.DayOf(begun);
        var cal2 = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, today, today, CancellationToken.None));
        Assert.Equal(cal2.AddWorkingDays(today, 7).ToString("yyyy-MM-dd"), after.GetProperty("deadlines")[2].GetProperty("due").GetString());
        // The report carries the activity's day.
        var report = await staff.GetAsync($"/api/consultations/{id}/report.docx");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        using var zip = new ZipArchive(await report.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        var xml = await reader.ReadToEndAsync();
        Assert.Contains($"会议时间：{ConsultationRules.Day(today)}，地点：市政协三楼会议室", xml);
        Assert.DoesNotContain(ConsultationRules.Day(day), xml);
    }
}

public sealed class ConsultationsApiSqliteTests(SqliteAppFactory app) : ConsultationsApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ConsultationsApiPostgresTests(PostgresAppFactory app) : ConsultationsApiTests(app), IClassFixture<PostgresAppFactory>;
