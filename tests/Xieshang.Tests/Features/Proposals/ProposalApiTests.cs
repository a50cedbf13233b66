using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// The proposals API with the app's clock moved to days around 2026's holidays (deadlines counted in working days across
/// 春节, 劳动节 and 国庆节 with their adjusted working Saturdays), and bad input for every action: 400 with a Chinese
/// message, nothing changed. SQLite and PostgreSQL.
/// </summary>
public abstract class ProposalApiTests(AppFactory app, MovableClock clock)
{
    /// <summary>The 2026 days the deadlines below cross (from the State Council's notice; WorkCalendarSeed ships the full year).</summary>
    private static readonly (DateOnly Day, bool Working)[] Needed2026 =
    [
        (new(2026, 2, 14), true), .. Range(new(2026, 2, 15), new(2026, 2, 23), false), (new(2026, 2, 28), true),
        .. Range(new(2026, 5, 1), new(2026, 5, 5), false), (new(2026, 5, 9), true),
        (new(2026, 9, 20), true), .. Range(new(2026, 9, 25), new(2026, 9, 27), false), .. Range(new(2026, 10, 1), new(2026, 10, 7), false), (new(2026, 10, 10), true),
    ];

    private static IEnumerable<(DateOnly, bool)> Range(DateOnly from, DateOnly to, bool working)
    {
        for (var d = from; d <= to; d = d.AddDays(1)) yield return (d, working);
    }

    /// <summary>Puts in the 2026 calendar days the test needs when the shipped seed is not there (never changes existing rows).</summary>
    private Task EnsureCalendarAsync() => app.WithDbAsync(async db =>
    {
        var have = (await db.WorkCalendarDays.Where(d => d.Date >= new DateOnly(2026, 1, 1) && d.Date <= new DateOnly(2026, 12, 31)).Select(d => d.Date).ToListAsync()).ToHashSet();
        foreach (var (day, working) in Needed2026.Where(n => !have.Contains(n.Day)))
            db.WorkCalendarDays.Add(new WorkCalendarDay { Date = day, IsWorkingDay = working, Name = working ? "调休上班" : "节假日" });
        return await db.SaveChangesAsync();
    });

    private async Task<ProposalScenario> OnAsync(DateOnly day)
    {
        clock.SetToday(day);
        var s = await ProposalScenario.CreateAsync(app, freshLogins: true);
        await EnsureCalendarAsync();
        return s;
    }

    private static DateOnly Day(JsonElement a, string property) => DateOnly.Parse(a.GetProperty(property).GetString()!);

