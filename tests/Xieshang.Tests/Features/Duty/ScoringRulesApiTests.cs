using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;
using static Xieshang.Tests.Features.Duty.DutyTestData;

namespace Xieshang.Tests.Features.Duty;

/// <summary>The scoring-rule table through the API: resolution, editing, recomputation, refusals; on both providers.</summary>
public abstract class ScoringRulesApiTests(AppFactory app)
{
    private static object Body(decimal? points, string? from, string? to = null, string? rationale = "依据本会履职考核办法") =>
        new { points, effectiveFrom = from, effectiveTo = to, rationale };

    private static JsonElement RuleOf(JsonElement list, string code) =>
        list.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == code);

    [Fact]
    public async Task Rules_in_effect_say_whether_they_are_the_default_inherited_or_the_committees_own()
    {
        var city = await app.ClientAsAsync("staff.520200");
        var set = await city.PutAsJsonAsync("/api/committees/520200/scoring-rules/attend.study", Body(3, "2025-01-01", rationale: "市政协2025年起加强学习考核"));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var saved = await set.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("own", 3m, "2025-01-01"), (saved.GetProperty("rule").GetProperty("source").GetString(), saved.GetProperty("rule").GetProperty("points").GetDecimal(), saved.GetProperty("rule").GetProperty("effectiveFrom").GetString()));

        var district = await app.ClientAsAsync("staff.520201");
        var zhongshan = await district.GetFromJsonAsync<JsonElement>("/api/committees/520201/scoring-rules?date=2025-06-01");
        Assert.True(zhongshan.GetProperty("canEdit").GetBoolean());
        var study = RuleOf(zhongshan, "attend.study");
        Assert.Equal(("inherited", "520200", "六盘水市政协", 3m, 2m), (study.GetProperty("source").GetString(), study.GetProperty("sourceCommitteeCode").GetString(),
            study.GetProperty("sourceCommitteeName").GetString(), study.GetProperty("points").GetDecimal(), study.GetProperty("defaultPoints").GetDecimal()));
        Assert.Equal("市政协2025年起加强学习考核", study.GetProperty("rationale").GetString());
        var plenary = RuleOf(zhongshan, "attend.plenary");
        Assert.Equal(("default", 8m), (plenary.GetProperty("source").GetString(), plenary.GetProperty("points").GetDecimal()));
        Assert.All(zhongshan.GetProperty("rules").EnumerateArray(), r => Assert.NotEqual("", r.GetProperty("rationale").GetString()));
        Assert.Equal("attend.plenary", zhongshan.GetProperty("rules")[0].GetProperty("code").GetString()); // the default set's order

        // Before the city's rule starts: the default.
        var before = await district.GetFromJsonAsync<JsonElement>("/api/committees/520201/scoring-rules?date=2024-12-31");
        Assert.Equal(("default", 2m), (RuleOf(before, "attend.study").GetProperty("source").GetString(), RuleOf(before, "attend.study").GetProperty("points").GetDecimal()));

        // The district's own value beats the city's from its first day.
        Assert.Equal(HttpStatusCode.OK, (await district.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.study", Body(4, "2025-03-01"))).StatusCode);
        var own = RuleOf(await district.GetFromJsonAsync<JsonElement>("/api/committees/520201/scoring-rules?date=2025-03-01"), "attend.study");
        Assert.Equal(("own", 4m), (own.GetProperty("source").GetString(), own.GetProperty("points").GetDecimal()));
        Assert.Equal("inherited", RuleOf(await district.GetFromJsonAsync<JsonElement>("/api/committees/520201/scoring-rules?date=2025-02-28"), "attend.study").GetProperty("source").GetString());
        // Another district keeps the city's.
        var shuicheng = await (await app.ClientAsAsync("staff.520204")).GetFromJsonAsync<JsonElement>("/api/committees/520204/scoring-rules?date=2025-06-01");
        Assert.Equal(3m, RuleOf(shuicheng, "attend.study").GetProperty("points").GetDecimal());

        // Leaders read, and may not edit.
        var leader = await (await app.ClientAsAsync("leader.520200")).GetFromJsonAsync<JsonElement>("/api/committees/520200/scoring-rules?date=2025-06-01");
        Assert.False(leader.GetProperty("canEdit").GetBoolean());
        Assert.Equal("own", RuleOf(leader, "attend.study").GetProperty("source").GetString());

        var bad = await district.GetAsync("/api/committees/520201/scoring-rules?date=2025-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("yyyy-MM-dd", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Changing_a_rule_recomputes_that_year_for_the_committees_subtree_only()
    {
        var a = (await MembersAsync(app, "520201", 1, skip: 3))[0];
        var b = (await MembersAsync(app, "520204", 1, skip: 3))[0];
        await RecordAsync(app, "rule-test", 1, Event(a, "attend.meeting", "rule-test", 1, Day(2022, 3, 1)), Event(b, "attend.meeting", "rule-test", 1, Day(2022, 3, 1)));
        await RecordAsync(app, "rule-test", 2, Event(a, "attend.meeting", "rule-test", 2, Day(2023, 3, 1)), Event(b, "attend.meeting", "rule-test", 2, Day(2023, 3, 1)));
        await RecordAsync(app, "rule-test", 3, Event(a, "attend.meeting", "rule-test", 3, Day(2023, 9, 1)));
        var staff = await app.ClientAsAsync("staff.520201");

        var first = await (await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(7, "2023-01-01"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, first.GetProperty("changedRecords").GetInt32());
        Assert.Equal([2023], first.GetProperty("recomputedYears").EnumerateArray().Select(y => y.GetInt32()));
        Assert.Equal([3m, 7m, 7m], await PointsAsync(a));
        Assert.Equal([3m, 3m], await PointsAsync(b)); // another district

        // Same start: the version is edited; shortened, the months after it fall back to the default.
        var shortened = await (await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(5, "2023-01-01", "2023-06-30"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, shortened.GetProperty("changedRecords").GetInt32());
        Assert.Equal([3m, 5m, 3m], await PointsAsync(a));

        // A later version after a gap: nothing to close.
        var later = await (await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(9, "2023-07-01"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, later.GetProperty("closed").ValueKind);
        Assert.Equal(1, later.GetProperty("changedRecords").GetInt32());
        Assert.Equal([3m, 5m, 9m], await PointsAsync(a));

        // A version starting later closes the open one the day before; the closed year keeps its points.
        var next = await (await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(6, "2024-01-01"))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("2023-07-01", "2023-12-31"), (next.GetProperty("closed").GetProperty("effectiveFrom").GetString(), next.GetProperty("closed").GetProperty("effectiveTo").GetString()));
        Assert.Equal(0, next.GetProperty("changedRecords").GetInt32());
        Assert.Equal([3m, 5m, 9m], await PointsAsync(a));
        var versions = await app.WithDbAsync(db => db.ScoringRules.AsNoTracking().Where(r => r.CommitteePath == "/CN/520000/520200/520201/" && r.Code == "attend.meeting").OrderBy(r => r.EffectiveFrom)
            .Select(r => new { r.Points, r.EffectiveFrom, r.EffectiveTo }).ToListAsync());
        Assert.Equal([(5m, new DateOnly(2023, 1, 1), (DateOnly?)new DateOnly(2023, 6, 30)), (9m, new(2023, 7, 1), new DateOnly(2023, 12, 31)), (6m, new(2024, 1, 1), null)],
            versions.Select(v => (v.Points, v.EffectiveFrom, v.EffectiveTo)));

        // Overlaps and gaps are refused, and nothing changes.
        var overlap = await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(4, "2023-05-01"));
        Assert.Equal(HttpStatusCode.BadRequest, overlap.StatusCode);
        Assert.Contains("自 2023-07-01 起已有该规则的另一版本", (await overlap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("effectiveTo")[0].GetString());
        var inner = await staff.PutAsJsonAsync("/api/committees/520201/scoring-rules/attend.meeting", Body(4, "2024-03-01", "2024-04-30"));
        Assert.Equal(HttpStatusCode.BadRequest, inner.StatusCode);
        Assert.Contains("新版本不能只替换其中一段", (await inner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(3, await app.WithDbAsync(db => db.ScoringRules.CountAsync(r => r.CommitteePath == "/CN/520000/520200/520201/" && r.Code == "attend.meeting")));
        Assert.Equal([3m, 5m, 9m], await PointsAsync(a));
    }

    [Fact]
    public async Task Bad_input_is_refused_in_Chinese_and_changes_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520204");
        var before = await app.WithDbAsync(db => db.ScoringRules.CountAsync());
        var cases = new (object Body, string Field, string Message)[]
        {
            (Body(null, "2025-01-01"), "points", "请填写分值"),
            (Body(1000, "2025-01-01"), "points", "分值应在 -100 至 100 之间"),
            (Body(1.234m, "2025-01-01"), "points", "最多保留两位小数"),
            (Body(5, null), "effectiveFrom", "请填写生效日期"),
            (Body(5, "2025/01/01"), "effectiveFrom", "不是有效日期"),
            (Body(5, "1999-12-31"), "effectiveFrom", "2000-01-01 至 2099-12-31"),
            (Body(5, "2025-06-01", "2025-05-31"), "effectiveTo", "截止日期不能早于生效日期"),
            (Body(5, "2025-06-01", "明年"), "effectiveTo", "不是有效日期"),
            (Body(5, "2025-06-01", rationale: "  "), "rationale", "请说明设定该分值的依据"),
            (Body(5, "2025-06-01", rationale: new string('依', 501)), "rationale", "不能超过 500 字"),
        };
        foreach (var (body, field, message) in cases)
        {
            var res = await staff.PutAsJsonAsync("/api/committees/520204/scoring-rules/attend.activity", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
            Assert.StartsWith("积分规则未保存：", problem.GetProperty("detail").GetString());
        }
        var unknown = await staff.PutAsJsonAsync("/api/committees/520204/scoring-rules/no.such.rule", Body(5, "2025-01-01"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("没有代码为“no.such.rule”的积分规则", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PutAsJsonAsync("/api/committees/999999/scoring-rules/attend.activity", Body(5, "2025-01-01"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/committees/999999/scoring-rules")).StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.ScoringRules.CountAsync()));
    }

    [Fact]
    public async Task Only_staff_managing_the_committee_change_its_rules_and_members_do_not_read_them()
    {
        await TestAccounts.EnsureAsync(app, "unit.520201.rules", Roles.HandlingUnit, "520201");
        var before = await app.WithDbAsync(db => db.ScoringRules.CountAsync());
        foreach (var (user, code) in new[] { ("leader.520200", "520201"), ("leader.520201", "520201"), ("member.520201", "520201"), ("staff.520204", "520201"),
                     ("staff.520201", "520200"), ("staff.520201", "520204"), ("unit.520201.rules", "520201") })
        {
            var res = await (await app.ClientAsAsync(user)).PutAsJsonAsync($"/api/committees/{code}/scoring-rules/attend.plenary", Body(20, "2025-01-01"));
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{user} PUT {code}: {(int)res.StatusCode}");
        }
        foreach (var (user, code) in new[] { ("member.520201", "520201"), ("staff.520204", "520201"), ("leader.520201", "520200"), ("unit.520201.rules", "520201") })
        {
            var res = await (await app.ClientAsAsync(user)).GetAsync($"/api/committees/{code}/scoring-rules");
            Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{user} GET {code}: {(int)res.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/committees/520201/scoring-rules")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/committees/520204/scoring-rules")).StatusCode); // the city reads below
        Assert.Equal(before, await app.WithDbAsync(db => db.ScoringRules.CountAsync()));
    }

    private async Task<decimal[]> PointsAsync(int memberId) =>
        (await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.Source == "rule-test").OrderBy(r => r.SourceId).Select(r => r.Points).ToListAsync())).ToArray();
}

public sealed class ScoringRulesApiSqliteTests(SqliteAppFactory app) : ScoringRulesApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ScoringRulesApiPostgresTests(PostgresAppFactory app) : ScoringRulesApiTests(app), IClassFixture<PostgresAppFactory>;
