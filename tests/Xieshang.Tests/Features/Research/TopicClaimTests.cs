using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure;

namespace Xieshang.Tests.Features.Research;

/// <summary>
/// Claimed topics (领题调研): staff publish; a member claims for themself, staff for a sector or special committee; each claim
/// becomes a research project (TopicClaimId, WorkLink Topic → Research) shown on the board with its progress; a second claim
/// by the same claimant, a claim after the deadline or beyond the limit are refused; parallel claims for the last slot leave
/// exactly one winner (the database's unique index decides); every endpoint refuses the wrong role and the wrong committee;
/// bad input changes nothing; the /topics page publishes and claims.
/// </summary>
public abstract class TopicClaimTests(AppFactory app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).GetProperty("detail").GetString() ?? "";

    private static string Today(int days = 0) => ChinaTime.DayOf(DateTimeOffset.UtcNow).AddDays(days).ToString("yyyy-MM-dd");

    private static async Task<int> PublishAsync(HttpClient staff, string committee, string title, int max = 3)
    {
        var res = await staff.PostAsJsonAsync("/api/topics", new { title, background = "市委市政府年度重点工作。", deadline = Today(10), maxClaims = max, committeeCode = committee });
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    private Task<List<int>> SectorsAsync(string code) =>
        app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == code).OrderBy(s => s.SortOrder).Select(s => s.Id).ToListAsync());

    private Task<(int Leader, int Author)> TeamAsync(string code) => app.WithDbAsync(async db =>
    {
        var ids = await db.Members.Where(m => m.Committee!.Code == code && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).Take(2).ToListAsync();
        return (ids[0], ids[1]);
    });

    private async Task<HttpResponseMessage> ClaimForSectorAsync(HttpClient staff, int topic, int sector, string code)
    {
        var (leader, author) = await TeamAsync(code);
        return await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector, leaderId = leader, authorId = author });
    }

    [Fact]
    public async Task Members_and_sectors_claim_a_topic_into_research_projects_within_the_deadline_the_limit_and_once_each()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var topic = await PublishAsync(staff, "520201", "优化营商环境助推民营经济发展", max: 2);

        // A member claims for themself (empty body = themself): a project led and written by them, linked from the topic.
        var member = await app.ClientAsAsync("member.520201");
        var claimed = await member.PostAsJsonAsync($"/api/topics/{topic}/claim", new { });
        Assert.True(claimed.StatusCode == HttpStatusCode.OK, await claimed.Content.ReadAsStringAsync());
        var researchId = (await Json(claimed)).GetProperty("researchId").GetInt32();
        var memberId = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520201").Select(u => u.MemberId!.Value).FirstAsync());
        var project = await app.WithDbAsync(db => db.ResearchProjects.Include(p => p.Team).FirstAsync(p => p.Id == researchId));
        Assert.Equal("优化营商环境助推民营经济发展", project.Title);
        Assert.Contains(project.Team, t => t.Role == TeamRole.Leader && t.MemberId == memberId);
        var claim = await app.WithDbAsync(db => db.TopicClaims.FirstAsync(c => c.TopicId == topic));
        Assert.Equal(claim.Id, project.TopicClaimId);
        Assert.Equal(researchId, claim.ResearchProjectId);
        Assert.Equal(memberId, claim.MemberId);
        Assert.True(await app.WithDbAsync(db => db.WorkLinks.AnyAsync(l => l.FromType == WorkItemType.Topic && l.FromId == topic && l.ToType == WorkItemType.Research && l.ToId == researchId)));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "research.topic.claimed" && db.Users.Any(u => u.Id == n.UserId && u.UserName == "staff.520201"))));
        // The project is the member's own doing: created by their account, the timeline under their name (no office identity).
        var account = await app.WithDbAsync(db => db.Users.FirstAsync(u => u.UserName == "member.520201"));
        Assert.Equal("member.520201", project.CreatedBy);
        var created = await app.WithDbAsync(db => db.ResearchEvents.SingleAsync(e => e.ResearchProjectId == researchId && e.Action == "create"));
        Assert.Equal(account.Id, created.ByUserId);
        Assert.Equal(string.IsNullOrEmpty(account.DisplayName) ? "member.520201" : account.DisplayName, created.ByName);
        Assert.Contains(project.Team, t => t.Role == TeamRole.Author && t.MemberId == memberId);

        // The same member again: refused with a clear message.
        var again = await member.PostAsJsonAsync($"/api/topics/{topic}/claim", new { memberId });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已认领过", await Detail(again));

        // Staff claim for a sector (the last slot); then the topic is full.
        var sectors = await SectorsAsync("520201");
        var sector = await ClaimForSectorAsync(staff, topic, sectors[0], "520201");
        Assert.Equal(HttpStatusCode.OK, sector.StatusCode);
        var full = await ClaimForSectorAsync(staff, topic, sectors[1], "520201");
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Contains("名额（2 个）已满", await Detail(full));

        // The board: claims count, slots left, each claim's claimant and project progress.
        var board = (await Json(await member.GetAsync("/api/topics?committee=520201"))).EnumerateArray().Single(t => t.GetProperty("id").GetInt32() == topic);
        Assert.Equal(2, board.GetProperty("claimCount").GetInt32());
        Assert.Equal(0, board.GetProperty("remaining").GetInt32());
        Assert.False(board.GetProperty("open").GetBoolean());
        var claims = board.GetProperty("claims").EnumerateArray().ToList();
        Assert.Equal(["member", "sector"], claims.Select(c => c.GetProperty("claimantKind").GetString()!).ToArray());
        Assert.Equal("planning", claims[0].GetProperty("status").GetString());
        Assert.Equal("draft", claims[0].GetProperty("reportStatus").GetString());

        // After the deadline: refused.
        var late = await PublishAsync(staff, "520201", "乡村振兴中的人才引进问题");
        await app.WithDbAsync(async db =>
        {
            var t = await db.ResearchTopics.FirstAsync(x => x.Id == late);
            t.Deadline = ChinaTime.DayOf(DateTimeOffset.UtcNow).AddDays(-1);
            return await db.SaveChangesAsync();
        });
        var expired = await member.PostAsJsonAsync($"/api/topics/{late}/claim", new { });
        Assert.Equal(HttpStatusCode.Conflict, expired.StatusCode);
        Assert.Contains("截止", await Detail(expired));

        // Closed by staff: refused.
        var closedTopic = await PublishAsync(staff, "520201", "城市更新中的历史文化保护");
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/topics/{closedTopic}/close", null)).StatusCode);
        var closed = await member.PostAsJsonAsync($"/api/topics/{closedTopic}/claim", new { });
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Contains("已关闭", await Detail(closed));
        Assert.Equal(2, await app.WithDbAsync(db => db.TopicClaims.CountAsync(c => c.TopicId == topic || c.TopicId == late || c.TopicId == closedTopic)));
    }

    [Fact]
    public async Task Staff_claim_for_a_sector_or_special_committee_with_the_issues_bare_body_and_set_the_team_later()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var topic = await PublishAsync(staff, "520200", "数字经济与实体经济融合发展", max: 3);
        var sector = (await SectorsAsync("520200"))[0];
        var special = await app.WithDbAsync(db => db.SpecialCommittees.Where(s => s.Committee!.Code == "520200").Select(s => s.Id).FirstAsync());
        // Exactly the issue's bodies: {"sectorId"} and {"specialCommitteeId"}.
        var bySector = await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector });
        Assert.True(bySector.StatusCode == HttpStatusCode.OK, $"{(int)bySector.StatusCode} {await bySector.Content.ReadAsStringAsync()}");
        var bySpecial = await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { specialCommitteeId = special });
        Assert.True(bySpecial.StatusCode == HttpStatusCode.OK, $"{(int)bySpecial.StatusCode} {await bySpecial.Content.ReadAsStringAsync()}");
        var researchId = (await Json(bySector)).GetProperty("researchId").GetInt32();
        var d = await Json(await staff.GetAsync($"/api/research/{researchId}"));
        Assert.Empty(d.GetProperty("team").EnumerateArray());
        Assert.Equal("staff.520200", d.GetProperty("createdBy").GetString());
        // The team comes before the plan: submit refused with the reason, then the team set and the plan submitted.
        var early = await staff.PostAsJsonAsync($"/api/research/{researchId}/plan/actions/submit", new { plan = "调研方案" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("组长和执笔人", await Detail(early));
        var (leader, author) = await TeamAsync("520200");
        Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/research/{researchId}/team", new { leaderId = leader, authorId = author })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/research/{researchId}/plan/actions/submit", new { plan = "调研方案" })).StatusCode);
    }

    [Fact]
    public async Task Parallel_claims_for_the_last_slots_leave_exactly_as_many_winners_as_slots()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var sectors = await SectorsAsync("520200");
        var (leader, author) = await TeamAsync("520200");
        for (var round = 0; round < 3; round++)
        {
            var slots = round == 0 ? 1 : 2;
            var topic = await PublishAsync(staff, "520200", $"并发认领测试课题 {round}", max: slots);
            var clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.ClientAsAsync("staff.520200")));
            var results = await Task.WhenAll(clients.Select((c, i) =>
                c.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sectors[round * 6 + i], leaderId = leader, authorId = author })));
            var codes = results.Select(r => r.StatusCode).ToList();
            Assert.True(codes.Count(c => c == HttpStatusCode.OK) == slots, string.Join(",", codes.Select(c => (int)c)));
            Assert.All(codes.Where(c => c != HttpStatusCode.OK), c => Assert.Equal(HttpStatusCode.Conflict, c));
            foreach (var r in results.Where(r => r.StatusCode == HttpStatusCode.Conflict)) Assert.Contains("已满", await Detail(r));
            Assert.Equal(slots, await app.WithDbAsync(db => db.TopicClaims.CountAsync(c => c.TopicId == topic)));
            Assert.Equal(slots, await app.WithDbAsync(db => db.ResearchProjects.CountAsync(p => db.TopicClaims.Any(c => c.TopicId == topic && c.Id == p.TopicClaimId))));
            Assert.Equal(slots, await app.WithDbAsync(db => db.WorkLinks.CountAsync(l => l.FromType == WorkItemType.Topic && l.FromId == topic)));
        }
        // No project was left behind by a losing claim.
        Assert.Equal(0, await app.WithDbAsync(db => db.ResearchProjects.CountAsync(p => p.Title.StartsWith("并发认领测试课题") && p.TopicClaimId == null)));
    }

    [Fact]
    public async Task Every_endpoint_refuses_the_wrong_role_and_the_wrong_committee_and_bad_input_changes_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520204");
        var topic = await PublishAsync(staff, "520204", "山地特色农业产业化调研");
        var sector = (await SectorsAsync("520204"))[0];
        var citySector = (await SectorsAsync("520200"))[0];
        async Task<string> SnapshotAsync() => await app.WithDbAsync(async db => string.Join("|",
            await db.ResearchTopics.CountAsync(), await db.ResearchTopics.CountAsync(t => t.Status == TopicStatus.Closed), await db.TopicClaims.CountAsync(),
            await db.ResearchProjects.CountAsync(), await db.WorkLinks.CountAsync()));
        var before = await SnapshotAsync();
        // Wrong committee: 钟山区's staff and member on 水城区's topic; wrong role: a leader, a handling unit; a member publishing.
        foreach (var who in new[] { "staff.520201", "member.520201", "leader.520200", "unit.520200.edu" })
        {
            var client = await app.ClientAsAsync(who);
            var claim = await client.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector });
            Assert.True(claim.StatusCode == HttpStatusCode.Forbidden, $"{who} claim: {(int)claim.StatusCode}");
            Assert.False(string.IsNullOrEmpty(await Detail(claim)));
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/topics/{topic}/close", null)).StatusCode);
            var publish = await client.PostAsJsonAsync("/api/topics", new { title = "越权", deadline = Today(5), maxClaims = 1, committeeCode = "520204" });
            Assert.True(publish.StatusCode == HttpStatusCode.Forbidden, $"{who} publish: {(int)publish.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync("/api/topics?committee=520204")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("unit.520200.edu")).GetAsync("/api/topics")).StatusCode);
        Assert.DoesNotContain("山地特色农业", await (await (await app.ClientAsAsync("member.520201")).GetAsync("/api/topics")).Content.ReadAsStringAsync());
        // A member of the topic's committee claiming for a sector, or for another member: refused.
        var member = await app.ClientAsAsync("member.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector })).StatusCode);
        var otherMember = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520204" && !db.Users.Any(u => u.MemberId == m.Id)).Select(m => m.Id).FirstAsync());
        var forOther = await member.PostAsJsonAsync($"/api/topics/{topic}/claim", new { memberId = otherMember });
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);
        Assert.Contains("本人名义", await Detail(forOther));
        Assert.Equal(before, await SnapshotAsync());

        // Bad input from the right account: Chinese messages by field, nothing changed.
        var bad = await staff.PostAsJsonAsync("/api/topics", new { title = "", deadline = Today(-1), maxClaims = 0, committeeCode = "520204" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Json(bad)).GetProperty("errors");
        Assert.Contains("课题名称", errors.GetProperty("title")[0].GetString());
        Assert.Contains("早于今天", errors.GetProperty("deadline")[0].GetString());
        Assert.Contains("1 到 50", errors.GetProperty("maxClaims")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector, specialCommitteeId = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { })).StatusCode);
        var foreign = await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = citySector });
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("不属于", await Detail(foreign));
        var noTeam = await staff.PostAsJsonAsync($"/api/topics/{topic}/claim", new { sectorId = sector, leaderId = 999999, authorId = 999999 });
        Assert.Equal(HttpStatusCode.BadRequest, noTeam.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.PostAsJsonAsync("/api/topics/999999/claim", new { sectorId = sector })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task The_topic_board_page_publishes_for_staff_and_lets_a_member_claim()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var html = await staff.GetHtmlAsync("/topics");
        var token = PageClient.Token(html);
        var published = await staff.PostAsync("/topics", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "topic-publish", ["committee"] = "520201", ["title"] = "老旧小区改造后续管理调研",
            ["background"] = "区委区政府重点工作。", ["source"] = "", ["deadline"] = Today(7), ["maxClaims"] = "2",
        }));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Contains("老旧小区改造后续管理调研", await staff.GetHtmlAsync("/topics"));
        var bad = await staff.PostAsync("/topics", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["_handler"] = "topic-publish", ["committee"] = "520201", ["title"] = "", ["deadline"] = Today(7), ["maxClaims"] = "2",
        }));
        Assert.Contains("请填写课题名称", await bad.HtmlAsync());

        var topicId = await app.WithDbAsync(db => db.ResearchTopics.Where(t => t.Title == "老旧小区改造后续管理调研").Select(t => t.Id).SingleAsync());
        var member = await app.SignedInPageClientAsync("member.520201");
        var board = await member.GetHtmlAsync("/topics");
        Assert.Contains("我来认领", board);
        Assert.DoesNotContain("topic-publish", board);
        var claim = await member.PostAsync("/topics", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.Token(board), ["_handler"] = $"topic-claim-{topicId}", ["topic"] = topicId.ToString(),
        }));
        Assert.Equal(HttpStatusCode.Redirect, claim.StatusCode);
        var after = await member.GetHtmlAsync("/topics");
        Assert.Contains("认领成功", await member.GetHtmlAsync(claim.Target()));
        Assert.Contains("已认领 1/2", after);
        Assert.Equal(1, await app.WithDbAsync(db => db.TopicClaims.CountAsync(c => c.TopicId == topicId)));
        // Another district's member does not see the topic.
        Assert.DoesNotContain("老旧小区改造后续管理调研", await (await app.SignedInPageClientAsync("member.520204")).GetHtmlAsync("/topics"));
    }
}

public sealed class TopicClaimSqliteTests(SqliteAppFactory app) : TopicClaimTests(app), IClassFixture<SqliteAppFactory>;
public sealed class TopicClaimPostgresTests(PostgresAppFactory app) : TopicClaimTests(app), IClassFixture<PostgresAppFactory>;
