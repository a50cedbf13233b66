using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Study;

namespace Xieshang.Tests.Features.Study;

/// <summary>
/// The study pages: staff build a course on the forms (a refusal shows the Chinese message with the typed values and saves
/// nothing; a session, a quiz in the editor's text format, a material through the upload form, publishing), the member's
/// hub with a progress bar, the course page with the session's activity link and quiz button, the quiz on its page
/// (labelled options, result with the wrong questions), the enrolment .xlsx, the study record page (我的学习), and the
/// refusals: another district's staff, a member not enrolled, a leader on the edit page, a handling unit.
/// </summary>
public abstract class CoursePagesTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string token, string handler, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>("__RequestVerificationToken", token), new KeyValuePair<string, string>("_handler", handler) }
            .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    private Task<int> MemberIdOf(string userName) => app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());

    private Task<string> CountsAsync() => app.WithDbAsync(async db => string.Join("|", await db.Courses.CountAsync(), await db.CourseSessions.CountAsync(),
        await db.QuizQuestions.CountAsync(), await db.QuizAttempts.CountAsync(), await db.StudyMaterials.CountAsync(), await db.CourseEnrolments.CountAsync(),
        string.Join(",", await db.Courses.OrderBy(c => c.Id).Select(c => c.Status + c.Title).ToListAsync())));

    [Fact]
    public async Task Staff_build_and_publish_a_course_on_the_forms_and_a_member_passes_its_quiz_on_the_phone_page()
    {
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var mid = await MemberIdOf("member.520200");
        var page = await staff.GetHtmlAsync("/study/courses/new");
        Assert.Contains("新建课程", page);
        Assert.Contains("data-filter-selects=\"members\"", page);
        var token = PageClient.Token(page);
        var before = await CountsAsync();
        var bad = await staff.PostAsync("/study/courses/new", Form(token, "course", ("title", ""), ("description", "要点"), ("organizerCodes", "520200"), ("percent", "80")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("请填写课程名称", badHtml);
        Assert.Contains("要点", badHtml);
        Assert.Equal(before, await CountsAsync());

        var created = await staff.PostAsync("/study/courses/new", Form(token, "course", ("title", "新任委员履职能力培训"), ("description", "<b>履职</b><script>x</script>"),
            ("organizerCodes", "520200"), ("audienceMembers", mid.ToString()), ("percent", "50"), ("quizzes", "true")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var edit = created.Target().Split('?')[0];
        var id = int.Parse(Regex.Match(edit, @"/study/courses/(\d+)/edit").Groups[1].Value);
        Assert.DoesNotContain("<script", await app.WithDbAsync(db => db.Courses.Where(c => c.Id == id).Select(c => c.Description).FirstAsync()));

        // A session starting an hour ago (China time on the form).
        // The form takes one China day with from/to, so the session is clipped to today: started before now, ending after it, at any hour.
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var today = new DateTimeOffset(now.Date, now.Offset);
        var start = now.AddHours(-1) < today ? today : now.AddHours(-1);
        var end = now.AddHours(2) >= today.AddDays(1) ? today.AddHours(23).AddMinutes(59) : now.AddHours(2);
        var session = await staff.PostAsync(edit, Form(token, "session", ("topic", "政协章程"), ("day", start.ToString("yyyy-MM-dd")), ("from", start.ToString("HH:mm")),
            ("to", end.ToString("HH:mm")), ("place", "市政协会议室")));
        Assert.Equal(HttpStatusCode.Redirect, session.StatusCode);
        var sid = await app.WithDbAsync(db => db.CourseSessions.Where(s => s.CourseId == id).Select(s => s.Id).SingleAsync());
        var aid = await app.WithDbAsync(db => db.CourseSessions.Where(s => s.CourseId == id).Select(s => s.ActivityId).SingleAsync());
        // The quiz editor: a bad question first (one option), then two questions, one with two right options.
        var badQuiz = await staff.PostAsync(edit, Form(token, $"quiz-{sid}", ("passPercent", "50"), ("maxAttempts", "2"), ("questions", "只有一个选项的题\n*对")));
        Assert.Contains("选项应为 2 到 8 个", await badQuiz.HtmlAsync());
        // The same refusal posted on the page reached after adding the session (?done=session): the error, no success banner.
        var badAfterDone = await (await staff.PostAsync(edit + "?done=session", Form(token, $"quiz-{sid}", ("passPercent", "50"), ("maxAttempts", "2"), ("questions", "只有一个选项的题\n*对")))).HtmlAsync();
        Assert.Contains("选项应为 2 到 8 个", badAfterDone);
        Assert.DoesNotContain("已添加一讲", badAfterDone);
        Assert.Contains("已添加一讲", await staff.GetHtmlAsync(edit + "?done=session"));
        var quiz = await staff.PostAsync(edit, Form(token, $"quiz-{sid}", ("passPercent", "50"), ("maxAttempts", "2"),
            ("questions", "政协的职能包括？\n*政治协商\n*民主监督\n行政审批\n\n政协委员每届任期几年？\n三年\n*五年")));
        Assert.Equal(HttpStatusCode.Redirect, quiz.StatusCode);
        var editHtml = await staff.GetHtmlAsync(edit);
        Assert.Contains("*政治协商", editHtml);
        // A material through the page's upload form (antiforgery checked after the form is read).
        var upload = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("document"), "kind" }, { new StringContent("章程全文"), "title" },
        };
        var file = new ByteArrayContent([.. "%PDF-1.7\n"u8, .. new byte[300]]);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        upload.Add(file, "file", "章程.pdf");
        var uploaded = await staff.PostAsync($"/study/courses/{id}/materials", upload);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        Assert.Contains("done=material", uploaded.Target());
        var forged = new MultipartFormDataContent { { new StringContent("document"), "kind" }, { new ByteArrayContent([.. "%PDF-1.7\n"u8]), "file", "x.pdf" } };
        var refused = await staff.PostAsync($"/study/courses/{id}/materials", forged);
        Assert.Contains("error=", refused.Target());
        Assert.Equal(1, await app.WithDbAsync(db => db.StudyMaterials.CountAsync(m => m.CourseId == id)));

        var published = await staff.PostAsync(edit, Form(token, "publish"));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(CourseStatus.Published, await app.WithDbAsync(db => db.Courses.Where(c => c.Id == id).Select(c => c.Status).FirstAsync()));

        // The member: hub with a progress bar, the course page with the activity link and the quiz button.
        var member = await app.SignedInPageClientAsync("member.520200");
        var hub = await member.GetHtmlAsync("/study");
        Assert.Contains("新任委员履职能力培训", hub);
        Assert.Contains("role=\"progressbar\"", hub);
        Assert.Contains($"/activities/{aid}", hub);
        var detail = await member.GetHtmlAsync($"/study/courses/{id}");
        // The material carries a text badge (PDF), no emoji (empty boxes on PCs without an emoji font).
        Assert.Contains("xs-study-kind\">PDF</span><a href=", detail);
        Assert.DoesNotContain("📄", detail);
        Assert.Contains($"href=\"/activities/{aid}\"", detail);
        Assert.Contains($"/study/courses/{id}/sessions/{sid}/quiz", detail);
        Assert.Contains("章程全文", detail);
        Assert.DoesNotContain("学员情况", detail);
        var quizUrl = $"/study/courses/{id}/sessions/{sid}/quiz";
        var quizHtml = await member.GetHtmlAsync(quizUrl);
        var qids = await app.WithDbAsync(db => db.QuizQuestions.Where(q => q.SessionId == sid).OrderBy(q => q.SortOrder).Select(q => q.Id).ToListAsync());
        Assert.Contains($"<label class=\"form-check-label\" for=\"q{qids[0]}-0\">", quizHtml);
        Assert.Contains($"type=\"checkbox\" name=\"q{qids[0]}\"", quizHtml);
        Assert.Contains($"type=\"radio\" name=\"q{qids[1]}\"", quizHtml);
        Assert.DoesNotContain("✔", quizHtml);
        var mtoken = PageClient.Token(quizHtml);
        // First question half right (wrong), second right: 50 = pass mark.
        var answered = await member.PostAsync(quizUrl, Form(mtoken, "quiz", ($"q{qids[0]}", "0"), ($"q{qids[1]}", "1")));
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Contains("attempt=1", answered.Target());
        var result = await member.GetHtmlAsync(answered.Target().Split('#')[0]);
        Assert.Contains("50 分", result);
        Assert.Contains("通过", result);
        Assert.Contains("答错的题：第 1 题", result);
        Assert.Equal(1, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == sid && a.MemberId == mid)));

        // Staff: enrolment table and its .xlsx.
        var staffDetail = await staff.GetHtmlAsync($"/study/courses/{id}");
        Assert.Contains("学员情况", staffDetail);
        var xlsx = await staff.GetAsync($"/study/courses/{id}/enrolments.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using (var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()))
        {
            var rows = stream.Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
            Assert.Single(rows);
            Assert.Equal(1.0, Convert.ToDouble(rows[0]["通过测验数"]));
        }

        // The member's study record page: 我的学习.
        var record = await member.GetHtmlAsync($"/members/{mid}/study");
        Assert.Contains("我的学习", record);
        Assert.Contains("新任委员履职能力培训", record);
        Assert.Contains("第1讲 50 分（已通过）", record);
        Assert.Contains("新任委员履职能力培训", await staff.GetHtmlAsync($"/members/{mid}/study"));
    }

    [Fact]
    public async Task The_pages_refuse_the_wrong_committee_and_role_and_a_refused_post_changes_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var mid = await MemberIdOf("member.520200");
        var res = await staff.PostAsJsonAsync("/api/courses", new { title = "依法履职专题培训", organizerCodes = new[] { "520200" }, audience = new { members = new[] { mid } } });
        var id = (await res.Content.ReadFromJsonAsync<CourseIdResult>())!.Id;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var s = await (await staff.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "宪法", startsAt = start, endsAt = start.AddHours(3), place = "会议室" })).Content.ReadFromJsonAsync<SessionCreated>();
        await staff.PutAsJsonAsync($"/api/courses/{id}/sessions/{s!.Id}/quiz", new { questions = new[] { new { text = "题", options = new[] { "对", "错" }, correct = new[] { 0 } } } });
        await staff.PostAsync($"/api/courses/{id}/publish", null);
        var before = await CountsAsync();

        foreach (var who in new[] { "staff.520201", "member.520201" })
        {
            var c = await app.SignedInPageClientAsync(who);
            Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/study/courses/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/study/courses/{id}/sessions/{s.Id}/quiz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/members/{mid}/study")).StatusCode);
            Assert.DoesNotContain("依法履职专题培训", await c.GetHtmlAsync("/study"));
            var xlsx = await c.GetAsync($"/study/courses/{id}/enrolments.xlsx");
            Assert.NotEqual(HttpStatusCode.OK, xlsx.StatusCode);
        }
        // Another district's staff: the edit page is 404 and its forms change nothing.
        var district = await app.SignedInPageClientAsync("staff.520201");
        var editRes = await district.GetAsync($"/study/courses/{id}/edit");
        Assert.True(editRes.StatusCode == HttpStatusCode.NotFound, $"{editRes.StatusCode} {editRes.Headers.Location}");
        var token = await district.TokenOfAsync("/study/courses/new");
        var post = await district.PostAsync($"/study/courses/{id}/edit", Form(token, "cancel", ("reason", "不办了")));
        Assert.True(post.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.NotFound, $"{post.StatusCode}");
        // …nor its material form or delete endpoint, nor the .xlsx.
        var material = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("link"), "kind" },
            { new StringContent("外链"), "title" }, { new StringContent("https://www.cppcc.gov.cn/"), "url" } };
        // (The pages' status handling turns a page endpoint's 404 into the 404 page.)
        static void IsNotFound(HttpResponseMessage r) =>
            Assert.True(r.StatusCode == HttpStatusCode.NotFound || r.Headers.Location?.OriginalString.Contains("/status/404") == true, $"{r.StatusCode} {r.Headers.Location}");
        IsNotFound(await district.PostAsync($"/study/courses/{id}/materials", material));
        IsNotFound(await district.PostAsync($"/study/courses/{id}/materials/1/delete", Form(token, "")));
        IsNotFound(await district.GetAsync($"/study/courses/{id}/enrolments.xlsx"));
        // The city's leader reads the course but the edit page is the staff's.
        var leader = await app.SignedInPageClientAsync("leader.520200");
        Assert.Contains("学员情况", await leader.GetHtmlAsync($"/study/courses/{id}"));
        Assert.NotEqual(HttpStatusCode.OK, (await leader.GetAsync($"/study/courses/{id}/edit")).StatusCode);
        // A member not enrolled posting an answer: nothing stored.
        var other = await app.SignedInPageClientAsync("member.520201");
        var otherToken = await other.TokenOfAsync("/study");
        await other.PostAsync($"/study/courses/{id}/sessions/{s.Id}/quiz", Form(otherToken, "quiz", ("q1", "0")));
        // A handling unit is refused the hub.
        var unit = await app.SignedInPageClientAsync("unit.520200.edu");
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync("/study")).StatusCode);
        Assert.Equal(before, await CountsAsync());
        // The enrolled member sees the quiz but not the editor's answers.
        var member = await app.SignedInPageClientAsync("member.520200");
        Assert.DoesNotContain("✔", await member.GetHtmlAsync($"/study/courses/{id}/sessions/{s.Id}/quiz"));
        Assert.Contains("✔", await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/study/courses/{id}/sessions/{s.Id}/quiz"));
    }

    /// <summary>A published course for member.520200 with one session starting at <paramref name="start"/> and a one-question quiz (pass 100, 3 attempts).</summary>
    private async Task<(int Course, int Session, int Question)> QuizCourseAsync(string title, DateTimeOffset start)
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var mid = await MemberIdOf("member.520200");
        var res = await staff.PostAsJsonAsync("/api/courses", new { title, organizerCodes = new[] { "520200" }, audience = new { members = new[] { mid } } });
        var id = (await res.Content.ReadFromJsonAsync<CourseIdResult>())!.Id;
        var s = await (await staff.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "政协章程", startsAt = start, endsAt = start.AddHours(3), place = "会议室" })).Content.ReadFromJsonAsync<SessionCreated>();
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/courses/{id}/sessions/{s!.Id}/quiz",
            new { passPercent = 100, maxAttempts = 3, questions = new[] { new { text = "人民政协的性质", options = new[] { "专门协商机构", "权力机关" }, correct = new[] { 0 } } } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{id}/publish", null)).StatusCode);
        var qid = await app.WithDbAsync(db => db.QuizQuestions.Where(q => q.SessionId == s.Id).Select(q => q.Id).SingleAsync());
        return (id, s.Id, qid);
    }

    [Fact]
    public async Task The_enrolment_table_pages_by_fifty_with_a_completion_filter_and_a_name_search_and_the_xlsx_stays_complete()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var members = await app.WithDbAsync(async db =>
        {
            var city = await db.Committees.Where(c => c.Code == "520200").Select(c => c.Path).FirstAsync();
            return await db.Members.Where(m => m.IsActive && m.CommitteePath.StartsWith(city)).OrderBy(m => m.Id).Select(m => m.Id).Take(60).ToListAsync();
        });
        Assert.True(members.Count > 50, $"only {members.Count} members");
        var res = await staff.PostAsJsonAsync("/api/courses", new { title = "分页学员表课程", organizerCodes = new[] { "520200" }, audience = new { members } });
        var id = (await res.Content.ReadFromJsonAsync<CourseIdResult>())!.Id;
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(3).AddHours(9), TimeSpan.FromHours(8)); // 09:00–11:00 China time
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"/api/courses/{id}/sessions", new { topic = "政协章程", startsAt = start, endsAt = start.AddHours(2), place = "会议室" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsync($"/api/courses/{id}/publish", null)).StatusCode);
        // Three enrolments completed (set up directly: completion itself is tested through attendance elsewhere).
        var done = members.Take(3).ToList();
        await app.WithDbAsync(async db =>
        {
            foreach (var e in await db.CourseEnrolments.Where(e => e.CourseId == id && done.Contains(e.MemberId)).ToListAsync()) e.CompletedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
            return 0;
        });
        var enrolled = await app.WithDbAsync(db => db.CourseEnrolments.CountAsync(e => e.CourseId == id));
        Assert.Equal(members.Count, enrolled);
        var page = await app.SignedInPageClientAsync("staff.520200");
        static int Rows(string html) => Regex.Matches(Regex.Match(html, "id=\"enrolment-table\".*?</table>", RegexOptions.Singleline).Value, "<tr>").Count - 1;

        var first = await page.GetHtmlAsync($"/study/courses/{id}");
        Assert.Equal(50, Rows(first));
        Assert.Contains($"/study/courses/{id}?page=2#enrolments", first);
        Assert.Equal(enrolled - 50, Rows(await page.GetHtmlAsync($"/study/courses/{id}?page=2")));
        Assert.Equal(enrolled - 50, Rows(await page.GetHtmlAsync($"/study/courses/{id}?page=99"))); // clamped to the last page
        Assert.Equal(3, Rows(await page.GetHtmlAsync($"/study/courses/{id}?enrol=done")));
        Assert.Equal(enrolled - 3, Rows(await page.GetHtmlAsync($"/study/courses/{id}?enrol=open&page=1")) + Rows(await page.GetHtmlAsync($"/study/courses/{id}?enrol=open&page=2")));
        var name = await app.WithDbAsync(db => db.Members.Where(m => m.Id == members[55]).Select(m => m.Name).FirstAsync());
        var found = await page.GetHtmlAsync($"/study/courses/{id}?q={Uri.EscapeDataString(name)}");
        Assert.InRange(Rows(found), 1, 5);
        Assert.Contains($"/members/{members[55]}/study\">{name}<", found);
        Assert.Contains("id=\"enrolments-none\"", await page.GetHtmlAsync($"/study/courses/{id}?q=%E6%97%A0%E6%AD%A4%E4%BA%BA%E5%90%8D"));
        // English UI: the status and the session's time come from the resource and the culture.
        var en = await page.GetHtmlAsync($"/study/courses/{id}?culture=en");
        Assert.Contains(">In progress</span>", en);
        Assert.Matches(@"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}–\d{2}:\d{2}", en);
        // The .xlsx has every enrolment.
        using var stream = new MemoryStream(await (await page.GetAsync($"/study/courses/{id}/enrolments.xlsx")).Content.ReadAsByteArrayAsync());
        Assert.Equal(enrolled, stream.Query(useHeaderRow: true).Count());
    }

    [Fact]
    public async Task The_course_form_names_each_members_sector_and_namesakes_work_unit_and_the_audience_box_is_one_column_on_a_phone()
    {
        var mid = await MemberIdOf("member.520200");
        var m = await app.WithDbAsync(db => db.Members.Where(x => x.Id == mid).Select(x => new { x.Id, x.Name, Committee = x.Committee!.Name, Sector = x.Sector!.Name }).FirstAsync());
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var form = await staff.GetHtmlAsync("/study/courses/new");
        Assert.Matches($"<option value=\"{m.Id}\"[^>]*>{Regex.Escape(m.Name)}（{Regex.Escape(m.Committee)} · {Regex.Escape(m.Sector)}）</option>", form);
        Assert.Contains("id=\"audience-pick\"", form);
        Assert.Contains("flex-column flex-sm-row", form);
    }

    [Fact]
    public async Task An_empty_quiz_submission_is_refused_with_a_message_the_form_stays_and_no_attempt_is_used()
    {
        var (id, sid, qid) = await QuizCourseAsync("空白答卷课程", DateTimeOffset.UtcNow.AddHours(-1));
        var member = await app.SignedInPageClientAsync("member.520200");
        var url = $"/study/courses/{id}/sessions/{sid}/quiz";
        var token = PageClient.Token(await member.GetHtmlAsync(url));
        var before = await CountsAsync();

        var empty = await member.PostAsync(url, Form(token, "quiz"));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        var html = await empty.HtmlAsync();
        Assert.Contains("请先作答", html);
        Assert.Contains($"name=\"q{qid}\"", html);
        Assert.Contains("提交答卷", html);
        Assert.DoesNotContain("id=\"result\"", html);
        Assert.DoesNotContain("未通过", html);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == sid)));
        // The next real answer is the first attempt.
        var answered = await member.PostAsync(url, Form(token, "quiz", ($"q{qid}", "0")));
        Assert.Contains("attempt=1", answered.Target());
    }

    public async Task After_an_attempt_the_quiz_page_shows_the_answers_with_marks_a_failed_one_offers_another_and_a_passed_one_leads_back()
    {
        var (id, sid, qid) = await QuizCourseAsync("测验结果页课程", DateTimeOffset.UtcNow.AddHours(-1));
        var member = await app.SignedInPageClientAsync("member.520200");
        var url = $"/study/courses/{id}/sessions/{sid}/quiz";
        var token = PageClient.Token(await member.GetHtmlAsync(url));

        // Failed (the wrong option): the result, the member's answer marked wrong, 再答一次 as the main button, no form.
        var failed = await member.PostAsync(url, Form(token, "quiz", ($"q{qid}", "1")));
        Assert.Contains("attempt=1", failed.Target());
        var failedHtml = await member.GetHtmlAsync(failed.Target().Split('#')[0]);
        Assert.Contains("0 分", failedHtml);
        Assert.Contains("未通过", failedHtml);
        Assert.Contains($"id=\"a-{qid}\" data-right=\"false\"", failedHtml);
        Assert.Contains("✘ 答错", failedHtml);
        Assert.Contains("B. 权力机关（您的选择）", failedHtml);
        Assert.DoesNotContain($"name=\"q{qid}\"", failedHtml);
        Assert.Matches($"id=\"try-again\" href=\"{Regex.Escape(url)}\\?again=1\">再答一次（还可答 2 次）", failedHtml);
        // A failed member opening the quiz again gets the form (nothing passed yet).
        Assert.Contains($"name=\"q{qid}\"", await member.GetHtmlAsync(url));

        // Passed: marked right, 返回课程 is the main button, another attempt only inside a collapsed <details>, no form.
        var passed = await member.PostAsync(url + "?again=1", Form(token, "quiz", ($"q{qid}", "0")));
        Assert.Contains("attempt=2", passed.Target());
        var passedHtml = await member.GetHtmlAsync(passed.Target().Split('#')[0]);
        Assert.Contains("100 分", passedHtml);
        Assert.Contains($"id=\"a-{qid}\" data-right=\"true\"", passedHtml);
        Assert.Contains("✔ 答对", passedHtml);
        Assert.Contains("A. 专门协商机构（您的选择）", passedHtml);
        Assert.Contains($"id=\"back-to-course\" href=\"/study/courses/{id}#session-{sid}\">返回课程", passedHtml);
        Assert.DoesNotContain($"name=\"q{qid}\"", passedHtml);
        Assert.DoesNotContain("提交答卷", passedHtml);
        Assert.DoesNotContain("id=\"try-again\"", passedHtml);
        var details = Regex.Match(passedHtml, "<details[^>]*id=\"again\"[^>]*>(.*?)</details>", RegexOptions.Singleline);
        Assert.True(details.Success);
        Assert.DoesNotContain(" open", Regex.Match(passedHtml, "<details[^>]*>").Value);
        Assert.Contains("再答一次（还可答 1 次）", details.Groups[1].Value);
        // Opening the quiz later (查看测验 on the course page) shows the passed result, not an empty form; ?again=1 gives the form.
        var later = await member.GetHtmlAsync(url);
        Assert.Contains("100 分", later);
        Assert.Contains("id=\"answers\"", later);
        Assert.DoesNotContain($"name=\"q{qid}\"", later);
        Assert.Contains($"name=\"q{qid}\"", await member.GetHtmlAsync(url + "?again=1"));
        Assert.Contains("查看测验", await member.GetHtmlAsync($"/study/courses/{id}"));
        Assert.Equal(2, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == sid)));
    }

    [Fact]
    public async Task Before_a_session_starts_the_course_page_says_not_started_and_the_quiz_button_is_disabled_and_the_server_refuses_an_answer()
    {
        var (id, sid, qid) = await QuizCourseAsync("尚未开讲的课程", DateTimeOffset.UtcNow.AddDays(2));
        var member = await app.SignedInPageClientAsync("member.520200");
        var detail = await member.GetHtmlAsync($"/study/courses/{id}");
        Assert.Contains("未开始", detail);
        Assert.DoesNotContain("未出勤", detail);
        Assert.Matches($"<button type=\"button\" class=\"[^\"]*\" disabled[^>]*id=\"quiz-{sid}-closed\"[^>]*>第1讲测验 · 开始后可答题</button>", detail);
        Assert.DoesNotContain($"href=\"/study/courses/{id}/sessions/{sid}/quiz\"", detail);
        // The server refuses an answer posted anyway (the page and the API), nothing stored.
        var url = $"/study/courses/{id}/sessions/{sid}/quiz";
        var quizHtml = await member.GetHtmlAsync(url);
        Assert.Contains("本讲开始后", quizHtml);
        var posted = await member.PostAsync(url, Form(await member.TokenOfAsync("/study"), "quiz", ($"q{qid}", "0")));
        Assert.NotEqual(HttpStatusCode.Redirect, posted.StatusCode);
        var api = await (await app.ClientAsAsync("member.520200")).PostAsJsonAsync($"/api/courses/{id}/sessions/{sid}/attempts",
            new { answers = new Dictionary<string, int[]> { [qid.ToString()] = [0] } });
        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        Assert.Contains("本讲开始后", await api.Content.ReadAsStringAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.QuizAttempts.CountAsync(a => a.SessionId == sid)));
        // Staff who manage the course still open the quiz (to review its questions).
        Assert.Contains($"href=\"/study/courses/{id}/sessions/{sid}/quiz\"", await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/study/courses/{id}"));
    }

    [Fact]
    public async Task Staff_upload_a_recording_over_kestrels_default_limit_through_the_course_page_form_and_it_is_on_disk_and_served_with_ranges()
    {
        var (id, _, _) = await QuizCourseAsync("大文件录像课程", DateTimeOffset.UtcNow.AddHours(-1));
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var token = PageClient.Token(await staff.GetHtmlAsync($"/study/courses/{id}/edit"));
        var (path, size) = await StudyUploads.BigMp4Async();
        try
        {
            using var content = StudyUploads.Form(token, path, "课程录像");
            var res = await staff.PostAsync($"/study/courses/{id}/materials", content);
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.Contains("done=material", res.Target());
            var m = await app.WithDbAsync(db => db.StudyMaterials.Include(x => x.StoredFile).SingleAsync(x => x.CourseId == id && x.Title == "课程录像"));
            Assert.Equal(size, m.StoredFile!.Size);
            await StudyUploads.AssertOnDiskAndServedAsync(app, await app.ClientAsAsync("member.520200"), $"/api/courses/{id}/materials/{m.Id}", path, size);
        }
        finally { File.Delete(path); }
    }
}

