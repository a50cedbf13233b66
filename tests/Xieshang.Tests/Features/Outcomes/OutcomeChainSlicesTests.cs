using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Features.Studios;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Studios;

namespace Xieshang.Tests.Features.Outcomes;

/// <summary>
/// The chain across the slices, each node checked by its own slice's rule: a citizen's message to a studio → the proposal
/// a member on duty made of it → the unit's class A reply → the reply's outcome, read from both ends (the message node's
/// title is an excerpt of the matter, never the citizen's name or phone; the responsible unit sees the message as
/// 「（无权查看）」); a research project → its proposal draft and its sent report's outcome, both ways, with a co-signer of
/// the draft who is a member of the committee but not on the team seeing the research as 「（无权查看）」 (the research
/// slice's rule, not committee scope). All through the real API.
/// </summary>
public abstract class OutcomeChainSlicesTests(AppFactory app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage res)
    {
        var text = await res.Content.ReadAsStringAsync();
        Assert.True(res.IsSuccessStatusCode, $"{(int)res.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement Node(JsonElement chain, string type, int? id = null) =>
        chain.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("type").GetString() == type && (id is null || n.GetProperty("id").GetInt32() == id));

    private static bool Edge(JsonElement chain, string from, int fromId, string to, int? toId = null) =>
        chain.GetProperty("edges").EnumerateArray().Any(e => e.GetProperty("fromType").GetString() == from && e.GetProperty("fromId").GetInt32() == fromId
            && e.GetProperty("toType").GetString() == to && (toId is null || e.GetProperty("toId").GetInt32() == toId));

    [Fact]
    public async Task Message_to_proposal_to_class_A_reply_to_outcome_both_ways()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var staff = await app.ClientAsAsync("staff.520200");
        var created = await staff.PostAsJsonAsync("/api/studios", new
        {
            name = "六盘水市政协黄土坡委员工作室", committeeCode = "520200", sectorId = (int?)null, townshipCode = "520201011", address = "黄土坡街道社区服务中心",
            memberIds = Array.Empty<int>(), members = new[] { new { memberId = s.Cast.ProposerMemberId, onDuty = true } }, kind = "township",
            directions = "", schedule = "每月第一个周三", contact = "0858-8220000", published = true,
        });
        var studioId = (await Json(created)).GetProperty("id").GetInt32();
        var (_, messageId) = await StudioSteps.LeaveMessageAsync(app, studioId,
            "小区门口的人行道被占用多年，老人孩子只能走机动车道，希望尽快解决。我是李秀兰，电话13912345678。", phone: "13912345678");

        // The member on duty turns it into a proposal draft; it goes the whole way to a class A reply.
        var member = await app.ClientAsAsync(s.Cast.Proposer);
        var converted = await Json(await member.PostAsJsonAsync($"/api/studio-messages/{messageId}/convert", new { to = "proposal" }));
        var proposalId = converted.GetProperty("id").GetInt32();
        await s.ActAsync(s.Cast.Proposer, proposalId, "submit");
        await s.ActAsync(s.Cast.Office, proposalId, "file");
        await s.ActAsync(s.Cast.Office, proposalId, "assign", s.DataFor("assign"));
        await s.ActAsync(s.Cast.Unit, proposalId, "contact", s.DataFor("contact"));
        await s.ActAsync(s.Cast.Unit, proposalId, "reply", s.DataFor("reply"));
        var outcomeId = await app.WithDbAsync(db => db.Outcomes.Where(o => o.SourceType == WorkItemType.Proposal && o.SourceId == proposalId).Select(o => o.Id).SingleAsync());
        var replyId = await app.WithDbAsync(db => db.Replies.Where(r => r.ProposalId == proposalId).Select(r => r.Id).SingleAsync());

        // From the message (staff of the city): message → proposal → reply (A) → outcome, every node readable.
        var down = await Json(await staff.GetAsync($"/api/chain/studio-message/{messageId}"));
        Assert.True(Edge(down, "studio-message", messageId, "proposal", proposalId));
        Assert.True(Edge(down, "proposal", proposalId, "reply", replyId));
        Assert.True(Edge(down, "reply", replyId, "outcome", outcomeId));
        Assert.Equal("A", Node(down, "reply").GetProperty("status").GetString());
        var msg = Node(down, "studio-message", messageId);
        Assert.True(msg.GetProperty("readable").GetBoolean());
        var title = msg.GetProperty("title").GetString()!;
        Assert.StartsWith("小区门口的人行道被占用多年", title);
        Assert.True(title.EnumerateRunes().Count() <= StudioMessageResolver.TitleLength, title);
        Assert.Equal($"/studios/{studioId}/messages#msg-{messageId}", msg.GetProperty("link").GetString());
        Assert.DoesNotContain("李秀兰", down.ToString());
        Assert.DoesNotContain("13912345678", down.ToString());
        Assert.All(down.GetProperty("nodes").EnumerateArray(), n => Assert.True(n.GetProperty("readable").GetBoolean(), n.ToString()));

        // The member on duty reads the message node too.
        Assert.True(Node(await Json(await member.GetAsync($"/api/chain/proposal/{proposalId}")), "studio-message", messageId).GetProperty("readable").GetBoolean());

        // From the outcome, the responsible unit: the same chain back to the message, which it may not read.
        var unit = await app.ClientAsAsync(s.Cast.Unit);
        var up = await Json(await unit.GetAsync($"/api/chain/outcome/{outcomeId}"));
        Assert.True(Edge(up, "studio-message", messageId, "proposal", proposalId));
        var hidden = Node(up, "studio-message", messageId);
        Assert.False(hidden.GetProperty("readable").GetBoolean());
        Assert.Equal("（无权查看）", hidden.GetProperty("label").GetString());
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("title").ValueKind);
        Assert.DoesNotContain("13912345678", up.ToString());
        Assert.DoesNotContain($"/studios/{studioId}/messages", up.ToString());
        Assert.True(Node(up, "proposal", proposalId).GetProperty("readable").GetBoolean());

        // Another district's staff may not start from the message at all.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync($"/api/chain/studio-message/{messageId}")).StatusCode);

        // The studio node: readable by its committee's staff through the studio slice's list rule.
        Assert.True((await app.WithDbAsync(async db => (await new StudioResolver().ResolveAsync(db, await UserAsync(db, "staff.520200"), [studioId], CancellationToken.None)).Single().Readable)));
        Assert.False((await app.WithDbAsync(async db => (await new StudioResolver().ResolveAsync(db, await UserAsync(db, "staff.520204"), [studioId], CancellationToken.None)).Single().Readable)));
    }

    [Fact]
    public async Task Research_to_proposal_draft_and_report_outcome_both_ways_by_the_research_rule()
    {
        var s = await ProposalScenario.CreateAsync(app);
        var staff = await app.ClientAsAsync("staff.520200");
        var author = await app.ClientAsAsync(s.Cast.Proposer);
        var others = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520200" && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id))
            .OrderBy(m => m.Id).Select(m => m.Id).Take(2).ToListAsync());
        var id = (await Json(await staff.PostAsJsonAsync("/api/research", new
        {
            title = "关于农村人居环境整治的调研", kind = "research", organizerCodes = new[] { "520200" }, leaderId = others[0], memberIds = new[] { others[1] },
            authorId = s.Cast.ProposerMemberId, background = "背景", staffNames = new[] { "王秘书" },
        }))).GetProperty("id").GetInt32();
        await Json(await staff.PostAsJsonAsync($"/api/research/{id}/plan/actions/submit", new { plan = "一、调研目的……二、调研方式：走访、座谈", note = (string?)null }));
        await Json(await (await app.ClientAsAsync("leader.520200")).PostAsJsonAsync($"/api/research/{id}/plan/actions/approve", new { plan = (string?)null, note = (string?)null }));
        await Json(await author.PutAsJsonAsync($"/api/research/{id}/report", new { title = "关于农村人居环境整治的调研报告", body = "<p>正文</p>", findings = "垃圾收运不足", suggestions = "建设转运站" }));
        await Json(await author.PostAsJsonAsync($"/api/research/{id}/report/actions/submit", new { note = (string?)null, sentTo = (string?)null }));
        await Json(await (await app.ClientAsAsync("leader.520200")).PostAsJsonAsync($"/api/research/{id}/report/actions/approve", new { note = (string?)null, sentTo = (string?)null }));
        await Json(await staff.PostAsJsonAsync($"/api/research/{id}/report/actions/send", new { note = (string?)null, sentTo = "市委、市政府" }));
        var reportOutcome = await app.WithDbAsync(db => db.Outcomes.Where(o => o.SourceType == WorkItemType.Research && o.SourceId == id && o.Kind == OutcomeKind.ResearchReport).Select(o => o.Id).SingleAsync());

        // The author (on the team) makes a proposal draft of it, then invites a co-signer who is not on the team.
        await Json(await author.PostAsJsonAsync($"/api/research/{id}/outputs", new { kind = "proposal", title = "关于加快农村垃圾转运站建设的提案" }));
        var proposalId = await app.WithDbAsync(db => db.WorkLinks.Where(l => l.FromType == WorkItemType.Research && l.FromId == id && l.ToType == WorkItemType.Proposal).Select(l => l.ToId).SingleAsync());

        // From the research (staff): the report outcome and the proposal draft hang from it.
        var down = await Json(await staff.GetAsync($"/api/chain/research/{id}"));
        Assert.True(Edge(down, "research", id, "outcome", reportOutcome));
        Assert.True(Edge(down, "research", id, "proposal", proposalId));
        Assert.Contains("调研视察报告", Node(down, "outcome", reportOutcome).GetProperty("title").GetString());
        Assert.Equal("/research/" + id, Node(down, "research", id).GetProperty("link").GetString());

        // Both ways: from the outcome and from the proposal back to the research, for the author on the team.
        Assert.True(Node(await Json(await author.GetAsync($"/api/chain/outcome/{reportOutcome}")), "research", id).GetProperty("readable").GetBoolean());
        var fromProposal = await Json(await author.GetAsync($"/api/chain/proposal/{proposalId}"));
        Assert.True(Node(fromProposal, "research", id).GetProperty("readable").GetBoolean());
        Assert.True(Edge(fromProposal, "research", id, "proposal", proposalId));

        // A co-signer of the draft is a member of the same committee but not on the team: the research rule hides the project
        // (committee scope alone would have shown its title).
        var version = (await Json(await author.GetAsync($"/api/proposals/{proposalId}"))).GetProperty("version").GetInt32();
        var draft = await Json(await author.GetAsync($"/api/proposals/{proposalId}"));
        await Json(await author.PutAsJsonAsync($"/api/proposals/{proposalId}", new
        {
            title = draft.GetProperty("title").GetString(), body = draft.GetProperty("body").GetString(), kind = "between-session",
            coSignerIds = new[] { s.Cast.CoSignerMemberId }, version,
        }));
        await s.ActAsync(s.Cast.Proposer, proposalId, "submit");
        var co = await Json(await (await app.ClientAsAsync(s.Cast.CoSigner)).GetAsync($"/api/chain/proposal/{proposalId}"));
        var hidden = Node(co, "research", id);
        Assert.False(hidden.GetProperty("readable").GetBoolean());
        Assert.Equal("（无权查看）", hidden.GetProperty("label").GetString());
        Assert.DoesNotContain("农村人居环境整治", co.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(s.Cast.CoSigner)).GetAsync($"/api/chain/research/{id}")).StatusCode);
    }

    [Fact]
    public void A_message_title_is_the_matter_without_the_citizen()
    {
        Assert.Equal("路灯坏了，我是某某，电话***，请尽快修。", StudioMessageResolver.Excerpt("路灯坏了，我是王秀英，电话13800001111，请尽快修。", "王秀英", ""));
        Assert.Equal("路灯坏了，电话***", StudioMessageResolver.Excerpt("路灯坏了，电话0858-8221234", "", "0858-8221234"));
        Assert.Equal("联系 ***", StudioMessageResolver.Excerpt("联系 139 1234 5678", "", ""));
        var cut = StudioMessageResolver.Excerpt(new string('路', 40) + "\n第二行", "", "");
        Assert.Equal(StudioMessageResolver.TitleLength, cut.Length);
        Assert.EndsWith("…", cut);
        Assert.Equal("一行 两行", StudioMessageResolver.Excerpt("一行\n两行", "", ""));
    }

    private static async Task<Xieshang.Web.Infrastructure.Auth.CurrentUser> UserAsync(Xieshang.Web.Infrastructure.Data.AppDbContext db, string userName)
    {
        var u = await db.Users.AsNoTracking().FirstAsync(x => x.UserName == userName);
        var c = await db.Committees.AsNoTracking().FirstAsync(x => x.Id == u.CommitteeId);
        return new Xieshang.Web.Infrastructure.Auth.CurrentUser(userName, new HashSet<string> { Xieshang.Web.Infrastructure.Auth.Roles.Staff }, c.Id, c.Code, c.Path, null);
    }
}

public sealed class OutcomeChainSlicesSqliteTests(StudioSqliteFactory f) : OutcomeChainSlicesTests(f), IClassFixture<StudioSqliteFactory>;
public sealed class OutcomeChainSlicesPostgresTests(StudioPostgresFactory f) : OutcomeChainSlicesTests(f), IClassFixture<StudioPostgresFactory>;
