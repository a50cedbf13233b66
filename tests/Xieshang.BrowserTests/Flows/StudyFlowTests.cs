using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// The study flow of issue 7 §5 in a real Chromium on a phone: staff set up, through the API, a published course whose one
/// session starts in a few minutes with a three-question quiz (completion: the session attended and the quiz passed), and a
/// reading group with <c>member.520200</c> in it, where the member has already checked in three times today (the API, 40
/// minutes each: one check-in and 40 minutes short of the default monthly rule, 4 check-ins and 120 minutes). Then the
/// member, on a phone: opens 学习, the course, checks in to the session through the QR link the staff screen shows, takes
/// the quiz and passes it, opens the reading group and checks in with a note, sees it in the feed, and finds both new duty
/// records (完成学习培训 and the monthly reading record) on the duty page. Screenshots study-*.png at every step, plus desktop
/// screenshots of the staff course page, the public lecture archive (a public series' lecture, held once the clock has moved past
/// its start) and the reading group's statistics.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StudyFlowTests(BrowserFixture browser)
{
    private const string Member = "member.520200";
    private const string Note = "读到“差序格局”一章，很受启发。基层协商要从熟人社会的特点出发，把道理讲在前面。下次读书会想和大家交流这一点。";

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    /// <summary>A bearer token of <paramref name="userName"/> from <c>POST /api/auth/login</c>.</summary>
    private static async Task<string> TokenAsync(IAPIRequestContext api, string userName)
    {
        var r = await api.PostAsync("/api/auth/login", new() { DataObject = new { userName, password = AppFactory.DemoPassword } });
        Assert.True(r.Ok, $"login {userName}: {r.Status}");
        return (await r.JsonAsync())!.Value.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Sends <paramref name="body"/> as JSON with the bearer token and returns the answer's JSON (asserting a 2xx status).</summary>
    private static async Task<JsonElement?> CallAsync(IAPIRequestContext api, string token, string method, string url, object? body = null)
    {
        var options = new APIRequestContextOptions { Method = method, Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token } };
        if (body is not null) options.DataObject = body;
        var r = await api.FetchAsync(url, options);
        Assert.True(r.Ok, $"{method} {url}: {r.Status} {await r.TextAsync()}");
        return r.Status == 204 ? null : await r.JsonAsync();
    }

    [Fact]
    public async Task A_member_on_a_phone_attends_a_session_passes_the_quiz_checks_in_reading_and_sees_the_duty_records()
    {
        var china = TimeSpan.FromHours(8);
        var now = browser.Clock.GetUtcNow().ToOffset(china);
        // The session starts in ten minutes on a whole minute; check-in opens two hours before the start.
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, china).AddMinutes(10);
        var stamp = start.ToString("MMddHHmm", CultureInfo.InvariantCulture);
        var title = $"委员履职能力培训（手机测试{stamp}）";
        var groupName = $"手机读书小组{stamp}";
        var (memberId, memberName, leaderId) = await browser.WithDbAsync(async db =>
        {
            var id = await db.Users.Where(u => u.UserName == Member).Select(u => u.MemberId!.Value).FirstAsync();
            var m = await db.Members.Where(x => x.Id == id).Select(x => new { x.Name, x.CommitteeId }).FirstAsync();
            var leader = await db.Members.Where(x => x.CommitteeId == m.CommitteeId && x.IsActive && x.Id != id).OrderBy(x => x.Id).Select(x => x.Id).FirstAsync();
            return (id, m.Name, leader);
        });

        await using var office = await browser.NewContextAsync(BrowserFixture.Desktop);
        var api = office.APIRequest;
        var staffToken = await TokenAsync(api, "staff.520200");
        var memberToken = await TokenAsync(api, Member);
        try
        {
            // ── Staff, through the API: the course, its session and quiz, published ──
            var course = (await CallAsync(api, staffToken, "POST", "/api/courses", new
            {
                title, description = "<p>面向新任委员的履职能力培训。</p>", organizerCodes = new[] { "520200" },
                audience = new { members = new[] { memberId } }, completionAttendedPercent = 100, completionRequiresQuizzes = true,
            }))!.Value.GetProperty("id").GetInt32();
            var session = (await CallAsync(api, staffToken, "POST", $"/api/courses/{course}/sessions", new
            {
                topic = "人民政协的性质和职能", startsAt = start, endsAt = start.AddHours(2), place = "市政协三楼会议室",
            }))!.Value;
            var (sessionId, activityId) = (session.GetProperty("id").GetInt32(), session.GetProperty("activityId").GetInt32());
            await CallAsync(api, staffToken, "PUT", $"/api/courses/{course}/sessions/{sessionId}/quiz", new
            {
                passPercent = 60, maxAttempts = 3, questions = new object[]
                {
                    new { text = "人民政协的主要职能是什么？", options = new[] { "政治协商、民主监督、参政议政", "立法、执法、司法", "审议、表决、任免" }, correct = new[] { 0 } },
                    new { text = "中国人民政治协商会议第一届全体会议于哪一年召开？", options = new[] { "1949 年", "1954 年", "1978 年" }, correct = new[] { 0 } },
                    new { text = "政协协商的形式包括哪些？（多选）", options = new[] { "全体会议协商", "双周协商座谈会", "人大常委会审议" }, correct = new[] { 0, 1 } },
                },
            });
            await CallAsync(api, staffToken, "POST", $"/api/courses/{course}/publish");

            // ── Staff, through the API: a public 政协讲堂 series with a lecture at the same time (held once the clock moves on) ──
            var series = (await CallAsync(api, staffToken, "POST", "/api/lecture-series", new
            {
                name = $"政协讲堂（测试{stamp}）", hall = "cppcc", committeeCode = "520200", description = "面向全体委员，向社会公开。", isPublic = true,
            }))!.Value.GetProperty("id").GetInt32();
            await CallAsync(api, staffToken, "POST", "/api/lectures", new
            {
                seriesId = series, topic = $"人民政协的协商民主（{stamp}）", speakerName = "王建华", speakerTitle = "贵州大学教授", speakerKind = "expert",
                startsAt = start, endsAt = start.AddHours(2), place = "市政协二楼报告厅", summary = "<p>讲解人民政协作为专门协商机构的性质定位。</p>",
                invitees = new { committees = new[] { "520200" } }, publish = true,
            });

            // ── Staff, through the API: a reading group with the member; the member's three earlier check-ins today ──
            var group = (await CallAsync(api, staffToken, "POST", "/api/reading-groups", new
            {
                name = groupName, committeeCode = "520200", leaderId, memberIds = new[] { memberId },
            }))!.Value.GetProperty("id").GetInt32();
            await CallAsync(api, staffToken, "POST", $"/api/reading-groups/{group}/books", new
            {
                title = "乡土中国", author = "费孝通", inPlan = true,
                from = now.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = now.AddDays(25).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
            for (var i = 1; i <= 3; i++)
                await CallAsync(api, memberToken, "POST", $"/api/reading-groups/{group}/checkins", new { book = "乡土中国", progress = $"第{i}章", minutes = 40 });

            // ── The member on a phone: 学习 → the course ──
            await using var phone = await browser.NewContextAsync(BrowserFixture.Phone);
            var member = await phone.NewPageAsync();
            await SignInAsync(member, Member);
            await member.GotoAsync("/study");
            await Expect(member.GetByRole(AriaRole.Link, new() { Name = title, Exact = true })).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "study-hub");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            await member.GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
            await Expect(member.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true })).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "study-course");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

            // ── Five minutes after the start: staff's check-in screen shows the QR code; the phone opens its address ──
            browser.Clock.Offset = start.AddMinutes(5) - DateTimeOffset.UtcNow;
            var code = (await CallAsync(api, staffToken, "GET", $"/api/activities/{activityId}/checkin-code"))!.Value;
            var url = new Uri(code.GetProperty("url").GetString()!);
            await member.GotoAsync(url.PathAndQuery);
            await member.GetByRole(AriaRole.Button, new() { Name = "确认签到" }).ClickAsync();
            await Expect(member.GetByText(new Regex("已签到")).First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "study-checked-in");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

            // ── The quiz: from the course page, every answer right ──
            await member.GotoAsync($"/study/courses/{course}");
            await Expect(member.GetByText(new Regex("已签到|已出勤")).First).ToBeVisibleAsync();
            await member.GetByRole(AriaRole.Link, new() { Name = "第1讲测验" }).ClickAsync();
            await Expect(member.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("提交答卷") })).ToBeVisibleAsync();
            await member.GetByLabel(new Regex("政治协商、民主监督、参政议政")).CheckAsync();
            await member.GetByLabel(new Regex("1949 年")).CheckAsync();
            await member.GetByLabel(new Regex("全体会议协商")).CheckAsync();
            await member.GetByLabel(new Regex("双周协商座谈会")).CheckAsync();
            await browser.ScreenshotAsync(member, "study-quiz");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            await member.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("提交答卷") }).ClickAsync();
            var result = member.GetByRole(AriaRole.Status).Filter(new() { HasText = "100 分" });
            await Expect(result).ToBeVisibleAsync();
            await Expect(result).ToContainTextAsync("通过");
            await browser.ScreenshotAsync(member, "study-quiz-passed");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            await member.GotoAsync($"/study/courses/{course}");
            await browser.ScreenshotAsync(member, "study-course-done");

            // ── Reading: the group, a check-in with a note, the feed ──
            await member.GotoAsync("/reading");
            await member.GetByRole(AriaRole.Link, new() { Name = groupName, Exact = true }).ClickAsync();
            await Expect(member.GetByRole(AriaRole.Heading, new() { Name = groupName, Exact = true })).ToBeVisibleAsync();
            await member.WaitForTimeoutAsync(1500); // the statistics chart's drawing animation
            await browser.ScreenshotAsync(member, "study-reading-group");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            await member.GetByLabel("书名", new() { Exact = true }).First.FillAsync("《乡土中国》");
            await member.GetByLabel("页码或章节").FillAsync("第4章 差序格局");
            await member.GetByLabel("时长（分钟）").FillAsync("45");
            await member.GetByLabel("读书笔记（可选）").FillAsync(Note);
            await browser.ScreenshotAsync(member, "study-reading-checkin-form");
            await member.GetByRole(AriaRole.Button, new() { Name = "打卡", Exact = true }).ClickAsync();
            var feed = member.Locator("section", new() { Has = member.GetByRole(AriaRole.Heading, new() { Name = "打卡动态" }) });
            await Expect(feed.GetByText("第4章 差序格局").First).ToBeVisibleAsync();
            await Expect(feed.GetByText(new Regex("差序格局”一章，很受启发")).First).ToBeVisibleAsync();
            await member.WaitForTimeoutAsync(1500); // the statistics chart's drawing animation (ECharts, one second)
            await browser.ScreenshotAsync(member, "study-reading-feed");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

            // ── The duty file: 完成学习培训 and the month's reading record ──
            await member.GotoAsync("/duty");
            await Expect(member.GetByText($"完成学习培训：{title}").First).ToBeVisibleAsync();
            await Expect(member.GetByText(new Regex(@"书香政协读书打卡达标（\d{4}年\d{1,2}月）")).First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "study-duty-file");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            var codes = await browser.WithDbAsync(db => db.DutyRecords.Where(d => d.MemberId == memberId && (d.Source == "course" && d.SourceId == course || d.RuleCode == "reading.monthly"))
                .Select(d => d.RuleCode).ToListAsync());
            Assert.Contains("study.completed", codes);
            Assert.Contains("reading.monthly", codes);

            // ── Desktop: the staff course page, the public lecture archive (no sign-in), the group's statistics ──
            var staff = await office.NewPageAsync();
            await SignInAsync(staff, "staff.520200");
            await staff.GotoAsync($"/study/courses/{course}");
            await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true })).ToBeVisibleAsync();
            await Expect(staff.GetByText(memberName).First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(staff, "study-staff-course");
            await using var visitor = await browser.NewContextAsync(BrowserFixture.Desktop);
            var archive = await visitor.NewPageAsync();
            await archive.GotoAsync("/lectures/archive");
            await Expect(archive.GetByText($"人民政协的协商民主（{stamp}）").First).ToBeVisibleAsync();
            await browser.ScreenshotAsync(archive, "study-lecture-archive");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(archive);
            await staff.GotoAsync($"/reading/groups/{group}#stats");
            await Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "小组统计" })).ToBeVisibleAsync();
            await staff.WaitForTimeoutAsync(1500); // the chart's drawing animation
            await browser.ScreenshotAsync(staff, "study-reading-stats");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(staff);
        }
        finally
        {
            browser.Clock.Offset = TimeSpan.Zero;
        }
    }
}
