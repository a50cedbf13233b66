using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// The working-day calendar on SQLite and PostgreSQL: the 2026 seed exactly as the State Council's notice has it, deadlines
/// across 春节 and 国庆 with their 调休 Saturdays and Sundays, the API (read by everyone signed in, replaced by
/// administrators only, bad input refused in Chinese with nothing changed) and the administrators' page.
/// Tests that change the calendar use years far from 2026, except the seed test, which puts 2026 back as it was.
/// </summary>
public abstract class WorkCalendarTests(AppFactory app)
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    /// <summary>The notice of 4 November 2025 (国务院办公厅关于2026年部分节假日安排的通知), typed in from its text.</summary>
    private static readonly (DateOnly Date, bool Working, string Name)[] Notice2026 =
    [
        (D(2026, 1, 1), false, "元旦"), (D(2026, 1, 2), false, "元旦"), (D(2026, 1, 3), false, "元旦"), (D(2026, 1, 4), true, "元旦调休上班"),
        (D(2026, 2, 14), true, "春节调休上班"),
        (D(2026, 2, 15), false, "春节"), (D(2026, 2, 16), false, "春节"), (D(2026, 2, 17), false, "春节"), (D(2026, 2, 18), false, "春节"),
        (D(2026, 2, 19), false, "春节"), (D(2026, 2, 20), false, "春节"), (D(2026, 2, 21), false, "春节"), (D(2026, 2, 22), false, "春节"),
        (D(2026, 2, 23), false, "春节"), (D(2026, 2, 28), true, "春节调休上班"),
        (D(2026, 4, 4), false, "清明节"), (D(2026, 4, 5), false, "清明节"), (D(2026, 4, 6), false, "清明节"),
        (D(2026, 5, 1), false, "劳动节"), (D(2026, 5, 2), false, "劳动节"), (D(2026, 5, 3), false, "劳动节"), (D(2026, 5, 4), false, "劳动节"),
        (D(2026, 5, 5), false, "劳动节"), (D(2026, 5, 9), true, "劳动节调休上班"),
        (D(2026, 6, 19), false, "端午节"), (D(2026, 6, 20), false, "端午节"), (D(2026, 6, 21), false, "端午节"),
        (D(2026, 9, 20), true, "国庆节调休上班"),
        (D(2026, 9, 25), false, "中秋节"), (D(2026, 9, 26), false, "中秋节"), (D(2026, 9, 27), false, "中秋节"),
        (D(2026, 10, 1), false, "国庆节"), (D(2026, 10, 2), false, "国庆节"), (D(2026, 10, 3), false, "国庆节"), (D(2026, 10, 4), false, "国庆节"),
        (D(2026, 10, 5), false, "国庆节"), (D(2026, 10, 6), false, "国庆节"), (D(2026, 10, 7), false, "国庆节"), (D(2026, 10, 10), true, "国庆节调休上班"),
    ];

    private Task<WorkCalendar> Calendar2026Async() =>
        app.WithDbAsync(db => WorkCalendar.LoadAsync(db, D(2026, 1, 1), D(2026, 12, 31), CancellationToken.None));

    private Task<List<(DateOnly, bool, string)>> StoredAsync(int year) => app.WithDbAsync(async db =>
        (await db.WorkCalendarDays.AsNoTracking().Where(d => d.Date >= D(year, 1, 1) && d.Date <= D(year, 12, 31)).OrderBy(d => d.Date).ToListAsync())
            .Select(d => (d.Date, d.IsWorkingDay, d.Name)).ToList());

    [Fact]
    public async Task The_seed_holds_the_2026_notice_exactly_and_never_overwrites_an_administrators_edits()
    {
        // Every adjusted working day of the notice is a weekend day; the holidays are 33 days, the adjusted days 6.
        Assert.All(Notice2026.Where(n => n.Working), n => Assert.True(WorkCalendarRules.IsWeekend(n.Date), n.Date.ToString()));
        Assert.Equal((33, 6), (Notice2026.Count(n => !n.Working), Notice2026.Count(n => n.Working)));
        Assert.Equal(Notice2026.ToList(), await StoredAsync(2026));

        // Seeding again adds nothing; an edited name and a removed day stay as the administrator left them.
        var admin = await app.ClientAsAsync("admin");
        var edited = Notice2026.Where(n => n.Date != D(2026, 1, 3)).Select(n => new { date = n.Date, isWorkingDay = n.Working, name = n.Date == D(2026, 2, 16) ? "春节（初一）" : n.Name }).ToList();
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/work-calendar/2026", edited)).StatusCode);
        try
        {
            Assert.Equal(0, await app.WithDbAsync(db => WorkCalendarSeed.SeedAsync(db, CancellationToken.None)));
            var stored = await StoredAsync(2026);
            Assert.Equal(38, stored.Count);
            Assert.DoesNotContain(stored, s => s.Item1 == D(2026, 1, 3));
            Assert.Contains((D(2026, 2, 16), false, "春节（初一）"), stored);

            // An empty year is seeded in full.
            await app.WithDbAsync(db => db.WorkCalendarDays.Where(d => d.Date >= D(2026, 1, 1) && d.Date <= D(2026, 12, 31)).ExecuteDeleteAsync());
            Assert.Equal(39, await app.WithDbAsync(db => WorkCalendarSeed.SeedAsync(db, CancellationToken.None)));
            Assert.Equal(Notice2026.ToList(), await StoredAsync(2026));
        }
        finally
        {
            var original = Notice2026.Select(n => new { date = n.Date, isWorkingDay = n.Working, name = n.Name }).ToList();
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/work-calendar/2026", original)).StatusCode);
        }
        Assert.Equal(Notice2026.ToList(), await StoredAsync(2026));
    }

    [Fact]
    public async Task Working_days_skip_the_spring_festival_and_count_its_adjusted_saturdays()
    {
        var cal = await Calendar2026Async();
        Assert.True(cal.IsWorkingDay(D(2026, 2, 13)));  // Friday before the holiday
        Assert.True(cal.IsWorkingDay(D(2026, 2, 14)));  // Saturday, 调休上班
        for (var d = D(2026, 2, 15); d <= D(2026, 2, 23); d = d.AddDays(1)) Assert.False(cal.IsWorkingDay(d), d.ToString());
        Assert.True(cal.IsWorkingDay(D(2026, 2, 24)));
        Assert.True(cal.IsWorkingDay(D(2026, 2, 28)));  // Saturday, 调休上班
        Assert.False(cal.IsWorkingDay(D(2026, 3, 1)));  // an ordinary Sunday
        Assert.False(cal.IsWorkingDay(D(2026, 1, 2)));  // Friday of 元旦
        Assert.True(cal.IsWorkingDay(D(2026, 1, 4)));   // Sunday, 调休上班

        // From the Friday before the holiday: the adjusted Saturday is the first working day, then the Tuesday after it.
        Assert.Equal(D(2026, 2, 14), cal.AddWorkingDays(D(2026, 2, 13), 1));
        Assert.Equal(D(2026, 2, 24), cal.AddWorkingDays(D(2026, 2, 13), 2));
        Assert.Equal(D(2026, 2, 27), cal.AddWorkingDays(D(2026, 2, 13), 5));
        Assert.Equal(D(2026, 2, 28), cal.AddWorkingDays(D(2026, 2, 13), 6));
        Assert.Equal(D(2026, 3, 2), cal.AddWorkingDays(D(2026, 2, 13), 7));
        // A misassigned proposal received on the eve of the holiday (return within 10 working days).
        Assert.Equal(D(2026, 3, 5), cal.AddWorkingDays(D(2026, 2, 13), 10));
        Assert.Equal(10, cal.WorkingDaysBetween(D(2026, 2, 13), D(2026, 3, 5)));
        Assert.Equal(-10, cal.WorkingDaysBetween(D(2026, 3, 5), D(2026, 2, 13)));
        Assert.Equal(D(2026, 2, 13), cal.AddWorkingDays(D(2026, 2, 13), 0));
    }

    [Fact]
    public async Task Ten_working_days_across_the_national_day_holiday()
    {
        var cal = await Calendar2026Async();
        // From Wednesday 30 September: 10.1–7 off, 10.8 (1), 10.9 (2), Saturday 10.10 adjusted (3), 10.12–16 (4–8), 10.19 (9), 10.20 (10).
        Assert.Equal(D(2026, 10, 20), cal.AddWorkingDays(D(2026, 9, 30), 10));
        Assert.Equal(10, cal.WorkingDaysBetween(D(2026, 9, 30), D(2026, 10, 20)));
        // From Friday 18 September: Sunday 9.20 adjusted (1), 9.21–24 (2–5), 中秋 9.25–27 off, 9.28–30 (6–8), 国庆 off, 10.8 (9), 10.9 (10).
        Assert.Equal(D(2026, 10, 9), cal.AddWorkingDays(D(2026, 9, 18), 10));
        Assert.True(cal.IsWorkingDay(D(2026, 9, 20)));
        Assert.False(cal.IsWorkingDay(D(2026, 10, 11)));
    }

    [Fact]
    public async Task A_months_deadline_on_a_day_off_moves_to_the_next_working_day()
    {
        var cal = await Calendar2026Async();
        Assert.Equal(D(2026, 10, 8), cal.AddMonths(D(2026, 7, 1), 3));    // 10.1 国庆 → Thursday 10.8
        Assert.Equal(D(2026, 2, 24), cal.AddMonths(D(2025, 11, 16), 3));  // 2.16 春节 → Tuesday 2.24
        Assert.Equal(D(2026, 2, 28), cal.AddMonths(D(2025, 11, 28), 3));  // Saturday 2.28 is an adjusted working day: stays
        Assert.Equal(D(2026, 3, 9), cal.AddMonths(D(2026, 2, 8), 1));     // an ordinary Sunday → Monday
        Assert.Equal(D(2026, 6, 10), cal.AddMonths(D(2026, 3, 10), 3));   // a working day: unchanged
        Assert.Equal(D(2026, 5, 6), cal.AddMonths(D(2026, 4, 1), 1));     // 5.1 劳动节 (to 5.5) → Wednesday 5.6
        Assert.Equal(D(2026, 10, 8), cal.OnOrAfterWorkingDay(D(2026, 10, 1)));
        Assert.Equal(D(2026, 1, 4), cal.OnOrAfterWorkingDay(D(2026, 1, 4)));
    }

    [Fact]
    public async Task Everyone_signed_in_reads_a_year_and_only_administrators_replace_it()
    {
        var unit = await TestProposals.UnitAsync(app);
        foreach (var who in new[] { "member.520201", "staff.520200", "leader.520200", unit.UserName, "admin" })
        {
            var days = await (await app.ClientAsAsync(who)).GetFromJsonAsync<JsonElement>("/api/work-calendar/2026");
            Assert.Equal(39, days.GetArrayLength());
            Assert.Equal("2026-01-01", days[0].GetProperty("date").GetString());
            Assert.False(days[0].GetProperty("isWorkingDay").GetBoolean());
            Assert.Equal("元旦", days[0].GetProperty("name").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/work-calendar/2026")).StatusCode);
        Assert.Equal("[]", await (await app.ClientAsAsync("member.520201")).GetStringAsync("/api/work-calendar/2040"));

        var body = new[] { new { date = "2031-01-01", isWorkingDay = false, name = "元旦" } };
        foreach (var who in new[] { "member.520201", "staff.520200", "staff.520201", "leader.520200", unit.UserName })
        {
            var res = await (await app.ClientAsAsync(who)).PutAsJsonAsync("/api/work-calendar/2031", body);
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
            Assert.Contains("无权", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PutAsJsonAsync("/api/work-calendar/2031", body)).StatusCode);
        Assert.Empty(await StoredAsync(2031));

        // The administrator replaces the year: the answer and a later read are the list by date, names trimmed.
        var admin = await app.ClientAsAsync("admin");
        var first = await admin.PutAsJsonAsync("/api/work-calendar/2031", new object[]
        {
            new { date = "2031-01-26", isWorkingDay = true, name = "春节调休上班" },   // Sunday
            new { date = "2031-01-01", isWorkingDay = false, name = " 元旦 " },
            new { date = "2031-01-04", isWorkingDay = false, name = "元旦" },        // a Saturday inside a holiday: allowed
        });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var saved = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["2031-01-01", "2031-01-04", "2031-01-26"], saved.EnumerateArray().Select(e => e.GetProperty("date").GetString()).ToArray());
        Assert.Equal([(D(2031, 1, 1), false, "元旦"), (D(2031, 1, 4), false, "元旦"), (D(2031, 1, 26), true, "春节调休上班")], await StoredAsync(2031));

        // A second list replaces the first entirely; other years are untouched.
        var second = await admin.PutAsJsonAsync("/api/work-calendar/2031", new[] { new { date = "2031-01-01", isWorkingDay = false, name = "元旦节" } });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([(D(2031, 1, 1), false, "元旦节")], await StoredAsync(2031));
        Assert.Equal(39, (await StoredAsync(2026)).Count);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/work-calendar/2031", Array.Empty<object>())).StatusCode);
        Assert.Empty(await StoredAsync(2031));
    }

    [Fact]
    public async Task Bad_input_is_refused_in_chinese_and_changes_nothing()
    {
        var admin = await app.ClientAsAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/work-calendar/2033", new[] { new { date = "2033-01-03", isWorkingDay = false, name = "元旦" } })).StatusCode);
        var before = await StoredAsync(2033);

        async Task Refused(string year, object? body, string expected)
        {
            var res = await admin.PutAsJsonAsync($"/api/work-calendar/{year}", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
            var detail = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
            Assert.Contains(expected, detail);
            Assert.Equal(before, await StoredAsync(2033));
        }

        var ok = new { date = "2033-02-01", isWorkingDay = false, name = "春节" };
        await Refused("2033", new object[] { ok, new { date = "2034-01-01", isWorkingDay = false, name = "元旦" } }, "2034年1月1日不在 2033 年内");
        // 3 January 2033 is a Monday: an adjusted working day must be a weekend day.
        await Refused("2033", new object[] { ok, new { date = "2033-01-03", isWorkingDay = true, name = "调休上班" } }, "2033年1月3日是星期一，本来就是工作日");
        await Refused("2033", new object[] { ok, new { date = "2033-02-02", isWorkingDay = false, name = new string('节', 33) } }, "名称不能超过 32 个字");
        await Refused("2033", new object[] { ok, new { date = "2033-02-02", isWorkingDay = false, name = "  " } }, "缺少名称");
        await Refused("2033", new object[] { ok, new { date = "2033-02-01", isWorkingDay = false, name = "春节" } }, "2033年2月1日重复出现");
        await Refused("2033", new object[] { ok, new { date = "2033-02-02", name = "春节" } }, "缺少类型");
        await Refused("2033", new object[] { ok, new { isWorkingDay = false, name = "春节" } }, "第 2 项缺少日期");
        await Refused("2033", new object?[] { ok, null }, "第 2 项为空");
        await Refused("2033", null, "全部例外日期");
        await Refused("1999", new object[] { ok }, "年度应为 2000 至 2100");
        await Refused("2033", new object[] { new { date = "2033-13-01", isWorkingDay = false, name = "春节" } }, "请求格式不正确");
        var wrongYear = await admin.GetAsync("/api/work-calendar/2101");
        Assert.Equal(HttpStatusCode.BadRequest, wrongYear.StatusCode);
        Assert.Contains("年度应为", (await wrongYear.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        // Several problems: all reported by entry, the detail says nothing was saved.
        var many = await admin.PutAsJsonAsync("/api/work-calendar/2033", new object[]
        {
            new { date = "2033-01-03", isWorkingDay = true, name = "调休" }, new { date = "2032-12-31", isWorkingDay = false, name = "元旦" },
        });
        var problem = await many.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("工作日历未保存：", problem.GetProperty("detail").GetString());
        Assert.Equal(2, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.True(problem.GetProperty("errors").TryGetProperty("days[1]", out _));
        Assert.Equal(before, await StoredAsync(2033));
    }

    [Fact]
    public async Task The_administrators_page_shows_the_year_and_adds_and_removes_exceptions()
    {
        var admin = await app.SignedInPageClientAsync("admin");
        var html = await admin.GetHtmlAsync("/admin/work-calendar?year=2026");
        Assert.Contains("<h1>工作日历 · 2026 年</h1>", html);
        Assert.Contains("class=\"xs-wc-holiday\" data-date=\"2026-02-16\" title=\"2026-02-16 星期一 · 春节\"", html);
        Assert.Contains("class=\"xs-wc-adjusted\" data-date=\"2026-02-14\" title=\"2026-02-14 星期六 · 春节调休上班\"", html);
        Assert.Matches("data-date=\"2026-02-14\"[^>]*>\\s*14\\s*<span class=\"xs-wc-ban\">班</span>", html);
        Assert.Contains("class=\"xs-wc-weekend\" data-date=\"2026-03-01\"", html);
        Assert.Contains("class=\"xs-wc-work\" data-date=\"2026-02-24\"", html);
        // 2026: 261 weekdays − 19 weekday holidays + 6 adjusted days = 248 working days; February has 20 − 6 + 2 = 16.
        Assert.Contains("全年工作日 248 天，节假日 33 天，调休上班 6 天。", html);
        Assert.Contains("工作日 16 天", html);
        Assert.Contains("例外日期（39 个）", html);
        Assert.Contains("<a href=\"/admin/work-calendar\" class=\"dropdown-item\">工作日历</a>", await admin.GetHtmlAsync("/")); // the 管理 menu entry
        Assert.Contains("Working-day calendar", await admin.GetHtmlAsync("/admin/work-calendar?year=2026&culture=en"));
        Assert.Contains("年度应为 2000 至 2100 之间的整数", await admin.GetHtmlAsync("/admin/work-calendar?year=abc"));

        // Add a holiday in an empty year, then a refused adjusted day on a weekday, then remove the holiday.
        var empty = await admin.GetHtmlAsync("/admin/work-calendar?year=2035");
        Assert.Contains("该年度尚未录入节假日和调休安排", empty);
        var add = await admin.PostAsync("/admin/work-calendar?year=2035", Form(empty, "add", ("date", "2035-02-08"), ("kind", "holiday"), ("name", "春节")));
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        Assert.Equal("/admin/work-calendar?year=2035&saved=added&date=2035-02-08", add.Target().Split('#')[0]);
        var after = await admin.GetHtmlAsync(add.Target());
        Assert.Contains("已保存 2035-02-08。", after);
        Assert.Contains("class=\"xs-wc-holiday\" data-date=\"2035-02-08\"", after);
        Assert.Equal([(D(2035, 2, 8), false, "春节")], await StoredAsync(2035));

        var bad = await admin.PostAsync("/admin/work-calendar?year=2035", Form(after, "add", ("date", "2035-02-07"), ("kind", "work"), ("name", "调休")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("未保存，请按提示修改", badHtml);
        Assert.Contains("2035年2月7日是星期三，本来就是工作日", badHtml);
        var noDate = await (await admin.PostAsync("/admin/work-calendar?year=2035", Form(after, "add", ("date", ""), ("kind", "holiday"), ("name", "x")))).HtmlAsync();
        Assert.Contains("请选择日期", noDate);
        Assert.Equal([(D(2035, 2, 8), false, "春节")], await StoredAsync(2035));

        var remove = await admin.PostAsync("/admin/work-calendar?year=2035", Form(after, "remove", ("date", "2035-02-08")));
        Assert.Equal(HttpStatusCode.Redirect, remove.StatusCode);
        Assert.Contains("已删除 2035-02-08", await admin.GetHtmlAsync(remove.Target()));
        Assert.Empty(await StoredAsync(2035));
    }

    [Fact]
    public async Task The_page_is_for_administrators_only()
    {
        var unit = await TestProposals.UnitAsync(app);
        foreach (var who in new[] { "staff.520200", "leader.520200", "member.520201", unit.UserName })
        {
            var client = await app.SignedInPageClientAsync(who);
            var res = await client.GetAsync("/admin/work-calendar");
            Assert.Equal(HttpStatusCode.Redirect, res.StatusCode);
            Assert.StartsWith("/account/denied", res.Target());
            Assert.DoesNotContain("/admin/work-calendar", await client.GetHtmlAsync("/"));
        }
        // A forged post from a staff account changes nothing.
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var token = await staff.TokenOfAsync("/");
        var post = await staff.PostAsync("/admin/work-calendar?year=2036", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "add", ["date"] = "2036-01-01", ["kind"] = "holiday", ["name"] = "元旦",
        }));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.Empty(await StoredAsync(2036));
        Assert.Equal(HttpStatusCode.Redirect, (await app.CreatePageClient().GetAsync("/admin/work-calendar")).StatusCode);
    }

    private static FormUrlEncodedContent Form(string page, string handler, params (string Key, string Value)[] fields)
    {
        var d = new Dictionary<string, string> { ["__RequestVerificationToken"] = PageClient.Token(page), ["_handler"] = handler };
        foreach (var (k, v) in fields) d[k] = v;
        return new FormUrlEncodedContent(d);
    }
}

public sealed class WorkCalendarSqliteTests(SqliteAppFactory app) : WorkCalendarTests(app), IClassFixture<SqliteAppFactory>;
public sealed class WorkCalendarPostgresTests(PostgresAppFactory app) : WorkCalendarTests(app), IClassFixture<PostgresAppFactory>;
