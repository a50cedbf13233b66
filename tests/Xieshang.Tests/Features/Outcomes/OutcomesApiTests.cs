using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Outcomes;

/// <summary>
/// Outcome tracking through the API on hand-built outcomes: progress rules (bounds, a lower percent needs a note, 100 →
/// implemented, evidence file type), scope and role on every endpoint (a sibling committee's staff, a member not credited, a
/// unit that is not responsible), the dashboard's exact numbers, the chain both ways with a node out of scope, and the hooks
/// (A/B/C replies, an adopted opinion item once, without second duty records).
/// </summary>
public abstract class OutcomesApiTests(AppFactory app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private Task<(int Id, string Path)> CommitteeAsync(string code) =>
        app.WithDbAsync(async db => await db.Committees.Where(c => c.Code == code).Select(c => new ValueTuple<int, string>(c.Id, c.Path)).FirstAsync());

    private async Task<int> OutcomeAsync(string committee, Action<Outcome> setup)
    {
        var (cid, path) = await CommitteeAsync(committee);
        return await app.WithDbAsync(async db =>
        {
            var o = new Outcome
            {
                Kind = OutcomeKind.ResearchReport, SourceType = WorkItemType.Research, SourceId = 0, CommitteeId = cid, CommitteePath = path, Title = "测试成果",
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
        return $"{o.Adoption}|{o.Percent}|{o.ImplementedOn}|{o.Feedback}|{o.AdoptingBody}|{await db.OutcomeProgress.CountAsync(p => p.OutcomeId == id)}|"
            + $"{await db.OutcomeFiles.CountAsync(f => f.OutcomeId == id)}|{await db.OutcomeInstructions.CountAsync(i => i.OutcomeId == id)}|{await db.OutcomeMilestones.CountAsync(m => m.OutcomeId == id)}";
    });

    [Fact]
    public async Task Progress_follows_the_rules_and_only_staff_in_scope_and_the_responsible_unit_report()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var unitId = await app.WithDbAsync(db => db.HandlingUnits.Where(u => u.Code == "520200.edu").Select(u => u.Id).FirstAsync());
        var credited = await ProposalScenario.MemberIdOfAsync(app, "member.520200");
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var id = await OutcomeAsync("520200", o => { o.Adoption = AdoptionStatus.Adopted; o.AdoptedOn = today.AddDays(-30); o.ResponsibleUnitId = unitId; o.MemberIds = [credited]; });
        var before = await SnapshotAsync(id);

        // Wrong role or committee: refused, nothing changed.
        foreach (var user in new[] { "staff.520201", "member.520200", "leader.520200", s.Cast.OtherUnit })
        {
            var res = await (await app.ClientAsAsync(user)).PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 30, note = "越权" });
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        }
        foreach (var (method, url, body) in new (string, string, object)[]
        {
            ("POST", $"/api/outcomes/{id}/adoption", new { status = "partly", body = "x", on = today }),
            ("POST", $"/api/outcomes/{id}/instructions", new { leaderName = "x", level = "city", text = "x", on = today }),
            ("POST", $"/api/outcomes/{id}/milestones", new { title = "x" }),
            ("POST", $"/api/outcomes/{id}/feedback", new { text = "x", on = today }),
        })
            foreach (var user in new[] { "staff.520201", "member.520200", "leader.520200", s.Cast.Unit })
                Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(user)).PostAsJsonAsync(url, body)).StatusCode);
        Assert.Equal(before, await SnapshotAsync(id));

        // Who reads: staff above, the credited member, the responsible unit; not a member not credited nor another district.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("member.520200")).GetAsync($"/api/outcomes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(s.Cast.Unit)).GetAsync($"/api/outcomes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/outcomes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/outcomes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(s.Cast.OtherUnit)).GetAsync($"/api/outcomes/{id}")).StatusCode);
        Assert.DoesNotContain((await Json(await (await app.ClientAsAsync(s.Cast.OtherUnit)).GetAsync("/api/outcomes"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Contains((await Json(await (await app.ClientAsAsync(s.Cast.Unit)).GetAsync("/api/outcomes"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync("/api/outcomes?committee=520200")).StatusCode);

        // Bad input: clear Chinese message, nothing changed.
        var unit = await app.ClientAsAsync(s.Cast.Unit);
        var over = await unit.PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 120 });
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var overBody = await Json(over);
        Assert.Contains("0 到 100", overBody.GetProperty("detail").GetString());
        // The README's validation shape: errors:{field:[…]} (field kept).
        Assert.Contains("0 到 100", overBody.GetProperty("errors").GetProperty("percent")[0].GetString());
        Assert.Equal("percent", overBody.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await unit.PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 10, on = today.AddDays(1) })).StatusCode);
        using (var exe = new MultipartFormDataContent { { new StringContent("40"), "percent" }, { new ByteArrayContent([1, 2, 3]), "files", "virus.exe" } })
        {
            var res = await unit.PostAsync($"/api/outcomes/{id}/progress", exe);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("不支持的文件类型", (await Json(res)).GetProperty("detail").GetString());
        }
        Assert.Equal(before, await SnapshotAsync(id));

        // The unit reports 60 % with an evidence file; it can be downloaded by whoever reads the outcome.
        using (var form = new MultipartFormDataContent { { new StringContent("60"), "percent" }, { new StringContent("完成一期"), "note" }, { new ByteArrayContent("证明"u8.ToArray()), "files", "进展.txt" } })
            Assert.Equal(HttpStatusCode.Created, (await unit.PostAsync($"/api/outcomes/{id}/progress", form)).StatusCode);
        var detail = await Json(await (await app.ClientAsAsync("staff.520200")).GetAsync($"/api/outcomes/{id}"));
        Assert.Equal(60, detail.GetProperty("summary").GetProperty("percent").GetInt32());
        var file = detail.GetProperty("progress")[0].GetProperty("files")[0];
        var download = await (await app.ClientAsAsync("member.520200")).GetAsync(file.GetProperty("url").GetString());
        Assert.Equal("证明", await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync(file.GetProperty("url").GetString())).StatusCode);

        // A lower percent needs a reason; 100 marks it implemented on the reported day.
        var down = await unit.PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 50 });
        Assert.Equal(HttpStatusCode.BadRequest, down.StatusCode);
        Assert.Equal("note", (await Json(down)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Created, (await unit.PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 50, note = "部分工程返工" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await unit.PostAsJsonAsync($"/api/outcomes/{id}/progress", new { percent = 100, note = "全部完成", on = today.AddDays(-1) })).StatusCode);
        var done = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().FirstAsync(o => o.Id == id));
        Assert.Equal((100, today.AddDays(-1)), (done.Percent, done.ImplementedOn!.Value));
        Assert.Equal(3, await app.WithDbAsync(db => db.OutcomeProgress.CountAsync(p => p.OutcomeId == id)));
        Assert.Contains((await Json(await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/outcomes?status=implemented"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.BadRequest, (await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/outcomes?status=nonsense")).StatusCode);

        // Instructions on an outcome write duty records for its credited members (source outcome).
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync($"/api/outcomes/{id}/instructions",
            new { leaderName = "省长", level = "province", text = "经验可推广。", on = today })).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(d => d.Source == OutcomeRules.DutySource && d.SourceId == id && d.MemberId == credited && d.RuleCode == "instruction.upper")));
    }

    [Fact]
    public async Task Dashboard_numbers_on_a_small_hand_built_set()
    {
        var d0 = new DateOnly(2026, 1, 10);
        var old = DateTimeOffset.UtcNow.AddDays(-200);
        await OutcomeAsync("520204", o => { o.Kind = OutcomeKind.Recommendation; o.Adoption = AdoptionStatus.Adopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(10); o.Percent = 100; o.ImplementedOn = d0.AddDays(40); });
        await OutcomeAsync("520204", o => { o.Kind = OutcomeKind.Recommendation; o.Adoption = AdoptionStatus.PartlyAdopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(20); o.Percent = 50; o.LastProgressAt = DateTimeOffset.UtcNow; });
        await OutcomeAsync("520204", o => { o.Adoption = AdoptionStatus.Adopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(30); o.Percent = 20; o.LastProgressAt = old; o.CreatedAt = old; });
        await OutcomeAsync("520204", o => { o.Adoption = AdoptionStatus.Pending; o.SubmittedOn = d0; });
        await OutcomeAsync("520204", o => { o.Adoption = AdoptionStatus.NotAdopted; o.SubmittedOn = d0; o.AdoptedOn = d0.AddDays(5); });

        var staff = await app.ClientAsAsync("staff.520204");
        var dash = await Json(await staff.GetAsync("/api/outcomes/dashboard?committee=520204"));
        var all = dash.GetProperty("overall");
        Assert.Equal(5, all.GetProperty("total").GetInt32());
        Assert.Equal(3, all.GetProperty("adopted").GetInt32());
        Assert.Equal(0.6, all.GetProperty("adoptionRate").GetDouble(), 6);
        Assert.Equal(20.0, all.GetProperty("avgDaysToAdoption").GetDouble(), 6); // (10 + 20 + 30) / 3
        Assert.Equal(1, all.GetProperty("implemented").GetInt32());
        Assert.Equal(1.0 / 3, all.GetProperty("implementedShare").GetDouble(), 6);
        Assert.Equal(170.0 / 3, all.GetProperty("avgPercent").GetDouble(), 6);
        Assert.Equal(1, all.GetProperty("stalled").GetInt32());
        var rec = dash.GetProperty("byKind").EnumerateArray().Single(k => k.GetProperty("key").GetString() == "recommendation");
        Assert.Equal((2, 1.0), (rec.GetProperty("total").GetInt32(), rec.GetProperty("adoptionRate").GetDouble()));
        Assert.Single((await Json(await staff.GetAsync("/api/outcomes?committee=520204&status=stalled"))).EnumerateArray());

        // The city sees each district in committee-code order, and the 水城区 row carries the same numbers.
        var city = await Json(await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/outcomes/dashboard?committee=520200"));
        var rows = city.GetProperty("byCommittee").EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToList();
        Assert.Equal("520200", rows[0]);
        Assert.Equal(rows.Skip(1).OrderBy(x => x, StringComparer.Ordinal), rows.Skip(1));
        Assert.Equal(5, city.GetProperty("byCommittee").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "520204").GetProperty("total").GetInt32());

        // Wrong committee or role.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync("/api/outcomes/dashboard?committee=520204")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520204")).GetAsync("/api/outcomes/dashboard?committee=520204")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/outcomes/dashboard?committee=000000")).StatusCode);
    }

    [Fact]
    public async Task The_chain_follows_links_both_ways_and_hides_what_the_viewer_may_not_read()
    {
        var (cid, path) = await CommitteeAsync("520204");
        var itemId = await app.WithDbAsync(async db =>
        {
            var item = new OpinionItem { CommitteeId = cid, CommitteePath = path, Status = OpinionStatus.Accepted, Title = "水城区群众反映的停车难问题", Body = "正文",
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, SubmittedAt = DateTimeOffset.UtcNow };
            db.OpinionItems.Add(item);
            await db.SaveChangesAsync();
            return item.Id;
        });
        var outcome = await OutcomeAsync("520201", o => { o.Title = "钟山区停车治理成果"; o.Adoption = AdoptionStatus.Adopted; });
        await app.WithDbAsync(async db =>
        {
            db.WorkLinks.Add(new WorkLink { FromType = WorkItemType.OpinionItem, FromId = itemId, ToType = WorkItemType.Outcome, ToId = outcome, CommitteePath = path, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

        // From the outcome (钟山区 staff): the 水城区 item is there, without its title.
        var chain = await Json(await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/chain/outcome/{outcome}"));
        var hidden = chain.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("type").GetString() == "opinion");
        Assert.False(hidden.GetProperty("readable").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("title").ValueKind);
        Assert.Equal("（无权查看）", hidden.GetProperty("label").GetString());
        Assert.DoesNotContain("停车难", chain.ToString());
        Assert.Contains(chain.GetProperty("edges").EnumerateArray(), e => e.GetProperty("fromType").GetString() == "opinion" && e.GetProperty("toId").GetInt32() == outcome);

        // From the item (the city sees both): the outcome with its title.
        var city = await Json(await (await app.ClientAsAsync("staff.520200")).GetAsync($"/api/chain/opinion/{itemId}"));
        Assert.Contains(city.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("type").GetString() == "outcome" && n.GetProperty("label").GetString()!.Contains("钟山区停车治理成果"));

        // The root must be readable; unknown items and types are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/chain/opinion/{itemId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/chain/opinion/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await (await app.ClientAsAsync("staff.520200")).GetAsync("/api/chain/nonsense/1")).StatusCode);
    }

    [Fact]
    public async Task A_or_B_reply_makes_one_outcome_a_later_C_turns_it_not_adopted()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var id = await s.InStateAsync(ProposalStatus.Rehandling, "关于成果转化测试的提案");
        var o = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().SingleAsync(x => x.SourceType == WorkItemType.Proposal && x.SourceId == id));
        var edu = await app.WithDbAsync(db => db.HandlingUnits.Where(u => u.Code == "520200.edu").Select(u => u.Id).FirstAsync());
        Assert.Equal((OutcomeKind.ProposalReply, AdoptionStatus.Adopted, edu), (o.Kind, o.Adoption, o.ResponsibleUnitId!.Value));
        Assert.Equal(new[] { s.Cast.ProposerMemberId, s.Cast.CoSignerMemberId, s.Cast.CoSigner2MemberId }.Order(), o.MemberIds.Order());
        Assert.StartsWith("A类", o.AdoptionNote);

        // The chain from the proposal: proposal → reply (A) → outcome.
        var chain = await Json(await (await app.ClientAsAsync(s.Cast.Office)).GetAsync($"/api/chain/proposal/{id}"));
        var reply = chain.GetProperty("nodes").EnumerateArray().First(n => n.GetProperty("type").GetString() == "reply");
        Assert.Equal("A", reply.GetProperty("status").GetString());
        Assert.Contains(chain.GetProperty("edges").EnumerateArray(), e => e.GetProperty("fromType").GetString() == "reply" && e.GetProperty("toId").GetInt32() == o.Id);

        await s.ActAsync(s.Cast.Unit, id, "reply", new { @class = "C", text = "<p>因条件限制留作参考。</p>", @public = false });
        var after = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().Where(x => x.SourceType == WorkItemType.Proposal && x.SourceId == id).ToListAsync());
        Assert.Equal(AdoptionStatus.NotAdopted, Assert.Single(after).Adoption);

        // A proposal answered C only has no outcome.
        var b = await s.InStateAsync(ProposalStatus.Handling, "关于只得到C类答复的提案");
        await s.ActAsync(s.Cast.Unit, b, "reply", new { @class = "C", text = "<p>留作参考。</p>", @public = false });
        Assert.Equal(0, await app.WithDbAsync(db => db.Outcomes.CountAsync(x => x.SourceType == WorkItemType.Proposal && x.SourceId == b)));
        // And B is adopted with implementation to follow.
        var c = await s.InStateAsync(ProposalStatus.Handling, "关于得到B类答复的提案");
        await s.ActAsync(s.Cast.Unit, c, "reply", new { @class = "B", text = "<p>列入计划。</p>", @public = false });
        var bo = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().SingleAsync(x => x.SourceType == WorkItemType.Proposal && x.SourceId == c));
        Assert.Equal(AdoptionStatus.Adopted, bo.Adoption);
        Assert.StartsWith("B类", bo.AdoptionNote);
    }

    [Fact]
    public async Task An_adopted_opinion_item_is_one_outcome_and_its_instructions_stay_on_the_item()
    {
        var city = await CommitteeAsync("520200");
        var member = await ProposalScenario.MemberIdOfAsync(app, "member.520200");
        var item = await app.WithDbAsync(async db =>
        {
            var i = new OpinionItem { CommitteeId = city.Id, CommitteePath = city.Path, Status = OpinionStatus.Accepted, Title = "关于农村饮水安全的信息", Body = "正文",
                AuthorMemberId = member, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, SubmittedAt = DateTimeOffset.UtcNow };
            db.OpinionItems.Add(i);
            await db.SaveChangesAsync();
            return i.Id;
        });
        var staff = await app.ClientAsAsync("staff.520200");
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var user = new CurrentUser("staff.520200", new HashSet<string> { Roles.Staff }, city.Id, "520200", city.Path, null);
        foreach (var code in new[] { "520200", "520000" })
            Assert.Null((await app.WithDbAsync(async db => await OpinionRules.AddAdoptionAsync(db, await db.OpinionItems.FirstAsync(x => x.Id == item),
                new AdoptionInput(code, today, ""), user, TimeProvider.System, CancellationToken.None))).Error);
        var outcomes = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().Where(o => o.SourceType == WorkItemType.OpinionItem && o.SourceId == item).ToListAsync());
        var o = Assert.Single(outcomes);
        Assert.Equal((OutcomeKind.OpinionItem, AdoptionStatus.Adopted), (o.Kind, o.Adoption));
        Assert.Equal([member], o.MemberIds);

        // Instructions are recorded on the item, never twice: the outcome endpoint refuses, duty records stay the item's.
        var refused = await staff.PostAsJsonAsync($"/api/outcomes/{o.Id}/instructions", new { leaderName = "市长", level = "city", text = "批示", on = today });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.DutyRecords.CountAsync(d => d.Source == OutcomeRules.DutySource && d.SourceId == o.Id)));
        var detail = await Json(await staff.GetAsync($"/api/outcomes/{o.Id}"));
        Assert.Equal(2, detail.GetProperty("opinionRecords").GetArrayLength());
    }
}

public sealed class OutcomesApiSqliteTests(SqliteAppFactory f) : OutcomesApiTests(f), IClassFixture<SqliteAppFactory>;
public sealed class OutcomesApiPostgresTests(PostgresAppFactory f) : OutcomesApiTests(f), IClassFixture<PostgresAppFactory>;
