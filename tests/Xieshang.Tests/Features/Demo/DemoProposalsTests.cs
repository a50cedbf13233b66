using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Tests.Features.Demo;

/// <summary>The demo's proposal work as a newcomer finds it at first start: units with accounts, sessions, proposals in every stage.</summary>
public abstract class DemoProposalsTests(AppFactory app)
{
    [Fact]
    public async Task The_demo_has_units_sessions_and_proposals_in_every_stage()
    {
        var (states, units, sessions, key, excellent, merged, notFiled) = await app.WithDbAsync(async db => (
            await db.Proposals.GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count),
            await db.HandlingUnits.Where(u => u.Code.StartsWith("520200.")).Select(u => u.Code).ToListAsync(),
            await db.ProposalSessions.CountAsync(s => db.Committees.Any(c => c.Id == s.CommitteeId && c.Code == "520200")),
            await db.Proposals.CountAsync(p => p.IsKey),
            await db.Proposals.CountAsync(p => p.ExcellentYear != null),
            await db.Proposals.CountAsync(p => p.MergedIntoId != null),
            await db.Proposals.CountAsync(p => p.Status == ProposalStatus.NotFiled)));
        Assert.Equal(["520200.agri", "520200.edu", "520200.env", "520200.health", "520200.transport"], units.Order(StringComparer.Ordinal));
        Assert.Equal(6, sessions); // 九届一次–五次 and 十届一次
        foreach (var s in new[] { ProposalStatus.Draft, ProposalStatus.Submitted, ProposalStatus.UnderReview, ProposalStatus.Filed, ProposalStatus.Assigned,
                     ProposalStatus.Handling, ProposalStatus.Replied, ProposalStatus.Rated, ProposalStatus.Closed })
            Assert.True(states.GetValueOrDefault(s) > 0, $"no demo proposal is {s}");
        Assert.Equal(1, key);
        Assert.Equal(1, excellent);
        Assert.Equal(1, merged);
        Assert.True(notFiled > 0);
        // The 205 hand-written proposals, besides the drafts the research and studio demos made from a report and a message.
        var made = await app.WithDbAsync(db => db.WorkLinks.CountAsync(l => l.ToType == Web.Features.Outcomes.WorkItemType.Proposal));
        Assert.Equal(205, states.Values.Sum() - made);
    }

    [Fact]
    public async Task Two_more_city_members_sign_in_to_co_sign()
    {
        foreach (var userName in new[] { "member.520200.2", "member.520200.3" })
        {
            var client = await app.ClientAsAsync(userName);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/proposals?mine=true")).StatusCode);
        }
        var names = await app.WithDbAsync(db => db.Users.Where(u => u.UserName!.StartsWith("member.520200.")).Join(db.Members, u => u.MemberId, m => m.Id, (u, m) => m.Name).ToListAsync());
        Assert.Contains("阿依古丽·买买提", names);
        Assert.Contains("杨𬱖", names);
    }

    [Fact]
    public async Task A_demo_unit_signs_in_and_sees_only_its_own_assignments()
    {
        var unit = await app.ClientAsAsync("unit.520200.edu");
        var page = await unit.GetFromJsonAsync<JsonElement>("/api/proposals?pageSize=100");
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.NotEmpty(ids);
        var edu = await app.WithDbAsync(db => db.HandlingUnits.Where(u => u.Code == "520200.edu").Select(u => u.Id).FirstAsync());
        var assigned = await app.WithDbAsync(db => db.Assignments.Where(a => a.HandlingUnitId == edu && a.Status != AssignmentStatus.Returned)
            .Select(a => a.ProposalId).Distinct().ToListAsync());
        Assert.Equal(assigned.Order(), ids.Order());
        var other = await app.WithDbAsync(db => db.Proposals.Where(p => !assigned.Contains(p.Id)).Select(p => p.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await unit.GetAsync($"/api/proposals/{other}")).StatusCode);
    }
}

public sealed class DemoProposalsSqliteFactory : SqliteAppFactory
{
    protected override bool DemoProposals => true;
}

public sealed class DemoProposalsPostgresFactory : PostgresAppFactory
{
    protected override bool DemoProposals => true;
}

public sealed class DemoProposalsSqliteTests(DemoProposalsSqliteFactory f) : DemoProposalsTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoProposalsPostgresTests(DemoProposalsPostgresFactory f) : DemoProposalsTests(f), IClassFixture<DemoProposalsPostgresFactory>;
