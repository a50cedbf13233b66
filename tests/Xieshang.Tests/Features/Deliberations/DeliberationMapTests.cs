using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Deliberations;
using static Xieshang.Tests.Features.Deliberations.DeliberationTestData;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>
/// The opinion map in the platform: recompute (warm, stored, moderated-out statements in the maths), the map API and
/// "my group", the consultation report's summary, the background job, and comment-priority routing (the lease and the
/// debounce: <see cref="DeliberationMapLeaseTests"/>).
/// </summary>
public abstract class DeliberationMapTests(AppFactory app)
{
    private Task<(int Id, List<int> Statements)> TwoCampsAsync(int perCamp = 30, DateTimeOffset? at = null) => DeliberationTestData.TwoCampsAsync(app, null, perCamp, at);

    private Task<bool> RecomputeAsync(int id) => DeliberationTestData.RecomputeAsync(app, id);

    [Fact]
    public async Task Recompute_finds_the_two_camps_consensus_and_divisive_statements_and_the_member_sees_their_group()
    {
        var (id, statements) = await TwoCampsAsync();
        // The member votes like camp A.
        var member = await app.ClientAsAsync("member.520200");
        for (var s = 0; s < 10; s++)
            Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statements[s], s switch { < 4 => 1, < 8 => -1, 8 => 1, _ => -1 }));

        Assert.True(await RecomputeAsync(id));
        var map = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/map");
        var groups = map.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(["第1组", "第2组"], groups.Select(g => g.GetProperty("name").GetString()));
        Assert.Equal(61, groups.Sum(g => g.GetProperty("size").GetInt32()));
        Assert.Equal(61, map.GetProperty("participants").GetInt32());
        Assert.Contains(Seeds[8], map.GetProperty("consensusAgree").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        Assert.Contains(Seeds[9], map.GetProperty("consensusDisagree").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        var divisive = map.GetProperty("divisive").EnumerateArray().Select(s => s.GetProperty("text").GetString()).ToList();
        Assert.NotEmpty(divisive);
        Assert.All(divisive, t => Assert.Contains(t, Seeds[..8]));
        // Bridging: the statement everyone agrees with ranks first.
        Assert.Equal(Seeds[8], map.GetProperty("ranked")[0].GetProperty("text").GetString());
        // What sets a group apart: its camp's statements, agreed inside and not outside.
        var distinct = groups.SelectMany(g => g.GetProperty("distinct").EnumerateArray()).ToList();
        Assert.NotEmpty(distinct);
        Assert.All(distinct.Where(d => d.GetProperty("direction").GetString() == "agree"),
            d => Assert.True(d.GetProperty("agreeInPercent").GetInt32() > d.GetProperty("agreeOutPercent").GetInt32()));

        var mine = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/my-group");
        var myName = mine.GetProperty("name").GetString();
        Assert.Matches("^第[12]组$", myName);
        // The member's group is the group agreeing with camp A's first statement.
        var campA = groups.Single(g => g.GetProperty("distinct").EnumerateArray().Any(d => d.GetProperty("text").GetString() == Seeds[0] && d.GetProperty("direction").GetString() == "agree")
            || g.GetProperty("distinct").EnumerateArray().Any(d => d.GetProperty("text").GetString() == Seeds[4] && d.GetProperty("direction").GetString() == "disagree"));
        Assert.Equal(campA.GetProperty("name").GetString(), myName);
        Assert.Equal(myName, map.GetProperty("myGroupName").GetString());

        // The consultation report's summary.
        var consultation = await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.ConsultationId).FirstAsync());
        var summary = await app.WithDbAsync(db => DeliberationSummary.ForConsultationAsync(db, consultation, default));
        Assert.NotNull(summary);
        Assert.Equal(61, summary.Participants);
        Assert.Equal(10, summary.Statements);
        Assert.Equal(2 * 30 * 9 + 10, summary.Votes);
        Assert.Equal(2, summary.Groups.Count);
        Assert.Contains(Seeds[8], summary.ConsensusAgree);
        Assert.Contains(Seeds[9], summary.ConsensusDisagree);
        Assert.Contains(summary.Groups.SelectMany(g => g.Distinct), t => t.Contains("本组同意") && t.Contains("其他组同意"));
        Assert.Null(await app.WithDbAsync(db => DeliberationSummary.ForConsultationAsync(db, 999_999, default)));

        // Warm start: the stored state is read back, and a rejected statement leaves the lists but stays in the maths.
        var state = await app.WithDbAsync(db => db.DeliberationMaps.Where(m => m.DeliberationId == id).Select(m => m.State).FirstAsync());
        Assert.NotNull(DeliberationMapData.DeserializeState(state));
        var staff = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{statements[8]}/moderate", new { decision = "reject", reason = "表述不清" })).StatusCode);
        Assert.True(await RecomputeAsync(id));
        map = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/map");
        Assert.DoesNotContain(Seeds[8], map.GetProperty("consensusAgree").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        Assert.DoesNotContain(Seeds[8], map.GetProperty("ranked").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        Assert.Equal(10, map.GetProperty("statements").GetInt32()); // the moderated-out column is still in the matrix
        Assert.Equal(2, map.GetProperty("groups").GetArrayLength());
    }

    [Fact]
    public async Task Below_seven_clustered_participants_the_map_claims_no_groups_consensus_or_ranking()
    {
        var id = await OpenAsync(app);
        var statements = await AcceptedAsync(app, id);
        var member = await app.ClientAsAsync("member.520200");
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statements[0], 1));
        Assert.True(await RecomputeAsync(id));

        var map = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/map");
        Assert.Equal(1, map.GetProperty("participants").GetInt32());
        Assert.Equal(1, map.GetProperty("statements").GetInt32());
        foreach (var list in new[] { "groups", "consensusAgree", "consensusDisagree", "divisive", "ranked" })
            Assert.Equal(0, map.GetProperty(list).GetArrayLength());
        Assert.Equal(JsonValueKind.Null, map.GetProperty("myGroup").ValueKind);
        // Nothing misleading is stored either: no groups in the data, nobody in a group among the points.
        var stored = await app.WithDbAsync(db => db.DeliberationMaps.AsNoTracking().FirstAsync(m => m.DeliberationId == id));
        Assert.Empty(DeliberationMapData.ReadData(stored.Data)!.Groups);
        Assert.All(JsonSerializer.Deserialize<MapPoints>(stored.Points, DeliberationMapData.Json)!.G, g => Assert.Equal(-1, g));
        Assert.NotEqual("{}", stored.Priorities);

        var page = await (await app.SignedInPageClientAsync("member.520200")).GetHtmlAsync($"/deliberations/{id}/map");
        Assert.Contains("参与人数较少，暂不分组", page);
        Assert.Contains("1 人 · 1 条意见有表决 · 1 次表决", page);
        Assert.DoesNotContain("普遍同意", page);
        Assert.DoesNotContain("第1组", page);

        // Six more people vote on every statement: seven clustered, groups and the ranking appear.
        await app.WithDbAsync(async db =>
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(-5);
            for (var i = 0; i < 6; i++)
            {
                var p = new DeliberationParticipant { DeliberationId = id, AnonymousKey = $"few-{i}", CreatedAt = at };
                db.DeliberationParticipants.Add(p);
                await db.SaveChangesAsync();
                for (var s = 0; s < statements.Count; s++)
                    db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[s], UpdatedAt = at,
                        Value = (short)(s == 0 ? 1 : i % 2 == 0 ? 1 : -1) });
            }
            await db.SaveChangesAsync();
            return 0;
        });
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statements[1], 1));
        Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, statements[2], -1));
        Assert.True(await RecomputeAsync(id));
        map = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/map");
        Assert.Equal(7, map.GetProperty("inConv").GetInt32());
        Assert.NotEqual(0, map.GetProperty("groups").GetArrayLength());
        Assert.NotEqual(0, map.GetProperty("ranked").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, map.GetProperty("myGroup").ValueKind);
    }

    [Fact]
    public async Task The_demo_deliberation_seeds_once_and_its_map_has_two_or_three_groups()
    {
        var consultation = await ConsultationAsync(app, "520200", "优化营商环境、促进民营经济发展");
        var id = await app.WithDbAsync(db => DemoDeliberation.SeedAsync(db, TimeProvider.System, default));
        Assert.NotNull(id);
        Assert.Equal(consultation, await app.WithDbAsync(db => db.Deliberations.Where(d => d.Id == id).Select(d => d.ConsultationId).FirstAsync()));
        Assert.Null(await app.WithDbAsync(db => DemoDeliberation.SeedAsync(db, TimeProvider.System, default)));
        Assert.Equal(40, await app.WithDbAsync(db => db.DeliberationStatements.CountAsync(s => s.DeliberationId == id && s.Status == StatementStatus.Accepted)));
        Assert.True(await RecomputeAsync(id.Value));
        var summary = await app.WithDbAsync(db => DeliberationSummary.ForConsultationAsync(db, consultation, default));
        Assert.Equal(150, summary!.Participants);
        Assert.InRange(summary.Groups.Count, 2, 3);
        Assert.Contains("政府拖欠民营企业的账款应限期清偿", summary.ConsensusAgree);
        Assert.NotEmpty(summary.Divisive);
    }

    [Fact]
    public async Task The_background_job_recomputes_the_map_after_the_last_vote()
    {
        var id = await OpenAsync(app);
        var statements = await AcceptedAsync(app, id);
        var member = await app.ClientAsAsync("member.520200");
        foreach (var s in statements) Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, s, 1));
        var lastVote = await app.WithDbAsync(db => db.DeliberationVotes.Where(v => v.DeliberationId == id).MaxAsync(v => v.UpdatedAt));
        DateTimeOffset? computed = null;
        for (var i = 0; i < 100 && computed is null; i++)
        {
            await Task.Delay(100);
            computed = await app.WithDbAsync(db => db.DeliberationMaps.Where(m => m.DeliberationId == id && m.ThroughAt >= lastVote).Select(m => (DateTimeOffset?)m.ComputedAt).FirstOrDefaultAsync());
        }
        // The job's delay (debounce 400 ms, at most 1.2 s) is measured in bench/, not asserted here: tests assert no wall-clock time.
        Assert.NotNull(computed);
        var map = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/map");
        Assert.Equal(3, map.GetProperty("votes").GetInt32());
    }

    [Fact]
    public async Task Routing_weights_by_priority_new_statements_get_the_top_priority_and_voted_or_rejected_ones_never_come_back()
    {
        var ids = new[] { 1, 2, 3 };
        var random = new Random(42);
        var counts = new int[3];
        var priorities = new Dictionary<int, double> { [1] = 1, [2] = 9 };
        for (var i = 0; i < 20_000; i++) counts[DeliberationRules.Choose(ids, priorities, random)]++;
        // Statement 3 is newer than the map: it gets the top priority (9), like statement 2.
        Assert.InRange(counts[0] / 20_000.0, 0.04, 0.065);
        Assert.InRange(counts[1] / 20_000.0, 0.45, 0.50);
        Assert.InRange(counts[2] / 20_000.0, 0.45, 0.50);
        // No map: uniform.
        Array.Clear(counts);
        for (var i = 0; i < 30_000; i++) counts[DeliberationRules.Choose(ids, null, random)]++;
        Assert.All(counts, c => Assert.InRange(c / 30_000.0, 0.31, 0.355));

        var (id, statements) = await TwoCampsAsync(10);
        var staff = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/deliberations/{id}/statements/{statements[0]}/moderate", new { decision = "reject", reason = "重复" })).StatusCode);
        Assert.True(await RecomputeAsync(id));
        var member = await app.ClientAsAsync("member.520200");
        var seen = new List<int>();
        for (var i = 0; i < 9; i++)
        {
            var next = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/next");
            Assert.Equal(i, next.GetProperty("voted").GetInt32());
            Assert.Equal(9, next.GetProperty("total").GetInt32());
            var sid = next.GetProperty("statement").GetProperty("id").GetInt32();
            Assert.DoesNotContain(sid, seen);
            Assert.NotEqual(statements[0], sid);
            seen.Add(sid);
            Assert.Equal(HttpStatusCode.NoContent, await VoteAsync(member, id, sid, 0));
        }
        var done = await member.GetFromJsonAsync<JsonElement>($"/api/deliberations/{id}/next");
        Assert.Equal(JsonValueKind.Null, done.GetProperty("statement").ValueKind);
        Assert.Equal(9, done.GetProperty("voted").GetInt32());
    }
}

public sealed class DeliberationMapSqliteTests(SqliteAppFactory app) : DeliberationMapTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DeliberationMapPostgresTests(PostgresAppFactory app) : DeliberationMapTests(app), IClassFixture<PostgresAppFactory>;
