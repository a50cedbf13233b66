using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Features.Studios;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Infrastructure;
using static Xieshang.Tests.Features.Studios.StudioSteps;

namespace Xieshang.Tests.Features.Demo;

/// <summary>
/// Every demo committee with members has a current plenary session, with or without the demo proposals, so a message left
/// at a studio of any of them can become a proposal draft of its member on duty (before, a fresh demo without the demo
/// proposals had none and the conversion was refused with 本会尚未设置届次会议).
/// </summary>
public static class DemoSessionSteps
{
    /// <summary>
    /// For each demo committee: a current session (the proposals slice's own lookup), a studio set up by the administrator
    /// with the committee's demo member on duty, a message stored at it, and that member turning it into a proposal draft of
    /// the committee's current session.
    /// </summary>
    public static async Task EachDemoCommitteeConvertsAMessageAsync(AppFactory app)
    {
        var townships = app.Services.GetRequiredService<Townships>();
        var admin = await app.ClientAsAsync("admin");
        foreach (var (code, _) in DemoSeeder.Committees)
        {
            var (committeeId, path, session) = await app.WithDbAsync(async db =>
            {
                var c = await db.Committees.AsNoTracking().FirstAsync(x => x.Code == code);
                return (c.Id, c.Path, await ProposalRules.CurrentSessionAsync(db, c.Id, ProposalKind.BetweenSession, ChinaTime.DayOf(DateTimeOffset.UtcNow), CancellationToken.None));
            });
            Assert.True(session is not null, $"{code} has no current session");
            var member = await MemberIdOfAsync(app, $"member.{code}");
            var township = townships.InCounty(code == "520200" ? "520201" : code).First().Code;
            var res = await admin.PostAsJsonAsync("/api/studios", new
            {
                name = $"演示届次检查工作室{code}", committeeCode = code, townshipCode = township, address = "社区服务中心一楼",
                memberIds = new[] { member }, published = true,
            });
            Assert.True(res.StatusCode == HttpStatusCode.Created, $"{code}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
            var studio = (await Json(res)).GetProperty("id").GetInt32();
            var messageId = await app.WithDbAsync(async db =>
            {
                var m = new StudioMessage
                {
                    StudioId = studio, CommitteePath = path, Name = "", Phone = "", Content = "村口的桥栏杆断了，孩子上学经过很危险。",
                    Status = StudioMessageStatus.New, CreatedAt = DateTimeOffset.UtcNow, ClientKey = new string('d', 64),
                    ChallengeNonce = Guid.NewGuid().ToString("N"), TrackingCode = StudioGuard.NewTrackingCode(),
                };
                db.StudioMessages.Add(m);
                await db.SaveChangesAsync();
                return m.Id;
            });
            var conv = await (await app.ClientAsAsync($"member.{code}")).PostAsJsonAsync($"/api/studio-messages/{messageId}/convert", new { to = "proposal" });
            Assert.True(conv.StatusCode == HttpStatusCode.OK, $"{code}: {(int)conv.StatusCode} {await conv.Content.ReadAsStringAsync()}");
            var id = (await Json(conv)).GetProperty("id").GetInt32();
            var p = await app.WithDbAsync(db => db.Proposals.AsNoTracking().FirstAsync(x => x.Id == id));
            Assert.Equal((committeeId, member, ProposalStatus.Draft), (p.CommitteeId, p.ProposerMemberId, p.Status));
            Assert.Equal((session!.Term, session.Session), (p.Term, p.Session));
            Assert.Equal("关于村口的桥栏杆断了问题的建议", p.Title);
        }
    }
}

/// <summary>The demo without the demo proposals (the test app's demo): every committee still has its sessions.</summary>
public abstract class DemoSessionsTests(AppFactory app)
{
    [Fact]
    public async Task Every_demo_committee_has_a_current_session_and_its_member_can_convert_a_studio_message()
    {
        var counts = await app.WithDbAsync(db => db.ProposalSessions.GroupBy(s => s.CommitteeId).Select(g => g.Count()).ToListAsync());
        Assert.True(counts.Count >= DemoSeeder.Committees.Length);
        await DemoSessionSteps.EachDemoCommitteeConvertsAMessageAsync(app);
    }
}

public sealed class DemoSessionsSqliteTests(StudioSqliteFactory f) : DemoSessionsTests(f), IClassFixture<StudioSqliteFactory>;
public sealed class DemoSessionsPostgresTests(StudioPostgresFactory f) : DemoSessionsTests(f), IClassFixture<StudioPostgresFactory>;