    private static JsonElement Lead(JsonElement detail) => detail.GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "lead");
    private static JsonElement CoUnit(JsonElement detail) => detail.GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "co-unit");

    [Fact]
    public async Task Assigned_before_the_national_day_the_return_deadline_skips_the_holiday_and_counts_the_adjusted_saturday()
    {
        var s = await OnAsync(new DateOnly(2026, 9, 28)); // Monday; 10月1日–7日 off, 10月10日 (Saturday) a working day
        try
        {
            var id = await s.InStateAsync(S.Assigned, "关于国庆前交办的提案");
            var d = await s.DetailAsync(s.Cast.Office, id);
            var lead = Lead(d);
            // 9/29, 9/30, 10/8, 10/9, 10/10 (调休), 10/12 … 10/16: the tenth working day.
            Assert.Equal(new DateOnly(2026, 10, 16), Day(lead, "returnDueOn"));
            Assert.Equal(new DateOnly(2026, 12, 28), Day(lead, "dueOn")); // three months, a Monday
            Assert.Equal(new DateOnly(2027, 3, 29), Day(lead, "latestDueOn")); // 2027-03-28 is a Sunday: the next working day
            Assert.Equal(new DateOnly(2026, 10, 28), Day(CoUnit(d), "dueOn")); // co-unit views within one month
            Assert.Equal(new DateOnly(2026, 10, 16), Day(CoUnit(d), "returnDueOn"));
            var notice = await app.WithDbAsync(db => db.Notifications.Where(n => n.Link == $"/proposals/{id}" && n.Kind == "proposal.assigned" && n.UserId != null)
                .Select(n => n.Body).ToListAsync());
            Assert.Contains(notice, b => b.Contains("2026-12-28") && b.Contains("2026-10-16"));

            // On the tenth working day the unit may still return it; the day after it may not.
            clock.SetToday(new DateOnly(2026, 10, 19));
            s.ForgetLogins();
            var late = await s.TryAsync(s.Cast.Unit, id, "return-assignment", new { reason = "不属于本单位职责。" });
            Assert.Equal(HttpStatusCode.Conflict, late.Status);
            Assert.Contains("2026-10-16", late.Body.GetProperty("detail").GetString());
            clock.SetToday(new DateOnly(2026, 10, 16));
            s.ForgetLogins();
            Assert.Equal("filed", (await s.ActAsync(s.Cast.Unit, id, "return-assignment", new { reason = "不属于本单位职责。" })).GetProperty("status").GetString());
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Assigned_before_the_spring_festival_and_due_on_labour_day_the_deadlines_move_to_working_days()
    {
        var s = await OnAsync(new DateOnly(2026, 2, 4)); // Wednesday; 2月14日 (Saturday) working, 2月15日–23日 off
        try
        {
            var id = await s.InStateAsync(S.Assigned, "关于春节前交办的提案");
            var lead = Lead(await s.DetailAsync(s.Cast.Office, id));
            // 2/5, 2/6, 2/9 … 2/13, 2/14 (调休), then 2/24, 2/25.
            Assert.Equal(new DateOnly(2026, 2, 25), Day(lead, "returnDueOn"));
            Assert.Equal(new DateOnly(2026, 5, 6), Day(lead, "dueOn")); // 2026-05-04 falls in 劳动节 (5/1–5/5)
            Assert.Equal(new DateOnly(2026, 8, 4), Day(lead, "latestDueOn"));
            // An extension beyond six months is refused; within it accepted.
            var tooLate = await s.TryAsync(s.Cast.Office, id, "extend", new { dueOn = new DateOnly(2026, 8, 5) });
            Assert.Equal(HttpStatusCode.BadRequest, tooLate.Status);
            var ok = await s.ActAsync(s.Cast.Office, id, "extend", new { dueOn = new DateOnly(2026, 6, 30) });
            Assert.Equal(new DateOnly(2026, 6, 30), Day(Lead(ok), "dueOn"));
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Re_handling_gets_three_new_months_moved_off_the_national_day()
    {
        var s = await OnAsync(new DateOnly(2026, 6, 15));
        try
        {
            var id = await s.InStateAsync(S.Replied, "关于重新办理期限的提案");
            var reply = (await s.DetailAsync(s.Cast.Proposer, id)).GetProperty("replies").EnumerateArray().Single();
            Assert.True(reply.GetProperty("onTime").GetBoolean());
            clock.SetToday(new DateOnly(2026, 7, 1));
            s.ForgetLogins();
            var back = await s.ActAsync(s.Cast.Proposer, id, "rate", new { satisfaction = "dissatisfied", comment = "未回应建议。" });
            Assert.Equal("rehandling", back.GetProperty("status").GetString());
            var lead = Lead(back);
            Assert.Equal(2, lead.GetProperty("round").GetInt32());
            Assert.Equal(new DateOnly(2026, 10, 8), Day(lead, "dueOn")); // 2026-10-01 is 国庆节: the first working day after the holiday
            var cal = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, new DateOnly(2026, 7, 1), new DateOnly(2027, 1, 31), CancellationToken.None));
            Assert.Equal(cal.AddMonths(new DateOnly(2026, 7, 1), 6), Day(lead, "latestDueOn")); // six months from the new round
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Bad_input_for_each_action_is_refused_with_a_Chinese_message_and_changes_nothing()
    {
        clock.Reset();
        var s = await ProposalScenario.CreateAsync(app, freshLogins: true);
        var c = s.Cast;
        var failures = new List<string>();

        async Task Expect400(string user, int id, string action, object data, string what)
        {
            var before = await s.StateAsync(id);
            var events = await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == id));
            var (status, body) = await s.TryAsync(user, id, action, data);
            var detail = status == HttpStatusCode.BadRequest ? body.GetProperty("detail").GetString() ?? "" : "";
            if (status != HttpStatusCode.BadRequest) failures.Add($"{action} {what}: expected 400, got {(int)status} {body}");
            else if (!detail.Any(ch => ch >= 0x4e00 && ch <= 0x9fff)) failures.Add($"{action} {what}: message not Chinese: {detail}");
            if (await s.StateAsync(id) != before) failures.Add($"{action} {what}: state or version changed");
            if (await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == id)) != events) failures.Add($"{action} {what}: a timeline step was recorded");
        }

        // Writing.
        var member = await s.As(c.Proposer);
        var count = await app.WithDbAsync(db => db.Proposals.CountAsync());
        foreach (var (body, what) in new (object, string)[]
        {
            (new { title = "", body = "<p>内容</p>", kind = "plenary" }, "no title"),
            (new { title = new string('长', 101), body = "<p>内容</p>", kind = "between-session" }, "title too long"),
            (new { title = "标题", body = "<script>alert(1)</script>", kind = "between-session" }, "body only a script"),
            (new { title = "标题", body = "<p>" + new string('字', 20001) + "</p>", kind = "between-session" }, "body too long"),
            (new { title = "标题", body = "<p>内容</p>", kind = "weekly" }, "bad kind"),
            (new { title = "标题", body = "<p>内容</p>", kind = "between-session", coSignerIds = new[] { 99999999 } }, "unknown co-signer"),
            (new { title = "标题", body = "<p>内容</p>", kind = "between-session", coSignerIds = new[] { c.ProposerMemberId } }, "self as co-signer"),
        })
        {
            var res = await member.PostAsJsonAsync("/api/proposals", body);
            var text = await res.Content.ReadAsStringAsync();
            if (res.StatusCode != HttpStatusCode.BadRequest || !text.Any(ch => ch >= 0x4e00 && ch <= 0x9fff)) failures.Add($"create {what}: {(int)res.StatusCode} {text}");
        }
        var invalid = await member.PostAsync("/api/proposals", new StringContent("{\"title\": \"标题\", ", Encoding.UTF8, "application/json"));
        if (invalid.StatusCode != HttpStatusCode.BadRequest) failures.Add($"create invalid JSON: {(int)invalid.StatusCode}");
        Assert.Equal(count, await app.WithDbAsync(db => db.Proposals.CountAsync()));

        // Editing a draft with bad data.
        var draft = await s.CreateAsync(title: "草稿");
        var draftBefore = await s.StateAsync(draft);
        var put = await member.PutAsJsonAsync($"/api/proposals/{draft}", new { title = "", body = "<p>x</p>", kind = "plenary" });
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(draftBefore, await s.StateAsync(draft));

        // Invalid JSON and bad dates on an action.
        var submitted = await s.SubmittedAsync("待审查的提案");
        var office = await s.As(c.Office);
        foreach (var raw in new[] { "{\"ground\": ", "[1,2,3]", "{\"intoId\": \"abc\"}", "{\"on\": \"2026/13/45\"}" })
        {
            var res = await office.PostAsync($"/api/proposals/{submitted}/actions/reject", new StringContent(raw, Encoding.UTF8, "application/json"));
            var text = await res.Content.ReadAsStringAsync();
            if (res.StatusCode != HttpStatusCode.BadRequest || !text.Any(ch => ch >= 0x4e00 && ch <= 0x9fff)) failures.Add($"reject raw {raw}: {(int)res.StatusCode} {text}");
        }

        // Review.
        var longText = new string('理', 2001);
        await Expect400(c.Office, submitted, "reject", new { explanation = "说明" }, "no ground");
        await Expect400(c.Office, submitted, "reject", new { ground = "gossip", explanation = "说明" }, "bad ground");
        await Expect400(c.Office, submitted, "reject", new { ground = "personal" }, "no explanation");
        await Expect400(c.Office, submitted, "reject", new { ground = "personal", explanation = longText }, "explanation too long");
        await Expect400(c.Office, submitted, "reject", new { ground = "personal", explanation = "说明", convertTo = "fax" }, "bad conversion");
        await Expect400(c.Office, submitted, "merge", new { }, "no target");
        await Expect400(c.Office, submitted, "merge", new { intoId = 99999999 }, "unknown target");
        await Expect400(c.Office, submitted, "merge", new { intoId = submitted }, "itself");
        await Expect400(c.Office, submitted, "return", new { }, "no reason");
        await Expect400(c.Office, submitted, "return", new { reason = longText }, "reason too long");

        // Assignment.
        var filed = await s.InStateAsync(S.Filed, "已立案的提案");
        await Expect400(c.Office, filed, "assign", new { mode = "together", units = new[] { "520200.edu" } }, "bad mode");
        await Expect400(c.Office, filed, "assign", new { mode = "single", units = new[] { "520200.nothing" } }, "unknown unit");
        await Expect400(c.Office, filed, "assign", new { mode = "single", units = new[] { "520201.edu" } }, "unit of another committee");
        await Expect400(c.Office, filed, "assign", new { mode = "single", units = new[] { "520200.edu", "520200.health" } }, "single with two units");
        await Expect400(c.Office, filed, "assign", new { mode = "separate", units = new[] { "520200.edu" } }, "separate with one unit");
        await Expect400(c.Office, filed, "assign", new { mode = "lead", units = new[] { "520200.edu", "520200.health" } }, "lead without lead");
        await Expect400(c.Office, filed, "assign", new { mode = "lead", units = new[] { "520200.edu", "520200.health" }, lead = "520200.env" }, "lead not among units");
        await Expect400(c.Office, filed, "mark-key", new { }, "no leader");
        await Expect400(c.Office, filed, "mark-key", new { leaderId = "nobody" }, "unknown leader");

        // Handling.
        var assigned = await s.InStateAsync(S.Assigned, "已交办的提案");
        await Expect400(c.Unit, assigned, "return-assignment", new { }, "no reason");
        await Expect400(c.Unit, assigned, "return-assignment", new { reason = longText }, "reason too long");
        await Expect400(c.Unit, assigned, "contact", new { summary = "沟通" }, "no method");
        await Expect400(c.Unit, assigned, "contact", new { method = "pigeon", summary = "沟通" }, "bad method");
        await Expect400(c.Unit, assigned, "contact", new { method = "phone" }, "no summary");
        await Expect400(c.Unit, assigned, "contact", new { method = "phone", summary = "沟通", on = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3) }, "date in the future");
        await Expect400(c.Unit, assigned, "contact", new { method = "phone", summary = "沟通", on = new DateOnly(2000, 1, 1) }, "date before assignment");
        await Expect400(c.Unit, assigned, "contact", new { method = "phone", summary = new string('谈', 4001) }, "summary too long");
        await Expect400(c.CoUnit, assigned, "send-views", new { text = "   " }, "empty views");
        await Expect400(c.CoUnit, assigned, "send-views", new { text = "<script>alert(1)</script>" }, "views only a script");
        await Expect400(c.Office, assigned, "extend", new { }, "no date");
        await Expect400(c.Office, assigned, "extend", new { dueOn = new DateOnly(2000, 1, 1) }, "date before the deadline");
        await Expect400(c.Office, assigned, "extend", new { dueOn = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(7) }, "beyond six months");
        await Expect400(c.Office, assigned, "extend", new { dueOn = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(4), unit = "520200.env" }, "unit not in hand");
        await Expect400(c.Supervisor, assigned, "supervise", new { text = "" }, "empty supervision");
        await Expect400(c.Supervisor, assigned, "supervise", new { text = "督办", on = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5) }, "supervision in the future");
        await Expect400(c.Supervisor, assigned, "supervise", new { text = new string('督', 4001) }, "supervision too long");

        var handling = await s.InStateAsync(S.Handling, "办理中的提案");
        await Expect400(c.Unit, handling, "reply", new { text = "<p>答复</p>" }, "no class");
        await Expect400(c.Unit, handling, "reply", new { @class = "D", text = "<p>答复</p>" }, "bad class");
        await Expect400(c.Unit, handling, "reply", new { @class = "A", text = "" }, "empty reply");
        await Expect400(c.Unit, handling, "reply", new { @class = "A", text = "<iframe src=\"https://example.com\"></iframe>" }, "reply only an iframe");

        var replied = await s.InStateAsync(S.Replied, "已答复的提案");
        await Expect400(c.Proposer, replied, "rate", new { }, "no satisfaction");
        await Expect400(c.Proposer, replied, "rate", new { satisfaction = "delighted" }, "bad satisfaction");
        await Expect400(c.Proposer, replied, "rate", new { satisfaction = "satisfied", comment = longText }, "comment too long");
        await Expect400(c.Proposer, replied, "rate", new { satisfaction = "satisfied", unit = "520200.env" }, "unit without a reply");
        await Expect400(c.Office, replied, "mark-excellent", new { year = 1990 }, "year before the proposal");
        await Expect400(c.Office, replied, "mark-excellent", new { year = 2999 }, "year far ahead");

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

public sealed class ProposalApiSqliteTests(ClockedSqliteAppFactory app) : ProposalApiTests(app, app.Clock), IClassFixture<ClockedSqliteAppFactory>;
public sealed class ProposalApiPostgresTests(ClockedPostgresAppFactory app) : ProposalApiTests(app, app.Clock), IClassFixture<ClockedPostgresAppFactory>;
