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
            var lecture = (await CallAsync(api, staffToken, "POST", "/api/lectures", new
            {
                seriesId = series, topic = $"人民政协的协商民主（{stamp}）", speakerName = "王建华", speakerTitle = "贵州大学教授", speakerKind = "expert",
                startsAt = start, endsAt = start.AddHours(2), place = "市政协二楼报告厅", summary = "<p>讲解人民政协作为专门协商机构的性质定位。</p>",
                invitees = new { committees = new[] { "520200" } }, publish = true,
            }))!.Value.GetProperty("id").GetInt32();

            // ── Staff on a phone, through the pages: a 30 MiB recording on the lecture page (over Kestrel's 28.6 MB default
            //    request limit, real Kestrel here), then a session video and a course document on the course's edit page ──
            var bigVideo = Path.Combine(Path.GetTempPath(), $"xs-flow-{Guid.NewGuid():N}.mp4");
            await File.WriteAllBytesAsync(bigVideo, Mp4(30 * 1024 * 1024));
            await using (var staffPhone = await browser.NewContextAsync(BrowserFixture.Phone))
            {
                var sp = await staffPhone.NewPageAsync();
                await SignInAsync(sp, "staff.520200");
                await sp.GotoAsync($"/lectures/{lecture}");
                await sp.Locator("#m-kind").SelectOptionAsync("video");
                await sp.Locator("#m-title").FillAsync("讲座全程录像（含互动问答环节，约两小时）");
                await sp.Locator("#m-file").SetInputFilesAsync(bigVideo);
                await sp.GetByRole(AriaRole.Button, new() { Name = "上传", Exact = true }).ClickAsync();
                await Expect(sp).ToHaveURLAsync(new Regex("done=material"));
                await Expect(sp.Locator("video.lecture-video")).ToHaveCountAsync(1);
                await sp.Locator("#materials").ScrollIntoViewIfNeededAsync();
                await browser.ScreenshotAsync(sp, "lecture-detail-video");
                await BrowserFixture.AssertNoHorizontalOverflowAsync(sp);
                var stored = await browser.WithDbAsync(db => db.StudyMaterials.Where(m => m.LectureId == lecture).Select(m => new { m.Id, m.StoredFile!.Size }).SingleAsync());
                Assert.Equal(30L * 1024 * 1024, stored.Size);
                var range = await api.FetchAsync($"/api/lectures/{lecture}/materials/{stored.Id}", new()
                {
                    Method = "GET", Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + memberToken, ["Range"] = "bytes=0-1023" },
                });
                Assert.Equal(206, range.Status);
                Assert.Equal(1024, (await range.BodyAsync()).Length);

                await sp.GotoAsync($"/study/courses/{course}/edit");
                await sp.Locator("#kind").SelectOptionAsync("video");
                await sp.Locator("#sessionId").SelectOptionAsync(sessionId.ToString(CultureInfo.InvariantCulture));
                await sp.Locator("#mtitle").FillAsync("第一讲辅导录像：人民政协的性质定位和主要职能（完整版）");
                await sp.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "辅导录像.mp4", MimeType = "video/mp4", Buffer = Mp4(256 * 1024) });
                await sp.GetByRole(AriaRole.Button, new() { Name = "添加资料", Exact = true }).ClickAsync();
                await Expect(sp).ToHaveURLAsync(new Regex("done=material"));
                await sp.Locator("#kind").SelectOptionAsync("document");
                await sp.Locator("#mtitle").FillAsync("中国人民政治协商会议章程（2023年修订版）学习辅导读本全文");
                await sp.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "章程.pdf", MimeType = "application/pdf", Buffer = [.. "%PDF-1.7\n"u8, .. new byte[2048]] });
                await sp.GetByRole(AriaRole.Button, new() { Name = "添加资料", Exact = true }).ClickAsync();
                await Expect(sp).ToHaveURLAsync(new Regex("done=material"));
                await BrowserFixture.AssertNoHorizontalOverflowAsync(sp);
            }
            File.Delete(bigVideo);

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
            // Before the session starts: 未开始, and the quiz button disabled (开始后可答题); the video and the document fit the phone.
            await Expect(member.GetByText("未开始", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(member.GetByRole(AriaRole.Button, new() { Name = "第1讲测验 · 开始后可答题" })).ToBeDisabledAsync();
            await Expect(member.Locator("video.xs-study-video")).ToHaveCountAsync(1);
            await Expect(member.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("学习辅导读本全文") })).ToBeVisibleAsync();
            await browser.ScreenshotAsync(member, "study-course");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            var videoBox = await member.Locator("video.xs-study-video").BoundingBoxAsync();
            Assert.True(videoBox is not null && videoBox.X >= 0 && videoBox.X + videoBox.Width <= 390, $"video box {videoBox?.X} {videoBox?.Width}");

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
            // The result: the member's answers, each marked right; 返回课程 is the way on; no form; another attempt stays folded away.
            await Expect(member.Locator("#answers li[data-right=true]")).ToHaveCountAsync(3);
            await Expect(member.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("提交答卷") })).ToHaveCountAsync(0);
            await Expect(member.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("再答一次") })).ToBeHiddenAsync();
            await browser.ScreenshotAsync(member, "study-quiz-passed");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(member);
            await member.GetByRole(AriaRole.Link, new() { Name = "返回课程", Exact = true }).ClickAsync();
            await Expect(member.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true })).ToBeVisibleAsync();
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

    /// <summary>An MP4 of <paramref name="size"/> bytes: an ftyp box, then an mdat box of zeros.</summary>
    private static byte[] Mp4(int size)
    {
        var b = new byte[size];
        byte[] ftyp = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m', 0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1'];
        ftyp.CopyTo(b, 0);
        var mdat = size - ftyp.Length;
        b[24] = (byte)(mdat >> 24); b[25] = (byte)(mdat >> 16); b[26] = (byte)(mdat >> 8); b[27] = (byte)mdat;
        "mdat"u8.CopyTo(b.AsSpan(28));
        return b;
    }
}
