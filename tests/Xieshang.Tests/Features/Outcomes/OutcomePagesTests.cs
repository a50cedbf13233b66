using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Outcomes;

/// <summary>
/// The outcome pages as a browser gets them: /outcomes shows the dashboard's numbers, the chart's data and the filtered
/// list; another committee's dashboard or outcome is the friendly refusal (403); the forms of /outcomes/{id} post to the
/// page and redirect (post-redirect-get) when done, or show the rule's Chinese message in the form's section with the typed
/// value kept and nothing changed (no message in the URL); a unit account sees only its own outcomes and reports progress
/// with an evidence file but is offered no other form; the chain page and the studio inbox's 查看成果链 link.
/// </summary>
public abstract partial class OutcomePagesTests(AppFactory app)
{
    private const string Staff = "xs.staff.520203", Panzhou = "xs.staff.520281";

    private async Task<int> OutcomeAsync(string committee, Action<Outcome> setup)
    {
        var (cid, path) = await app.WithDbAsync(async db => await db.Committees.Where(c => c.Code == committee).Select(c => new ValueTuple<int, string>(c.Id, c.Path)).FirstAsync());
        return await app.WithDbAsync(async db =>
        {
            var o = new Outcome
            {
                Kind = OutcomeKind.ResearchReport, SourceType = WorkItemType.Research, SourceId = 0, CommitteeId = cid, CommitteePath = path, Title = "页面测试成果",
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            setup(o);
            db.Outcomes.Add(o);
            await db.SaveChangesAsync();
            return o.Id;
        });
    }

    private Task<string> SnapshotAsync(int id) => app.WithDbAsync(async db =>
    {
        var o = await db.Outcomes.AsNoTracking().FirstAsync(x => x.Id == id);
        return $"{o.Adoption}|{o.AdoptingBody}|{o.AdoptedOn}|{o.Percent}|{o.Feedback}|{await db.OutcomeProgress.CountAsync(p => p.OutcomeId == id)}|{await db.OutcomeFiles.CountAsync(f => f.OutcomeId == id)}"
            + $"|{await db.OutcomeMilestones.CountAsync(m => m.OutcomeId == id)}|{await db.OutcomeInstructions.CountAsync(m => m.OutcomeId == id)}";
    });

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string form, Dictionary<string, string> fields)
    {
        var token = await client.TokenOfAsync(url);
        var data = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token, ["_handler"] = form };
        return await client.PostAsync(url, new FormUrlEncodedContent(data));
    }

    [Fact]
    public async Task Dashboard_shows_the_numbers_the_chart_data_and_the_filtered_list_and_refuses_another_committee()
    {
        await TestAccounts.EnsureAsync(app, Staff, Roles.Staff, "520203");
        var d0 = new DateOnly(2026, 1, 10);
        await OutcomeAsync("520203", o => { o.Title = "六枝建议甲"; o.Kind = OutcomeKind.Recommendation; o.Adoption = AdoptionStatus.Adopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(12); o.Percent = 100; o.ImplementedOn = d0.AddDays(40); });
        await OutcomeAsync("520203", o => { o.Title = "六枝建议乙"; o.Kind = OutcomeKind.Recommendation; o.Adoption = AdoptionStatus.PartlyAdopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(18); o.Percent = 40; o.LastProgressAt = DateTimeOffset.UtcNow; });
        await OutcomeAsync("520203", o => { o.Title = "六枝报告丙"; o.Adoption = AdoptionStatus.Pending; o.SubmittedOn = d0; });
        await OutcomeAsync("520203", o => { o.Title = "六枝报告丁"; o.Adoption = AdoptionStatus.NotAdopted; });

        var page = await app.SignedInPageClientAsync(Staff);
        var html = await page.GetHtmlAsync("/outcomes?committee=520203");
        // Overall: 4 outcomes, 2 adopted, 50% adoption, (12 + 18) / 2 = 15 days, 1 implemented, 50% of the adopted, average 70%.
        var overall = Row(html, "overall", "六枝特区");
        Assert.Equal(["4", "2", "50%", "15", "1", "50%", "70%", "0"], overall);
        Assert.Equal(["2", "2", "100%", "15", "1", "50%", "70%", "0"], Row(html, "by-kind", "协商建议"));
        Assert.Contains("id=\"outcomes-data\"", html);
        // The chart's data (no committee below 六枝特区: by kind), the same numbers as the tables.
        var island = Regex.Match(html, "<script type=\"application/json\" id=\"outcomes-data\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(island.Success);
        var chart = System.Text.Json.JsonDocument.Parse(island.Groups[1].Value).RootElement;
        Assert.Equal(["协商建议", "调研视察报告"], chart.GetProperty("names").EnumerateArray().Select(x => x.GetString()!).ToArray());
        Assert.Equal([2, 2], chart.GetProperty("total").EnumerateArray().Select(x => x.GetInt32()).ToArray());
        Assert.Equal([2, 0], chart.GetProperty("adopted").EnumerateArray().Select(x => x.GetInt32()).ToArray());
        Assert.Equal([1, 0], chart.GetProperty("implemented").EnumerateArray().Select(x => x.GetInt32()).ToArray());
        Assert.Contains("js/outcomes", html);
        Assert.Contains("lib/echarts/echarts.min", html);
        foreach (var t in new[] { "六枝建议甲", "六枝建议乙", "六枝报告丙", "六枝报告丁" }) Assert.Contains(t, html);

        // Filters in the query string.
        var pending = await page.GetHtmlAsync("/outcomes?committee=520203&status=pending");
        Assert.Contains("六枝报告丙", pending);
        Assert.DoesNotContain("六枝建议甲", pending);
        var recs = await page.GetHtmlAsync("/outcomes?committee=520203&kind=recommendation");
        Assert.Contains("六枝建议乙", recs);
        Assert.DoesNotContain("六枝报告丁", recs);
        Assert.Equal(["2", "2", "100%", "15", "1", "50%", "70%", "0"], Row(recs, "overall", "六枝特区"));

        // The city sees the county in its by-committee table and chart; another county's staff gets the friendly refusal.
        var city = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/outcomes?committee=520200");
        Assert.Equal("4", Row(city, "by-committee", "六枝特区")[0]);
        Assert.Contains("左右滑动查看更多", city); // the wide tables say on a phone that they scroll sideways
        var other = await app.SignedInPageClientAsync("staff.520201");
        var refused = await other.GetAsync("/outcomes?committee=520203");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("六枝建议甲", await refused.HtmlAsync());
        Assert.DoesNotContain("六枝建议甲", await other.GetHtmlAsync("/outcomes"));

        // One rule for ?committee= on the page and the API: a member's account is refused by both.
        foreach (var member in new[] { "member.520204", "member.520200" })
        {
            var memberPage = await app.SignedInPageClientAsync(member);
            Assert.Equal(HttpStatusCode.Forbidden, (await memberPage.GetAsync("/outcomes?committee=520201")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(member)).GetAsync("/api/outcomes?committee=520201")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await memberPage.GetAsync("/outcomes")).StatusCode);
        }
    }

    [Fact]
    public async Task Forms_post_redirect_get_or_show_the_message_in_Chinese_and_change_nothing()
    {
        await TestAccounts.EnsureAsync(app, Panzhou, Roles.Staff, "520281");
        var id = await OutcomeAsync("520281", o => { o.Title = "盘州调研报告"; o.SubmittedOn = ChinaTime.DayOf(DateTimeOffset.UtcNow).AddDays(-20); });
        var url = $"/outcomes/{id}";
        var page = await app.SignedInPageClientAsync(Panzhou);
        var before = await SnapshotAsync(id);

        // Every field of the forms has a visible label (not a placeholder): <label for> naming its id.
        var html = await page.GetHtmlAsync(url);
        var form = html[html.IndexOf("id=\"adoption\"", StringComparison.Ordinal)..]; // the sections, not the header
        var fields = System.Text.RegularExpressions.Regex.Matches(form, "<(input|select|textarea)\\b(?![^>]*type=\"hidden\")[^>]*>").Select(m => m.Value).ToList();
        Assert.True(fields.Count >= 9, $"{fields.Count} fields");
        foreach (var field in fields)
        {
            Assert.DoesNotContain("placeholder=", field);
            var fid = System.Text.RegularExpressions.Regex.Match(field, "\\bid=\"([^\"]+)\"");
            Assert.True(fid.Success, $"no id: {field}");
            Assert.Matches($"<label[^>]*for=\"{fid.Groups[1].Value}\"[^>]*>[^<]+</label>", form);
        }

        // Adopted without an adopting body: the message in the adoption section, the typed day kept, nothing changed.
        var day = ChinaTime.DayOf(DateTimeOffset.UtcNow).AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var bad = await PostFormAsync(page, url, "adoption", new() { ["status"] = "adopted", ["body"] = "", ["on"] = day });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Matches("id=\"error-adoption\"[^>]*>请填写采纳单位。", badHtml);
        Assert.Contains($"value=\"{day}\"", badHtml);
        Assert.Equal(before, await SnapshotAsync(id));
        // Progress before adoption: not offered, answered by the refusal; nothing changed.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(page, url, "progress", new() { ["percent"] = "10" })).StatusCode);
        Assert.Equal(before, await SnapshotAsync(id));

        // Done: redirect to the section with ?done=1 (post-redirect-get), the page shows it.
        var ok = await PostFormAsync(page, url, "adoption", new() { ["status"] = "adopted", ["body"] = "盘州市人民政府", ["on"] = day });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal($"/outcomes/{id}?done=1", ok.Target());
        Assert.EndsWith("?done=1#adoption", ok.Headers.Location!.OriginalString);
        var after = await page.GetHtmlAsync(ok.Target());
        Assert.Contains("已保存。", after);
        Assert.Contains("盘州市人民政府", after);
        Assert.DoesNotContain("error=", after);

        // Milestone without a title; then one added and marked done.
        var noTitle = await PostFormAsync(page, url, "milestone", new() { ["title"] = "", ["due"] = "" });
        Assert.Contains("id=\"error-milestone\"", await noTitle.HtmlAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.OutcomeMilestones.CountAsync(m => m.OutcomeId == id)));
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(page, url, "milestone", new() { ["title"] = "完成选址", ["due"] = "" })).StatusCode);
        var mid = await app.WithDbAsync(db => db.OutcomeMilestones.Where(m => m.OutcomeId == id).Select(m => m.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(page, url, "milestone-done", new() { ["milestone"] = mid.ToString(System.Globalization.CultureInfo.InvariantCulture) })).StatusCode);
        Assert.NotNull(await app.WithDbAsync(db => db.OutcomeMilestones.Where(m => m.Id == mid).Select(m => m.DoneOn).SingleAsync()));

        // Progress over 100: the Chinese message, the typed note kept, nothing changed.
        var mid2 = await SnapshotAsync(id);
        var over = await PostFormAsync(page, url, "progress", new() { ["percent"] = "120", ["note"] = "超额完成" });
        var overHtml = await over.HtmlAsync();
        Assert.Contains("落实进度应为 0 到 100 之间的整数。", overHtml);
        Assert.Contains("超额完成</textarea>", overHtml);
        Assert.Equal(mid2, await SnapshotAsync(id));
        var notNumber = await PostFormAsync(page, url, "progress", new() { ["percent"] = "很多" });
        Assert.Contains("落实进度应为 0 到 100 之间的整数。", await notNumber.HtmlAsync());
        Assert.Equal(mid2, await SnapshotAsync(id));

        // A hand-written ?error= shows nothing: messages never travel in the URL.
        Assert.DoesNotContain("伪造的消息", await page.GetHtmlAsync($"{url}?error=伪造的消息"));

        // Another committee's staff: the friendly refusal on the page and on a post.
        var other = await app.SignedInPageClientAsync("staff.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(url)).StatusCode);
        var own = await OutcomeAsync("520201", o => o.Title = "钟山区的成果");
        var token = await other.TokenOfAsync($"/outcomes/{own}");
        var foreign = await other.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "feedback", ["text"] = "越权", ["on"] = day,
        }));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal("", await app.WithDbAsync(db => db.Outcomes.Where(o => o.Id == id).Select(o => o.Feedback).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await page.GetAsync("/outcomes/999999")).StatusCode);
    }

    [Fact]
    public async Task A_unit_sees_only_its_own_outcomes_and_reports_progress_with_evidence()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var (edu, health) = await app.WithDbAsync(async db => (
            await db.HandlingUnits.Where(u => u.Code == "520200.edu").Select(u => u.Id).FirstAsync(),
            await db.HandlingUnits.Where(u => u.Code == "520200.health").Select(u => u.Id).FirstAsync()));
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var mine = await OutcomeAsync("520200", o => { o.Title = "教育局负责的成果"; o.Adoption = AdoptionStatus.Adopted; o.AdoptedOn = today.AddDays(-10); o.ResponsibleUnitId = edu; });
        var theirs = await OutcomeAsync("520200", o => { o.Title = "卫健局负责的成果"; o.Adoption = AdoptionStatus.Adopted; o.AdoptedOn = today.AddDays(-10); o.ResponsibleUnitId = health; });

        var unit = await app.SignedInPageClientAsync(s.Cast.Unit);
        var list = await unit.GetHtmlAsync("/outcomes");
        Assert.Contains("教育局负责的成果", list);
        Assert.DoesNotContain("卫健局负责的成果", list);
        Assert.DoesNotContain("data-table=\"overall\"", list); // no dashboard for a unit
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync($"/outcomes/{theirs}")).StatusCode);

        // The unit is offered the progress form only; a post to another form is refused and changes nothing.
        var url = $"/outcomes/{mine}";
        var detail = await unit.GetHtmlAsync(url);
        Assert.Contains("报告进展", detail);
        Assert.DoesNotContain("记录采纳", detail);
        var before = await SnapshotAsync(mine);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync(unit, url, "adoption", new() { ["status"] = "not-adopted" })).StatusCode);
        Assert.Equal(before, await SnapshotAsync(mine));

        // Progress with an evidence file (multipart), then post-redirect-get.
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await unit.TokenOfAsync(url)), "__RequestVerificationToken" }, { new StringContent("progress"), "_handler" },
            { new StringContent("60"), "percent" }, { new StringContent("完成校舍改造一期"), "note" }, { new StringContent(""), "on" },
            { new ByteArrayContent("验收记录"u8.ToArray()), "files", "验收记录.txt" },
        };
        var res = await unit.PostAsync(url, form);
        Assert.True(res.StatusCode == HttpStatusCode.Redirect, $"{(int)res.StatusCode} {await res.HtmlAsync()}");
        Assert.Equal($"/outcomes/{mine}?done=1", res.Target());
        Assert.EndsWith("?done=1#progress", res.Headers.Location!.OriginalString);
        var after = await unit.GetHtmlAsync(res.Target());
        Assert.Contains("完成校舍改造一期", after);
        Assert.Contains("验收记录.txt", after);
        Assert.Equal(60, await app.WithDbAsync(db => db.Outcomes.Where(o => o.Id == mine).Select(o => o.Percent).SingleAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.OutcomeFiles.CountAsync(f => f.OutcomeId == mine)));

        // Lower without a reason: the message, nothing changed.
        var mid = await SnapshotAsync(mine);
        var down = await PostFormAsync(unit, url, "progress", new() { ["percent"] = "30", ["note"] = "" });
        Assert.Contains("请在说明中写明原因", await down.HtmlAsync());
        Assert.Equal(mid, await SnapshotAsync(mine));
    }

    [Fact]
    public async Task The_chain_page_shows_the_chain_or_refuses()
    {
        var city = await app.WithDbAsync(async db => await db.Committees.Where(c => c.Code == "520200").Select(c => new { c.Id, c.Path }).FirstAsync());
        var item = await app.WithDbAsync(async db =>
        {
            var i = new Xieshang.Web.Features.Opinions.OpinionItem { CommitteeId = city.Id, CommitteePath = city.Path, Status = Xieshang.Web.Features.Opinions.OpinionStatus.Accepted,
                Title = "关于城区停车难的情况反映", Body = "正文", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, SubmittedAt = DateTimeOffset.UtcNow };
            db.OpinionItems.Add(i);
            await db.SaveChangesAsync();
            return i.Id;
        });
        var outcome = await OutcomeAsync("520200", o => { o.Title = "停车治理成果"; o.Kind = OutcomeKind.OpinionItem; o.SourceType = WorkItemType.OpinionItem; o.SourceId = item; });
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var html = await staff.GetHtmlAsync($"/outcomes/chain/opinion/{item}");
        Assert.Contains("关于城区停车难的情况反映", html);
        Assert.Contains($"href=\"/outcomes/{outcome}\"", html);
        // The opinion item's own page carries the chain too.
        Assert.Contains($"href=\"/outcomes/{outcome}\"", await staff.GetHtmlAsync($"/opinions/{item}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520201")).GetAsync($"/outcomes/chain/opinion/{item}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/outcomes/chain/opinion/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/outcomes/chain/nonsense/1")).StatusCode);
    }

    /// <summary>The cells after the name of the row named <paramref name="name"/> in the table <paramref name="table"/>.</summary>
    private static string[] Row(string html, string table, string name)
    {
        var start = html.IndexOf($"data-table=\"{table}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {table}");
        var body = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        foreach (Match row in RowPattern().Matches(body))
        {
            var cells = CellPattern().Matches(row.Value).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "").Trim()).ToArray();
            if (cells.Length > 0 && cells[0].StartsWith(name, StringComparison.Ordinal)) return cells[1..];
        }
        throw new Xunit.Sdk.XunitException($"no row {name} in {table}");
    }

    [GeneratedRegex("<tr>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();
}

public sealed class OutcomePagesSqliteTests(SqliteAppFactory f) : OutcomePagesTests(f), IClassFixture<SqliteAppFactory>;
public sealed class OutcomePagesPostgresTests(PostgresAppFactory f) : OutcomePagesTests(f), IClassFixture<PostgresAppFactory>;
