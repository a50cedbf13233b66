using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// Several people acting at once, on SQLite and PostgreSQL: numbers filed in parallel have neither gaps nor repeats;
/// two staff acting on the same proposal with the same version — one wins, the other gets the Chinese conflict message,
/// and exactly one step is recorded.
/// </summary>
public abstract class ProposalConcurrencyTests(AppFactory app)
{
    private const string Conflict = "该提案刚刚已被他人处理";

    [Fact]
    public async Task Twenty_proposals_filed_in_parallel_get_consecutive_numbers_without_gaps_or_repeats()
    {
        var s = await ProposalScenario.CreateAsync(app);
        await TestAccounts.EnsureAsync(app, "xs.staff2.520204", Xieshang.Web.Infrastructure.Auth.Roles.Staff, "520204");
        var ids = new List<int>();
        for (var i = 0; i < 20; i++) ids.Add(await s.SubmittedAsync($"关于水城区第{i + 1}件民生事项的建议", "member.520204"));
        var first = await s.DetailAsync("staff.520204", ids[0]);
        var (term, session) = (first.GetProperty("term").GetInt32(), first.GetProperty("session").GetInt32());
        var committeeId = await app.WithDbAsync(db => db.Committees.Where(c => c.Code == "520204").Select(c => c.Id).FirstAsync());
        var max0 = await app.WithDbAsync(db => db.Proposals.Where(p => p.CommitteeId == committeeId && p.Term == term && p.Session == session).MaxAsync(p => p.Sequence)) ?? 0;

        // Three office accounts (水城区 twice, the city above it once) file all twenty at the same time.
        var clients = new[] { await s.As("staff.520204"), await s.As("xs.staff2.520204"), await s.As("staff.520200") };
        using var start = new SemaphoreSlim(0);
        var tasks = ids.Select((id, i) => Task.Run(async () =>
        {
            await start.WaitAsync();
            return await clients[i % clients.Length].PostAsJsonAsync($"/api/proposals/{id}/actions/file", new { });
        })).ToList();
        start.Release(ids.Count);
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var filed = await app.WithDbAsync(db => db.Proposals.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Sequence, p.Number, p.Status }).ToListAsync());
        Assert.All(filed, p => Assert.Equal(S.Filed, p.Status));
        Assert.Equal(Enumerable.Range(max0 + 1, 20), filed.Select(p => p.Sequence!.Value).Order());
        Assert.All(filed, p => Assert.Equal(ProposalRules.FormatNumber(term, session, p.Sequence!.Value), p.Number));
        Assert.Equal(20, filed.Select(p => p.Number).Distinct().Count());
        // The whole session: 1..n, every number once.
        var all = await app.WithDbAsync(db => db.Proposals.Where(p => p.CommitteeId == committeeId && p.Term == term && p.Session == session && p.Sequence != null)
            .Select(p => p.Sequence!.Value).ToListAsync());
        Assert.Equal(Enumerable.Range(1, all.Count), all.Order());
        if (max0 == 0) Assert.Equal($"{ProposalRules.ChineseNumber(term)}届{ProposalRules.ChineseNumber(session)}次会议第0001号",
            filed.Single(p => p.Sequence == 1).Number);
        Assert.Equal(20, await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => ids.Contains(e.ProposalId) && e.Action == "file")));
    }

    [Fact]
    public async Task Two_staff_acting_on_the_same_version_one_wins_the_other_gets_a_clear_conflict()
    {
        var s = await ProposalScenario.CreateAsync(app);
        await TestAccounts.EnsureAsync(app, "xs.staff2.520200", Xieshang.Web.Infrastructure.Auth.Roles.Staff, "520200");
        var pairs = new (string A, object DataA, string B, object DataB)[]
        {
            ("file", new { }, "file", new { }),
            ("return", new { reason = "请补充材料。" }, "file", new { }),
            ("reject", new { ground = "no-suggestion", explanation = "没有具体建议。" }, "merge", new { }),
        };
        foreach (var (a, dataA, b, dataB) in pairs)
            for (var round = 0; round < 3; round++)
            {
                var id = await s.SubmittedAsync($"关于并发处理第{round}轮的提案");
                var into = b == "merge" ? await s.SubmittedAsync("并案目标") : 0;
                var (_, version) = await s.StateAsync(id);
                var events = await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == id));
                var one = await s.As(s.Cast.Office);
                var two = await s.As("xs.staff2.520200");
                var bodyA = Merge(dataA, version, 0);
                var bodyB = Merge(dataB, version, into);
                using var start = new SemaphoreSlim(0);
                var ta = Task.Run(async () => { await start.WaitAsync(); return await one.PostAsJsonAsync($"/api/proposals/{id}/actions/{a}", bodyA); });
                var tb = Task.Run(async () => { await start.WaitAsync(); return await two.PostAsJsonAsync($"/api/proposals/{id}/actions/{b}", bodyB); });
                start.Release(2);
                var res = await Task.WhenAll(ta, tb);
                var codes = res.Select(r => r.StatusCode).ToList();
                Assert.Equal(1, codes.Count(c => c == HttpStatusCode.OK));
                var loser = res.Single(r => r.StatusCode != HttpStatusCode.OK);
                Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode);
                var problem = await loser.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
                Assert.Contains(Conflict, problem.GetProperty("detail").GetString());

                var winner = res[0].StatusCode == HttpStatusCode.OK ? a : b;
                var (state, newVersion) = await s.StateAsync(id);
                Assert.Equal(version + 1, newVersion);
                Assert.Equal(winner switch { "file" => S.Filed, "return" => S.Returned, "reject" => S.NotFiled, _ => S.Merged }, state);
                var steps = await app.WithDbAsync(db => db.ProposalEvents.Where(e => e.ProposalId == id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
                Assert.Equal(events + 1, steps.Count);
                Assert.Equal(winner, steps[^1]);
                var p = await app.WithDbAsync(db => db.Proposals.AsNoTracking().FirstAsync(x => x.Id == id));
                Assert.Equal(winner == "file", p.Sequence is not null);
                Assert.Equal(winner == "merge", p.MergedIntoId == into && into != 0);
                Assert.Equal(winner == "reject", p.NotFiledGround.Length > 0);
            }
    }

    [Fact]
    public async Task A_stale_version_is_refused_for_actions_and_edits_and_nothing_is_lost()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var id = await s.CreateAsync(title: "关于版本冲突的提案", coSigners: []);
        var (_, v0) = await s.StateAsync(id);
        var member = await s.As(s.Cast.Proposer);
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/proposals/{id}")
        {
            Content = JsonContent.Create(new { title = "关于版本冲突的提案（修改）", body = "<p>第一次修改。</p>", kind = "between-session" }),
        };
        edit.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{v0}\""));
        Assert.Equal(HttpStatusCode.OK, (await member.SendAsync(edit)).StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/proposals/{id}")
        {
            Content = JsonContent.Create(new { title = "被覆盖的修改", body = "<p>第二次修改。</p>", kind = "between-session" }),
        };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{v0}\""));
        var refused = await member.SendAsync(stale);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(Conflict, await refused.Content.ReadAsStringAsync());
        var d = await s.DetailAsync(s.Cast.Proposer, id);
        Assert.Equal("关于版本冲突的提案（修改）", d.GetProperty("title").GetString());

        var (status, body) = await s.TryAsync(s.Cast.Proposer, id, "submit", new { version = v0 });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains(Conflict, body.GetProperty("detail").GetString());
        Assert.Equal(S.Draft, (await s.StateAsync(id)).Status);
        var ok = await s.ActAsync(s.Cast.Proposer, id, "submit", new { version = v0 + 1 });
        Assert.Equal("submitted", ok.GetProperty("status").GetString());
    }

    private static Dictionary<string, object?> Merge(object data, int version, int intoId)
    {
        var d = data.GetType().GetProperties().ToDictionary(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p => p.GetValue(data));
        d["version"] = version;
        if (intoId != 0) d["intoId"] = intoId;
        return d;
    }
}

public sealed class ProposalConcurrencySqliteTests(SqliteAppFactory app) : ProposalConcurrencyTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalConcurrencyPostgresTests(PostgresAppFactory app) : ProposalConcurrencyTests(app), IClassFixture<PostgresAppFactory>;
