using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Study;

namespace Xieshang.Tests.Features.Study;

/// <summary>
/// The study course API: drafting (bad input refused in Chinese with nothing changed, description sanitised), sessions as
/// training activities through the activities mechanism, publishing (sessions published, audience enrolled), quizzes
/// (multi-select exact match, pass mark boundary, attempts limit, parallel last attempts, questions fixed after the first
/// attempt, answers hidden from members), completion (percent rounding, quizzes required or not, confirmed attendance vs
/// check-in) and its duty records through the ledger, cancel/close, materials with real files on disk (magic bytes, a video
/// over Kestrel's default limit), the member's study record, and refusals of the wrong role and the wrong committee on
/// every endpoint with the database unchanged.
/// </summary>
public abstract class CourseApiTests(AppFactory app)
{
    private const string City = "staff.520200", Zhongshan = "staff.520201", CityLeader = "leader.520200", Member = "member.520200", OtherMember = "member.520201",
        Unit = "unit.520200.edu";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private Task<int> MemberIdOf(string userName) => app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());

    private Task<List<int>> MembersOf(string code, int n, params int[] except) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !except.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private sealed record Setup(int CourseId, int[] Sessions, int[] Activities, int MemberId, int[] Others);

    /// <summary>A course of the city for member.520200 and two colleagues, with <paramref name="sessions"/> sessions running now (or starting in a day).</summary>
    private async Task<Setup> CourseAsync(int sessions = 2, int percent = 80, bool quizzes = true, bool publish = true, bool startsLater = false, string title = "习近平新时代中国特色社会主义思想专题培训")
    {
        var staff = await app.ClientAsAsync(City);
        var mid = await MemberIdOf(Member);
        var others = await MembersOf("520200", 2, mid);
        var res = await staff.PostAsJsonAsync("/api/courses", new
        {
            title, description = "<p>专题学习</p><script>alert(1)</script>", organizerCodes = new[] { "520200" },
            audience = new { members = new[] { mid, others[0], others[1] } }, completionAttendedPercent = percent, completionRequiresQuizzes = quizzes,
        });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var id = (await Json(res)).GetProperty("id").GetInt32();
        var sids = new List<int>();
        var aids = new List<int>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < sessions; i++)
        {
            var start = startsLater ? now.AddDays(1 + i) : now.AddHours(-1).AddMinutes(-i);
            var s = await staff.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = $"专题{i + 1}", startsAt = start, endsAt = start.AddHours(3), place = "市政协三楼会议室" });
            Assert.Equal(HttpStatusCode.Created, s.StatusCode);
            var body = await Json(s);
            sids.Add(body.GetProperty("id").GetInt32());
            aids.Add(body.GetProperty("activityId").GetInt32());
        }
        if (publish && sessions > 0) Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{id}/publish", null)).StatusCode);
        return new Setup(id, [.. sids], [.. aids], mid, [.. others]);
    }

    private static object Quiz(int pass = 60, int max = 3) => new
    {
        passPercent = pass, maxAttempts = max,
        questions = new object[]
        {
            new { text = "人民政协的性质定位？", options = new[] { "统一战线组织", "政党", "协商机构", "行政机关" }, correct = new[] { 0, 2 } },
            new { text = "政协的主要职能有几项？", options = new[] { "两项", "三项" }, correct = new[] { 1 } },
            new { text = "协商民主是我国社会主义民主政治的特有形式。", options = new[] { "对", "错" }, correct = new[] { 0 } },
        },
    };

    private async Task<int[]> QuestionIdsAsync(int sessionId) =>
        await app.WithDbAsync(db => db.QuizQuestions.Where(q => q.SessionId == sessionId).OrderBy(q => q.SortOrder).Select(q => q.Id).ToArrayAsync());

    private static Task<HttpResponseMessage> Attempt(HttpClient c, int course, int session, Dictionary<string, int[]> answers) =>
        c.PostAsJsonAsync($"/api/courses/{course}/sessions/{session}/attempts", new { answers });

    private async Task<Dictionary<string, int[]>> AnswersAsync(int session, params int[][] chosen)
    {
        var ids = await QuestionIdsAsync(session);
        return ids.Select((id, i) => (id, i)).Where(x => x.i < chosen.Length).ToDictionary(x => x.id.ToString(), x => chosen[x.i]);
    }

    private Task<string> SnapshotAsync() => app.WithDbAsync(async db => string.Join("|",
        await db.Courses.CountAsync(), await db.CourseOrganizers.CountAsync(), await db.CourseAudience.CountAsync(), await db.CourseSessions.CountAsync(),
        await db.CourseEnrolments.CountAsync(), await db.QuizQuestions.CountAsync(), await db.QuizAttempts.CountAsync(), await db.StudyMaterials.CountAsync(),
        await db.StoredFiles.CountAsync(), await db.Activities.CountAsync(), await db.Invitations.CountAsync(), await db.DutyRecords.CountAsync(r => r.Source == CourseRules.DutySource),
        string.Join(",", await db.Courses.OrderBy(c => c.Id).Select(c => c.Status + ":" + c.Title + ":" + c.CompletionAttendedPercent + ":" + c.Description.Length).ToListAsync()),
        string.Join(",", await db.CourseSessions.OrderBy(s => s.Id).Select(s => s.PassPercent + ":" + s.MaxAttempts).ToListAsync())));

    /// <summary>400 with <paramref name="text"/> in the detail and <paramref name="field"/> among the errors.</summary>
    private static async Task AssertBadAsync(HttpResponseMessage res, string field, string text)
    {
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        var body = await Json(res);
        Assert.Contains(text, body.GetProperty("detail").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), field);
    }

    private Task<string[]> CompletionRecordsAsync(int courseId) => app.WithDbAsync(db => db.DutyRecords
        .Where(r => r.Source == CourseRules.DutySource && r.SourceId == courseId).OrderBy(r => r.MemberId).Select(r => r.MemberId + ":" + r.RuleCode).ToArrayAsync());

    private Task<CourseEnrolment> EnrolmentAsync(int courseId, int memberId) =>
        app.WithDbAsync(db => db.CourseEnrolments.AsNoTracking().FirstAsync(e => e.CourseId == courseId && e.MemberId == memberId));

    [Fact]
    public void Completion_rules_round_the_required_sessions_up_and_count_checked_in_only_while_unconfirmed()
    {
        Assert.Equal(3, CourseRules.RequiredSessions(80, 3)); // 2.4 → 3
        Assert.Equal(2, CourseRules.RequiredSessions(50, 3)); // 1.5 → 2
        Assert.Equal(2, CourseRules.RequiredSessions(60, 3)); // 1.8 → 2
        Assert.Equal(4, CourseRules.RequiredSessions(80, 5)); // exactly 4
        Assert.Equal(0, CourseRules.RequiredSessions(0, 5));
        Assert.Equal(5, CourseRules.RequiredSessions(100, 5));
        Assert.True(CourseRules.Attended(AttendanceRole.Present, false));
        Assert.True(CourseRules.Attended(AttendanceRole.NonVoting, false));
        Assert.True(CourseRules.Attended(AttendanceRole.Speaker, false));
        Assert.True(CourseRules.Attended(AttendanceRole.Author, false));
        Assert.False(CourseRules.Attended(AttendanceRole.Excused, true)); // confirmed wins over the check-in
        Assert.False(CourseRules.Attended(AttendanceRole.Absent, true));
        Assert.True(CourseRules.Attended(null, true));
        Assert.False(CourseRules.Attended(null, false));
        Assert.False(CourseRules.Completed(0, false, 0, 0, 0, 0)); // no sessions: nothing to complete
        Assert.True(CourseRules.Completed(60, true, 3, 2, 1, 1));
        Assert.False(CourseRules.Completed(60, true, 3, 2, 1, 0));
        Assert.True(CourseRules.Completed(60, false, 3, 2, 1, 0));
        Assert.False(CourseRules.Completed(60, false, 3, 1, 1, 1));
    }

    [Fact]
    public void Quiz_scoring_needs_the_exact_set_and_rounds_down()
    {
        var qs = new List<QuizQuestion>
        {
            new() { Id = 1, Options = ["a", "b", "c"], Correct = [0, 2] },
            new() { Id = 2, Options = ["a", "b"], Correct = [1] },
            new() { Id = 3, Options = ["a", "b"], Correct = [0] },
        };
        var (all, none) = CourseRules.Score(qs, new Dictionary<int, int[]> { [1] = [2, 0], [2] = [1], [3] = [0] });
        Assert.Equal(100, all);
        Assert.Empty(none);
        var (p, wrong) = CourseRules.Score(qs, new Dictionary<int, int[]> { [1] = [0], [2] = [1], [3] = [0] });
        Assert.Equal(66, p); // 2 of 3 = 66.67 → 66
        Assert.Equal([1], wrong);
        Assert.Equal(33, CourseRules.Score(qs, new Dictionary<int, int[]> { [1] = [0, 1, 2], [2] = [1] }).Percent); // superset wrong, unanswered wrong
    }

    [Fact]
    public async Task A_course_is_drafted_sessions_become_training_activities_and_publishing_enrols_the_audience()
    {
        var s = await CourseAsync(sessions: 2, publish: false);
        var staff = await app.ClientAsAsync(City);
        var draft = await Json(await staff.GetAsync($"/api/courses/{s.CourseId}"));
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.DoesNotContain("<script", draft.GetProperty("description").GetString());
        Assert.Contains("专题学习", draft.GetProperty("description").GetString());
        var activities = await app.WithDbAsync(db => db.Activities.Include(a => a.InviteeRules).Include(a => a.Organizers).Where(a => s.Activities.Contains(a.Id)).OrderBy(a => a.Id).ToListAsync());
        Assert.All(activities, a => Assert.Equal(ActivityType.Training, a.Type));
        Assert.All(activities, a => Assert.Equal(ActivityStatus.Draft, a.Status));
        Assert.Equal("习近平新时代中国特色社会主义思想专题培训·第1讲 专题1", activities[0].Title);
        Assert.Equal("习近平新时代中国特色社会主义思想专题培训·第2讲 专题2", activities[1].Title);
        Assert.All(activities, a => Assert.Equal(3, a.InviteeRules.Count(r => r.Kind == InviteeKind.Member)));
        // A member not yet enrolled does not see a draft.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(Member)).GetAsync($"/api/courses/{s.CourseId}")).StatusCode);

        var published = await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("published", (await Json(published)).GetProperty("status").GetString());
        Assert.Equal(3, (await Json(published)).GetProperty("enrolled").GetInt32());
        Assert.All(await app.WithDbAsync(db => db.Activities.Where(a => s.Activities.Contains(a.Id)).Select(a => a.Status).ToListAsync()), st => Assert.Equal(ActivityStatus.Published, st));
        Assert.Equal(6, await app.WithDbAsync(db => db.Invitations.CountAsync(i => s.Activities.Contains(i.ActivityId))));
        Assert.Equal(3, await app.WithDbAsync(db => db.CourseEnrolments.CountAsync(e => e.CourseId == s.CourseId)));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "course.published" && n.Link == $"/study/courses/{s.CourseId}")));
        // The member reads it with their own progress; the list shows it.
        var mine = await Json(await (await app.ClientAsAsync(Member)).GetAsync($"/api/courses/{s.CourseId}"));
        Assert.Equal(2, mine.GetProperty("mine").GetProperty("sessionsTotal").GetInt32());
        Assert.Equal(2, mine.GetProperty("mine").GetProperty("sessionsRequired").GetInt32());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("audience").ValueKind);
        var list = await Json(await (await app.ClientAsAsync(Member)).GetAsync("/api/courses"));
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("id").GetInt32() == s.CourseId);
        var byCommittee = await Json(await staff.GetAsync("/api/courses?committee=520200"));
        Assert.Contains(byCommittee.EnumerateArray(), c => c.GetProperty("id").GetInt32() == s.CourseId);
        // A session added after publishing is published at once and invites the enrolled audience.
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var third = await staff.PostAsJsonAsync($"/api/courses/{s.CourseId}/sessions", new { topic = "专题3", startsAt = start, endsAt = start.AddHours(2), place = "市政协" });
        Assert.Equal(HttpStatusCode.Created, third.StatusCode);
        var thirdActivity = (await Json(third)).GetProperty("activityId").GetInt32();
        Assert.Equal(ActivityStatus.Published, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == thirdActivity).Select(a => a.Status).FirstAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == thirdActivity)));
    }

    [Fact]
    public async Task New_members_are_resolved_to_named_members_on_the_sessions_invitee_lists()
    {
        var staff = await app.ClientAsAsync(City);
        // One member of the city is an old hand (added two years ago); the others are new.
        var old = (await MembersOf("520200", 1))[0];
        await app.WithDbAsync(db => db.Members.Where(m => m.Id == old).ExecuteUpdateAsync(u => u.SetProperty(m => m.CreatedAt, DateTimeOffset.UtcNow.AddYears(-2))));
        var res = await staff.PostAsJsonAsync("/api/courses", new { title = "新委员培训", organizerCodes = new[] { "520200" }, audience = new { newMembers = new[] { "520200" } } });
        var id = (await Json(res)).GetProperty("id").GetInt32();
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var session = await Json(await staff.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "履职入门", startsAt = start, endsAt = start.AddHours(2), place = "市政协" }));
        var activityId = session.GetProperty("activityId").GetInt32();
        var since = DateTimeOffset.UtcNow.AddDays(-365);
        var expected = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520200" && m.IsActive && m.CreatedAt >= since).Select(m => m.Id).OrderBy(x => x).ToListAsync());
        var rules = await app.WithDbAsync(db => db.ActivityInviteeRules.Where(r => r.ActivityId == activityId).ToListAsync());
        Assert.All(rules, r => Assert.Equal(InviteeKind.Member, r.Kind));
        Assert.Equal(expected, rules.Select(r => r.TargetId).Order().ToList());
        Assert.DoesNotContain(old, rules.Select(r => r.TargetId));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{id}/publish", null)).StatusCode);
        Assert.Equal(expected, await app.WithDbAsync(db => db.CourseEnrolments.Where(e => e.CourseId == id).Select(e => e.MemberId).OrderBy(x => x).ToListAsync()));
    }

    [Fact]
    public async Task Bad_input_is_refused_in_Chinese_with_the_field_and_nothing_changes()
    {
        var s = await CourseAsync(sessions: 1, publish: false);
        var staff = await app.ClientAsAsync(City);
        var before = await SnapshotAsync();
        async Task Bad(HttpResponseMessage res, string field, string text)
        {
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var body = await Json(res);
            Assert.Contains(text, body.GetProperty("detail").GetString());
            Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), field);
        }
        await Bad(await staff.PostAsJsonAsync("/api/courses", new { title = " ", organizerCodes = new[] { "520200" } }), "title", "请填写课程名称");
        await Bad(await staff.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = Array.Empty<string>() }), "organizerCodes", "主办");
        await Bad(await staff.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "999999" } }), "organizerCodes", "未找到");
        await Bad(await staff.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "520200" }, completionAttendedPercent = 101 }), "completionAttendedPercent", "0 到 100");
        await Bad(await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}", new { title = "", organizerCodes = new[] { "520200" } }), "title", "请填写课程名称");
        await Bad(await staff.PostAsJsonAsync($"/api/courses/{s.CourseId}/sessions", new { topic = "x", place = "会议室" }), "startsAt", "开始时间");
        var q = $"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz";
        await Bad(await staff.PutAsJsonAsync(q, new { passPercent = 101 }), "passPercent", "及格线");
        await Bad(await staff.PutAsJsonAsync(q, new { maxAttempts = 0 }), "maxAttempts", "1 到 10");
        await Bad(await staff.PutAsJsonAsync(q, new { maxAttempts = 11 }), "maxAttempts", "1 到 10");
        await Bad(await staff.PutAsJsonAsync(q, new { questions = new[] { new { text = "题", options = new[] { "只有一个" }, correct = new[] { 0 } } } }), "questions", "2 到 8");
        await Bad(await staff.PutAsJsonAsync(q, new { questions = new[] { new { text = "题", options = new[] { "1", "2", "3", "4", "5", "6", "7", "8", "9" }, correct = new[] { 0 } } } }), "questions", "2 到 8");
        await Bad(await staff.PutAsJsonAsync(q, new { questions = new[] { new { text = "题", options = new[] { "对", "错" }, correct = Array.Empty<int>() } } }), "questions", "至少标出一个正确选项");
        await Bad(await staff.PutAsJsonAsync(q, new { questions = new[] { new { text = "题", options = new[] { "对", "错" }, correct = new[] { 2 } } } }), "questions", "正确选项");
        // Publishing without an audience member in office: no; cancel a published course without a reason: no.
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        var afterPublish = await SnapshotAsync();
        await Bad(await staff.PostAsJsonAsync($"/api/courses/{s.CourseId}/cancel", new { reason = "" }), "reason", "取消原因");
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}", new { title = "新名称", organizerCodes = new[] { "520200" }, audience = new { committees = new[] { "520200" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        Assert.Equal(afterPublish, await SnapshotAsync());
    }

    [Fact]
    public async Task Wrong_role_and_wrong_committee_are_refused_on_every_endpoint_and_nothing_changes()
    {
        var s = await CourseAsync(sessions: 1);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz())).StatusCode);
        var upload = await UploadAsync(staff, s.CourseId, "document", "讲义.pdf", [.. "%PDF-1.7\n"u8, .. new byte[100]]);
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var materialId = (await Json(upload)).GetProperty("id").GetInt32();
        var answers = await AnswersAsync(s.Sessions[0], [0, 2], [1], [0]);
        var before = await SnapshotAsync();
        var id = s.CourseId;
        var sid = s.Sessions[0];

        // A district's staff (outside the city's scope), a member not enrolled and a handling unit: the course is out of sight (404).
        foreach (var who in new[] { Zhongshan, OtherMember, Unit })
        {
            var c = await app.ClientAsAsync(who);
            foreach (var res in new[]
            {
                await c.GetAsync($"/api/courses/{id}"),
                await c.PutAsJsonAsync($"/api/courses/{id}", new { title = "改", organizerCodes = new[] { "520200" } }),
                await c.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "x", startsAt = DateTimeOffset.UtcNow.AddDays(1), endsAt = DateTimeOffset.UtcNow.AddDays(1).AddHours(1), place = "x" }),
                await c.PutAsJsonAsync($"/api/courses/{id}/sessions/{sid}/quiz", Quiz()),
                await c.GetAsync($"/api/courses/{id}/sessions/{sid}/quiz"),
                await Attempt(c, id, sid, answers),
                await c.PostAsync($"/api/courses/{id}/publish", null),
                await c.PostAsJsonAsync($"/api/courses/{id}/cancel", new { reason = "不办了" }),
                await c.PostAsync($"/api/courses/{id}/close", null),
                await c.GetAsync($"/api/courses/{id}/enrolments"),
                await UploadAsync(c, id, "document", "x.pdf", [.. "%PDF-1.7\n"u8]),
                await c.GetAsync($"/api/courses/{id}/materials/{materialId}"),
                await c.DeleteAsync($"/api/courses/{id}/materials/{materialId}"),
            })
                Assert.True(res.StatusCode == HttpStatusCode.NotFound, $"{who} {res.RequestMessage!.Method} {res.RequestMessage.RequestUri}: {res.StatusCode}");
            // Its list does not have the course; another committee's list is refused.
            var list = await c.GetAsync("/api/courses");
            if (list.StatusCode == HttpStatusCode.OK) Assert.DoesNotContain((await Json(list)).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
            else Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync("/api/courses?committee=520200")).StatusCode);
        }
        // The city's leader and an enrolled member read it but change nothing (403); the member cannot see the enrolment table, the leader takes no quiz.
        foreach (var who in new[] { CityLeader, Member })
        {
            var c = await app.ClientAsAsync(who);
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/courses/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/courses/{id}/materials/{materialId}")).StatusCode);
            foreach (var res in new[]
            {
                await c.PutAsJsonAsync($"/api/courses/{id}", new { title = "改", organizerCodes = new[] { "520200" } }),
                await c.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "x", startsAt = DateTimeOffset.UtcNow.AddDays(1), endsAt = DateTimeOffset.UtcNow.AddDays(1).AddHours(1), place = "x" }),
                await c.PutAsJsonAsync($"/api/courses/{id}/sessions/{sid}/quiz", Quiz()),
                await c.PostAsync($"/api/courses/{id}/publish", null),
                await c.PostAsJsonAsync($"/api/courses/{id}/cancel", new { reason = "不办了" }),
                await c.PostAsync($"/api/courses/{id}/close", null),
                await UploadAsync(c, id, "document", "x.pdf", [.. "%PDF-1.7\n"u8]),
                await c.DeleteAsync($"/api/courses/{id}/materials/{materialId}"),
                who == Member ? await c.GetAsync($"/api/courses/{id}/enrolments") : await Attempt(c, id, sid, answers),
            })
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} {res.RequestMessage!.Method} {res.RequestMessage.RequestUri}: {res.StatusCode}");
        }
        // Members and handling units create no course; staff create none for another committee, nor invite outside their scope.
        foreach (var who in new[] { Member, Unit, CityLeader })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(who)).PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "520200" } })).StatusCode);
        var zhongshan = await app.ClientAsAsync(Zhongshan);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "520200" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "520201" }, audience = new { committees = new[] { "520204" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.PostAsJsonAsync("/api/courses", new { title = "培训", organizerCodes = new[] { "520201" }, audience = new { members = new[] { s.MemberId } } })).StatusCode);
        // A course co-organised with the city is run by the city's staff: the district's staff may not change it.
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Completion_follows_attendance_and_quizzes_and_its_duty_records_appear_and_disappear_through_the_ledger()
    {
        var s = await CourseAsync(sessions: 3, percent: 60, publish: false);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz(pass: 60))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        var member = await app.ClientAsAsync(Member);

        // Two check-ins of three sessions (60 % of 3 = 1.8 → 2): attendance met, but the quiz is not passed yet.
        foreach (var a in s.Activities.Take(2))
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{a}/checkin/desk", new { memberId = s.MemberId })).StatusCode);
        var e = await EnrolmentAsync(s.CourseId, s.MemberId);
        Assert.Equal(2, e.SessionsAttended);
        Assert.Null(e.CompletedAt);
        Assert.Empty(await CompletionRecordsAsync(s.CourseId));

        // A failed attempt, then a pass: completed, one study.completed record.
        var failed = await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0], [0], [1]));
        Assert.Equal(HttpStatusCode.Created, failed.StatusCode);
        Assert.False((await Json(failed)).GetProperty("passed").GetBoolean());
        Assert.Null((await EnrolmentAsync(s.CourseId, s.MemberId)).CompletedAt);
        var passed = await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0, 2], [1], [0]));
        Assert.True((await Json(passed)).GetProperty("passed").GetBoolean());
        e = await EnrolmentAsync(s.CourseId, s.MemberId);
        Assert.NotNull(e.CompletedAt);
        Assert.Equal(1, e.QuizzesPassed);
        Assert.Equal([$"{s.MemberId}:study.completed"], await CompletionRecordsAsync(s.CourseId));
        var record = await app.WithDbAsync(db => db.DutyRecords.FirstAsync(r => r.Source == CourseRules.DutySource && r.SourceId == s.CourseId));
        Assert.Equal(2m, record.Points);
        Assert.Equal(Xieshang.Web.Features.Duty.DutyCategory.Study, record.Category);

        // Staff confirm the second session: the member was absent after all (a check-in alone no longer counts) → not completed, record gone.
        var confirm = await staff.PostAsJsonAsync($"/api/activities/{s.Activities[1]}/attendance", new[]
        {
            new { memberId = s.MemberId, role = "absent" }, new { memberId = s.Others[0], role = "present" },
        });
        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        e = await EnrolmentAsync(s.CourseId, s.MemberId);
        Assert.Equal(1, e.SessionsAttended);
        Assert.Null(e.CompletedAt);
        Assert.Empty(await CompletionRecordsAsync(s.CourseId).ContinueWith(t => t.Result.Where(r => r.StartsWith($"{s.MemberId}:")).ToArray()));
        // The colleague confirmed present without checking in: attended 1.

        // Confirmed nonvoting at the third session counts as attended → completed again.
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{s.Activities[2]}/attendance", new[] { new { memberId = s.MemberId, role = "nonvoting" } })).StatusCode);
        Assert.NotNull((await EnrolmentAsync(s.CourseId, s.MemberId)).CompletedAt);
        Assert.Contains($"{s.MemberId}:study.completed", await CompletionRecordsAsync(s.CourseId));

        // Quizzes no longer required and 30 %: the colleague (1 session confirmed present, no quiz) completes too.
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}", new { title = "习近平新时代中国特色社会主义思想专题培训", organizerCodes = new[] { "520200" }, completionAttendedPercent = 30, completionRequiresQuizzes = false })).StatusCode);
        Assert.Equal(new[] { $"{s.MemberId}:study.completed", $"{s.Others[0]}:study.completed" }.Order(), (await CompletionRecordsAsync(s.CourseId)).Order());
        // And 100 % with quizzes: nobody (the member attended 2 of 3).
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}", new { title = "习近平新时代中国特色社会主义思想专题培训", organizerCodes = new[] { "520200" }, completionAttendedPercent = 100, completionRequiresQuizzes = true })).StatusCode);
        Assert.Empty(await CompletionRecordsAsync(s.CourseId));
        // The attendance records (attend.study) stay the activities mechanism's.
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(r => r.Source == "activity" && r.SourceId == s.Activities[1] && r.MemberId == s.Others[0] && r.RuleCode == "attend.study")));
    }

    [Fact]
    public async Task Quiz_attempts_are_scored_by_exact_sets_against_the_pass_mark_with_at_most_max_attempts_and_the_best_counting()
    {
        var s = await CourseAsync(sessions: 2, publish: false);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz(pass: 66, max: 3))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        var member = await app.ClientAsAsync(Member);

        // The member sees the questions without the answers; staff see them with.
        var view = await Json(await member.GetAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz"));
        Assert.True(view.GetProperty("open").GetBoolean());
        Assert.All(view.GetProperty("questions").EnumerateArray(), q => Assert.Equal(JsonValueKind.Null, q.GetProperty("correct").ValueKind));
        Assert.True(view.GetProperty("questions")[0].GetProperty("multiple").GetBoolean());
        var staffView = await Json(await staff.GetAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz"));
        Assert.Equal(2, staffView.GetProperty("questions")[0].GetProperty("correct").GetArrayLength());
        // No quiz on the second session.
        Assert.Equal(HttpStatusCode.Conflict, (await Attempt(member, s.CourseId, s.Sessions[1], [])).StatusCode);
        // Nothing ticked at all (no answers, or every question left empty): 400 on answers, nothing stored, no attempt used.
        var before = await SnapshotAsync();
        await AssertBadAsync(await Attempt(member, s.CourseId, s.Sessions[0], []), "answers", "请先作答");
        await AssertBadAsync(await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [], [], [])), "answers", "请先作答");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(3, (await Json(await member.GetAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz"))).GetProperty("attemptsLeft").GetInt32());

        // [0] for a question whose right set is {0,2}: wrong. 2 of 3 = 66 ≥ 66: passed, exactly at the mark.
        var first = await Json(await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0], [1], [0])));
        Assert.Equal(66, first.GetProperty("scorePercent").GetInt32());
        Assert.True(first.GetProperty("passed").GetBoolean());
        Assert.Equal(1, first.GetProperty("wrongQuestionIds").GetArrayLength());
        Assert.Equal((await QuestionIdsAsync(s.Sessions[0]))[0], first.GetProperty("wrongQuestionIds")[0].GetInt32());
        // The questions are fixed once someone has tried.
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz(pass: 67))).StatusCode);
        // A superset is wrong too; a worse attempt does not lower the best.
        var second = await Json(await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0, 1, 2], [1], [1])));
        Assert.Equal(33, second.GetProperty("scorePercent").GetInt32());
        Assert.False(second.GetProperty("passed").GetBoolean());
        Assert.Equal(66, second.GetProperty("bestScore").GetInt32());
        Assert.True(second.GetProperty("bestPassed").GetBoolean());
        Assert.Equal(1, second.GetProperty("attemptsLeft").GetInt32());
        var third = await Json(await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [2, 0], [1], [0])));
        Assert.Equal(100, third.GetProperty("scorePercent").GetInt32());
        Assert.Equal(0, third.GetProperty("attemptsLeft").GetInt32());
        var fourth = await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0, 2], [1], [0]));
        Assert.Equal(HttpStatusCode.Conflict, fourth.StatusCode);
        Assert.Contains("最多答 3 次", (await Json(fourth)).GetProperty("detail").GetString());
        var after = await Json(await member.GetAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz"));
        Assert.Equal(100, after.GetProperty("bestScore").GetInt32());
        Assert.False(after.GetProperty("open").GetBoolean());
        Assert.Equal(3, after.GetProperty("attempts").GetArrayLength());
        Assert.Equal(1, after.GetProperty("attempts")[0].GetProperty("wrongQuestionIds").GetArrayLength());
        Assert.Equal(3, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == s.Sessions[0])));
    }

    [Fact]
    public async Task The_quiz_opens_at_the_session_start_and_closes_with_the_course()
    {
        var later = await CourseAsync(sessions: 1, startsLater: true, publish: false);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{later.CourseId}/sessions/{later.Sessions[0]}/quiz", Quiz())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{later.CourseId}/publish", null)).StatusCode);
        var member = await app.ClientAsAsync(Member);
        var early = await Attempt(member, later.CourseId, later.Sessions[0], await AnswersAsync(later.Sessions[0], [0, 2], [1], [0]));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("开始后", (await Json(early)).GetProperty("detail").GetString());

        var now = await CourseAsync(sessions: 1, publish: false);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{now.CourseId}/sessions/{now.Sessions[0]}/quiz", Quiz())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{now.CourseId}/publish", null)).StatusCode);
        var bad = await Attempt(member, now.CourseId, now.Sessions[0], new Dictionary<string, int[]> { [(await QuestionIdsAsync(now.Sessions[0]))[1].ToString()] = [5] });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{now.CourseId}/close", null)).StatusCode);
        var closed = await Attempt(member, now.CourseId, now.Sessions[0], await AnswersAsync(now.Sessions[0], [0, 2], [1], [0]));
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Contains("课程已结束", (await Json(closed)).GetProperty("detail").GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == now.Sessions[0] || a.SessionId == later.Sessions[0])));

        // Cancelling: the session not yet started is cancelled through the activities mechanism; a held one stays.
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/courses/{later.CourseId}/cancel", new { reason = "因故取消" })).StatusCode);
        Assert.Equal(ActivityStatus.Cancelled, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == later.Activities[0]).Select(a => a.Status).FirstAsync()));
        var mixed = await CourseAsync(sessions: 1);
        var start = DateTimeOffset.UtcNow.AddDays(2);
        var future = await Json(await staff.PostAsJsonAsync($"/api/courses/{mixed.CourseId}/sessions", new { topic = "后续", startsAt = start, endsAt = start.AddHours(2), place = "市政协" }));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/courses/{mixed.CourseId}/cancel", new { reason = "因故取消" })).StatusCode);
        Assert.Equal(ActivityStatus.Published, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == mixed.Activities[0]).Select(a => a.Status).FirstAsync()));
        Assert.Equal(ActivityStatus.Cancelled, await app.WithDbAsync(db => db.Activities.Where(a => a.Id == future.GetProperty("activityId").GetInt32()).Select(a => a.Status).FirstAsync()));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync($"/api/courses/{mixed.CourseId}/close", null)).StatusCode);
    }

    [Fact]
    public async Task Parallel_last_attempts_leave_exactly_one()
    {
        var s = await CourseAsync(sessions: 1, publish: false);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz(max: 2))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        var answers = await AnswersAsync(s.Sessions[0], [0], [1], [0]);
        var member = await app.ClientAsAsync(Member);
        Assert.Equal(HttpStatusCode.Created, (await Attempt(member, s.CourseId, s.Sessions[0], answers)).StatusCode);
        // Six tabs submit the last attempt at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ => (await Attempt(await app.ClientAsAsync(Member), s.CourseId, s.Sessions[0], answers)).StatusCode));
        Assert.Equal(1, results.Count(r => r == HttpStatusCode.Created));
        Assert.All(results.Where(r => r != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r));
        var numbers = await app.WithDbAsync(db => db.QuizAttempts.Where(a => a.SessionId == s.Sessions[0] && a.MemberId == s.MemberId).OrderBy(a => a.AttemptNumber).Select(a => a.AttemptNumber).ToArrayAsync());
        Assert.Equal(new[] { 1, 2 }, numbers);
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient c, int courseId, string kind, string? fileName, byte[]? bytes, string? url = null, string? title = null, int? sessionId = null)
    {
        var form = new MultipartFormDataContent { { new StringContent(kind), "kind" } };
        if (title is not null) form.Add(new StringContent(title), "title");
        if (url is not null) form.Add(new StringContent(url), "url");
        if (sessionId is not null) form.Add(new StringContent(sessionId.ToString()!), "sessionId");
        if (bytes is not null)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", fileName!);
        }
        return c.PostAsync($"/api/courses/{courseId}/materials", form);
    }

    [Fact]
    public async Task Materials_are_real_files_on_disk_checked_by_magic_bytes_and_a_video_over_Kestrels_default_limit_is_accepted()
    {
        var s = await CourseAsync(sessions: 1);
        var staff = await app.ClientAsAsync(City);
        var pdf = (byte[])[.. "%PDF-1.7\n"u8, .. Enumerable.Range(0, 5000).Select(i => (byte)i)];
        var doc = await UploadAsync(staff, s.CourseId, "document", "学习讲义.pdf", pdf, title: "第一讲讲义", sessionId: s.Sessions[0]);
        Assert.Equal(HttpStatusCode.Created, doc.StatusCode);
        var docBody = await Json(doc);
        Assert.Equal("document", docBody.GetProperty("kind").GetString());
        Assert.Equal(s.Sessions[0], docBody.GetProperty("sessionId").GetInt32());
        var key = await app.WithDbAsync(db => db.StudyMaterials.Where(m => m.Id == docBody.GetProperty("id").GetInt32()).Select(m => m.StoredFile!.StorageKey).FirstAsync());
        var path = Path.Combine(app.UploadPath, key.Replace('/', Path.DirectorySeparatorChar));
        Assert.Equal(pdf, await File.ReadAllBytesAsync(path));
        // The enrolled member streams it.
        var got = await (await app.ClientAsAsync(Member)).GetAsync(docBody.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(pdf, await got.Content.ReadAsByteArrayAsync());

        var before = await SnapshotAsync();
        // A text file named .pdf, an MP4 sent as a document, a PDF sent as a video: refused by their bytes.
        foreach (var (kind, name, bytes) in new[] { ("document", "讲义.pdf", "不是PDF的文本"u8.ToArray()), ("video", "录像.mp4", pdf) })
        {
            var res = await UploadAsync(staff, s.CourseId, kind, name, bytes);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.True((await Json(res)).GetProperty("errors").TryGetProperty("file", out _));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(staff, s.CourseId, "link", null, null, url: "javascript:alert(1)", title: "坏链接")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(staff, s.CourseId, "audio", "a.mp3", pdf)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(staff, s.CourseId, "document", "讲义.pdf", pdf, sessionId: 999999)).StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        // A 30 MB MP4 (over Kestrel's 28.6 MB default request limit).
        var video = new byte[30 * 1024 * 1024];
        new byte[] { 0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'m', (byte)'p', (byte)'4', (byte)'2' }.CopyTo(video, 0);
        var up = await UploadAsync(staff, s.CourseId, "video", "专题辅导录像.mp4", video);
        Assert.Equal(HttpStatusCode.Created, up.StatusCode);
        var videoBody = await Json(up);
        Assert.Equal("video/mp4", videoBody.GetProperty("contentType").GetString());
        Assert.Equal(video.Length, videoBody.GetProperty("size").GetInt64());
        var range = new HttpRequestMessage(HttpMethod.Get, videoBody.GetProperty("url").GetString());
        range.Headers.Range = new RangeHeaderValue(0, 11);
        var part = await (await app.ClientAsAsync(Member)).SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(video[..12], await part.Content.ReadAsByteArrayAsync());

        var link = await UploadAsync(staff, s.CourseId, "link", null, null, url: "https://www.cppcc.gov.cn/", title: "全国政协网");
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        Assert.Equal("https://www.cppcc.gov.cn/", (await Json(link)).GetProperty("url").GetString());
        // A link keeps its escaping; one whose stored (escaped) form is over 500 characters is refused, not a database error.
        var escaped = await UploadAsync(staff, s.CourseId, "link", null, null, url: "https://www.cppcc.gov.cn/search?q=%E5%AD%A6%E4%B9%A0%20%E5%9F%B9%E8%AE%AD", title: "检索");
        Assert.Equal("https://www.cppcc.gov.cn/search?q=%E5%AD%A6%E4%B9%A0%20%E5%9F%B9%E8%AE%AD", (await Json(escaped)).GetProperty("url").GetString());
        var tooLong = await UploadAsync(staff, s.CourseId, "link", null, null, url: "https://www.cppcc.gov.cn/" + new string('学', 200), title: "过长");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await Json(tooLong)).GetProperty("errors").TryGetProperty("url", out _));

        // Deleting removes the row and the bytes.
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/courses/{s.CourseId}/materials/{docBody.GetProperty("id").GetInt32()}")).StatusCode);
        Assert.False(File.Exists(path));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync(docBody.GetProperty("url").GetString())).StatusCode);
    }

    [Fact]
    public async Task The_study_record_lists_courses_quizzes_and_study_points_for_the_member_and_staff_in_scope_only()
    {
        var s = await CourseAsync(sessions: 1, percent: 100, publish: false);
        var staff = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{s.CourseId}/sessions/{s.Sessions[0]}/quiz", Quiz())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{s.CourseId}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/activities/{s.Activities[0]}/checkin/desk", new { memberId = s.MemberId })).StatusCode);
        var member = await app.ClientAsAsync(Member);
        Assert.Equal(HttpStatusCode.Created, (await Attempt(member, s.CourseId, s.Sessions[0], await AnswersAsync(s.Sessions[0], [0, 2], [1], [0]))).StatusCode);
        var year = Xieshang.Web.Infrastructure.ChinaTime.YearOf(DateTimeOffset.UtcNow);

        var own = await member.GetAsync($"/api/members/{s.MemberId}/study?year={year}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var body = await Json(own);
        var course = body.GetProperty("courses").EnumerateArray().Single(c => c.GetProperty("courseId").GetInt32() == s.CourseId);
        Assert.Equal(1, course.GetProperty("sessionsAttended").GetInt32());
        Assert.Equal(1, course.GetProperty("sessionsTotal").GetInt32());
        Assert.True(course.GetProperty("completed").GetBoolean());
        Assert.Equal(100, course.GetProperty("quizzes")[0].GetProperty("bestScore").GetInt32());
        Assert.True(body.GetProperty("studyPoints").GetDecimal() >= 2m);
        Assert.True(body.TryGetProperty("reading", out var reading) && reading.TryGetProperty("checkIns", out _));
        Assert.True(body.TryGetProperty("lecturesAttended", out _));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/members/{s.MemberId}/study")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(CityLeader)).GetAsync($"/api/members/{s.MemberId}/study")).StatusCode);
        // Another year has no such course.
        Assert.DoesNotContain((await Json(await member.GetAsync($"/api/members/{s.MemberId}/study?year={year - 1}"))).GetProperty("courses").EnumerateArray(),
            c => c.GetProperty("courseId").GetInt32() == s.CourseId);
        // A colleague of the same committee, another district's staff, another district's member, a handling unit: refused.
        await TestAccounts.EnsureAsync(app, "member.520200.colleague", Xieshang.Web.Infrastructure.Auth.Roles.Member, "520200", s.Others[0]);
        foreach (var who in new[] { "member.520200.colleague", Zhongshan, OtherMember, Unit })
            Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(who)).GetAsync($"/api/members/{s.MemberId}/study")).StatusCode);
        // The duty file exports carry the study section: the .docx's 学习培训情况 and the .xlsx's sheet 学习培训.
        var docx = await staff.GetAsync($"/api/members/{s.MemberId}/duty/report.docx?year={year}");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        using (var doc = DocumentFormat.OpenXml.Packaging.WordprocessingDocument.Open(new MemoryStream(await docx.Content.ReadAsByteArrayAsync()), false))
        {
            var text = doc.MainDocumentPart!.Document!.Body!.InnerText;
            Assert.Contains("三、学习培训情况", text);
            Assert.Contains("习近平新时代中国特色社会主义思想专题培训", text);
            Assert.Contains("第1讲 100分（通过）", text);
            Assert.Contains("四、年度评定", text);
        }
        var xlsx = await staff.GetAsync($"/api/members/{s.MemberId}/duty/records.xlsx?year={year}");
        var sheet = MiniExcelLibs.MiniExcel.Query(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()), useHeaderRow: true, sheetName: Xieshang.Web.Features.Duty.DutyExport.StudySheet)
            .Cast<IDictionary<string, object?>>().ToList();
        var row = sheet.Single(r => (string?)r["课程"] == "习近平新时代中国特色社会主义思想专题培训" && ((string?)r["结业"] ?? "").StartsWith("已结业"));
        Assert.Equal("1/1", row["出勤"]);
        // The duty file JSON keeps its shape.
        Assert.False((await Json(await staff.GetAsync($"/api/members/{s.MemberId}/duty?year={year}"))).TryGetProperty("study", out _));

        var bad = await member.GetAsync($"/api/members/{s.MemberId}/study?year=abc");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("年度", (await Json(bad)).GetProperty("detail").GetString());
    }
}

public sealed class CourseApiSqliteTests(SqliteAppFactory f) : CourseApiTests(f), IClassFixture<SqliteAppFactory>;

public sealed class CourseApiPostgresTests(PostgresAppFactory f) : CourseApiTests(f), IClassFixture<PostgresAppFactory>;