public sealed class CoursePagesSqliteTests(SqliteAppFactory f) : CoursePagesTests(f), IClassFixture<SqliteAppFactory>;

public sealed class CoursePagesPostgresTests(PostgresAppFactory f) : CoursePagesTests(f), IClassFixture<PostgresAppFactory>;

/// <summary>A recording over Kestrel's default request limit (about 28.6 MB) for the page upload tests: written to a temp file and streamed.</summary>
internal static class StudyUploads
{
    /// <summary>Writes a 30 MiB MP4 (ftyp box, then an mdat box of zeros and a marker tail) to a temp file; returns its path and size.</summary>
    public static async Task<(string Path, long Size)> BigMp4Async()
    {
        const int size = 30 * 1024 * 1024;
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"xs-big-{Guid.NewGuid():N}.mp4");
        var b = new byte[size];
        byte[] ftyp = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'];
        ftyp.CopyTo(b, 0);
        var mdat = size - ftyp.Length;
        b[24] = (byte)(mdat >> 24); b[25] = (byte)(mdat >> 16); b[26] = (byte)(mdat >> 8); b[27] = (byte)mdat;
        "mdat"u8.CopyTo(b.AsSpan(28));
        for (var i = size - 1024; i < size; i++) b[i] = (byte)(i % 251);
        await File.WriteAllBytesAsync(path, b);
        return (path, size);
    }

    /// <summary>The page upload form: antiforgery token, kind video, title, and the file streamed from <paramref name="path"/>.</summary>
    public static MultipartFormDataContent Form(string token, string path, string title)
    {
        var file = new StreamContent(File.OpenRead(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        return new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" }, { new StringContent("video"), "kind" }, { new StringContent(title), "title" },
            { file, "file", "录像.mp4" },
        };
    }

    /// <summary>Asserts a file of <paramref name="size"/> bytes is in the upload folder and <paramref name="url"/> serves its last KiB as a 206 range.</summary>
    public static async Task AssertOnDiskAndServedAsync(AppFactory app, HttpClient reader, string url, string path, long size)
    {
        Assert.Contains(Directory.GetFiles(app.UploadPath, "*", SearchOption.AllDirectories), f => !f.Contains(".tmp") && new FileInfo(f).Length == size);
        var range = new HttpRequestMessage(HttpMethod.Get, url);
        range.Headers.Range = new RangeHeaderValue(size - 1024, size - 1);
        var part = await reader.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("video/mp4", part.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"bytes {size - 1024}-{size - 1}/{size}", part.Content.Headers.ContentRange?.ToString());
        var expected = new byte[1024];
        await using (var f = File.OpenRead(path)) { f.Seek(size - 1024, SeekOrigin.Begin); await f.ReadExactlyAsync(expected); }
        Assert.Equal(expected, await part.Content.ReadAsByteArrayAsync());
    }
}
