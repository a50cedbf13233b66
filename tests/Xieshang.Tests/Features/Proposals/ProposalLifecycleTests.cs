using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// One proposal from writing to closure through the API, as the issue's browser flow does it: a member writes with a
/// co-signer, the co-signer signs, the office files and assigns, the unit contacts and replies, the member rates
/// dissatisfied, the unit handles it again, the member rates satisfied, the office closes. Checks number, states,
/// timeline and duty records along the way.
/// </summary>
public abstract class ProposalLifecycleTests(AppFactory app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static Task<HttpResponseMessage> Act(HttpClient c, int id, string action, object? body = null) =>
        c.PostAsJsonAsync($"/api/proposals/{id}/actions/{action}", body ?? new { });

    /// <summary>A session open today for 520200 and a second member of 520200 with an account; returns that member's id.</summary>
    internal static async Task<(int CoSignerId, string CoSignerUser)> SetUpAsync(AppFactory app)
    {
        var coSigner = await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520200");
            if (!await db.ProposalSessions.AnyAsync(s => s.CommitteeId == c.Id))
            {
                var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
                db.ProposalSessions.Add(new ProposalSession { CommitteeId = c.Id, Term = 9, Session = 2, Year = today.Year, OpensOn = new DateOnly(today.Year, 1, 1), ClosesOn = new DateOnly(today.Year, 1, 20) });
                await db.SaveChangesAsync();
            }
            var own = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId).FirstAsync();
            return await db.Members.Where(m => m.CommitteeId == c.Id && m.IsActive && m.Id != own).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync();
        });
        await TestAccounts.EnsureAsync(app, "member.520200.co", Roles.Member, "520200", coSigner);
        return (coSigner, "member.520200.co");
    }

    [Fact]
    public async Task A_proposal_goes_from_writing_to_closure()
    {
        var (coSignerId, coUser) = await SetUpAsync(app);
        var unit = await TestProposals.UnitAsync(app, "520200");
        var member = await app.ClientAsAsync("member.520200");
        var co = await app.ClientAsAsync(coUser);
        var staff = await app.ClientAsAsync("staff.520200");
        var unitClient = await app.ClientAsAsync(unit.UserName);

        var created = await Json(await member.PostAsJsonAsync("/api/proposals", new
        {
            title = "关于完善农村寄宿制学校营养餐配送的建议",
            body = "现状：部分乡镇学校营养餐配送距离远。\n建议：一、建立区域配送中心；二、加强食品安全抽检。<script>alert(1)</script>",
            kind = "between-session",
            coSignerIds = new[] { coSignerId },
        }));
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal("draft", created.GetProperty("status").GetString());

        var d = await Json(await Act(member, id, "submit"));
        Assert.Equal("co-signing", d.GetProperty("status").GetString());
        Assert.DoesNotContain("<script", d.GetProperty("body").GetString());

        // Co-signing is still the proposers' business: the office does not see it yet, and filing is no edge from here.
        Assert.Equal(HttpStatusCode.NotFound, (await Act(staff, id, "file")).StatusCode);
        var notAnEdge = await Act(member, id, "file");
        Assert.Equal(HttpStatusCode.Conflict, notAnEdge.StatusCode);
        var problem = await notAnEdge.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("当前不能这样操作", problem.GetProperty("title").GetString());
        Assert.Contains("联名中", problem.GetProperty("detail").GetString());

        d = await Json(await Act(co, id, "sign"));
        Assert.Equal("submitted", d.GetProperty("status").GetString());

        d = await Json(await Act(staff, id, "file"));
        Assert.Equal("filed", d.GetProperty("status").GetString());
        Assert.Matches(@"^九届[一二三四五六七八九十]+次会议第\d{4}号$", d.GetProperty("number").GetString());

        // The unit sees nothing until assigned.
        Assert.Equal(HttpStatusCode.NotFound, (await unitClient.GetAsync($"/api/proposals/{id}")).StatusCode);
        d = await Json(await Act(staff, id, "assign", new { mode = "single", units = new[] { unit.Code } }));
        Assert.Equal("assigned", d.GetProperty("status").GetString());

        // Replying before contacting the proposer is refused (办前面商).
        Assert.Equal(HttpStatusCode.Conflict, (await Act(unitClient, id, "reply", new { @class = "A", text = "已采纳。", @public = true })).StatusCode);
        d = await Json(await Act(unitClient, id, "contact", new { method = "phone", summary = "电话沟通办理思路。", persons = "提案人；局办公室" }));
        Assert.Equal("handling", d.GetProperty("status").GetString());
        d = await Json(await Act(unitClient, id, "reply", new { @class = "B", text = "<p>正在推进区域配送中心建设。</p>", @public = true }));
        Assert.Equal("replied", d.GetProperty("status").GetString());

        // Dissatisfied → re-handling with a new deadline; second reply; satisfied; closed.
        Assert.Equal(HttpStatusCode.BadRequest, (await Act(member, id, "rate", new { satisfaction = "dissatisfied" })).StatusCode);
        d = await Json(await Act(member, id, "rate", new { satisfaction = "dissatisfied", comment = "配送中心选址未征求学校意见。" }));
        Assert.Equal("rehandling", d.GetProperty("status").GetString());
        Assert.Equal(2, d.GetProperty("assignments")[0].GetProperty("round").GetInt32());
        await Json(await Act(unitClient, id, "contact", new { method = "face-to-face", summary = "当面听取意见。" }));
        d = await Json(await Act(unitClient, id, "reply", new { @class = "A", text = "已调整选址并建成。", @public = true }));
        Assert.Equal("replied", d.GetProperty("status").GetString());
        d = await Json(await Act(member, id, "rate", new { satisfaction = "satisfied", comment = "满意。" }));
        Assert.Equal("rated", d.GetProperty("status").GetString());
        d = await Json(await Act(staff, id, "close"));
        Assert.Equal("closed", d.GetProperty("status").GetString());

        var actions = d.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["create", "submit", "sign", "file", "assign", "contact", "reply", "rate", "contact", "reply", "rate", "close"], actions);

        var duties = await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "proposal" && r.SourceId == id)
            .Select(r => new { r.MemberId, r.RuleCode }).ToListAsync());
        Assert.Contains(duties, r => r.RuleCode == "proposal.filed");
        Assert.Contains(duties, r => r.RuleCode == "proposal.cosigned" && r.MemberId == coSignerId);
        Assert.Contains(duties, r => r.RuleCode == "proposal.satisfied");
    }
}

public sealed class ProposalLifecycleSqliteTests(SqliteAppFactory f) : ProposalLifecycleTests(f), IClassFixture<SqliteAppFactory>;
public sealed class ProposalLifecyclePostgresTests(PostgresAppFactory f) : ProposalLifecycleTests(f), IClassFixture<PostgresAppFactory>;
