using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Demo;

/// <summary>
/// The demo's research work as a newcomer finds it at first start (issue 6): a project in field work with its team and trips,
/// an inspection report sent with its tracked outcome, outputs with their links, a same-topic research with a sub-project per
/// joined district, claimed topics, and an outcomes dashboard with every adoption state, implemented and stalled outcomes.
/// </summary>
public abstract class DemoResearchTests(AppFactory app)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<ResearchProject> ProjectAsync(string titleStart) => app.WithDbAsync(db =>
        db.ResearchProjects.AsNoTracking().Include(p => p.Team).Include(p => p.Organizers).SingleAsync(p => p.Title.StartsWith(titleStart) && p.ParentId == null));

    [Fact]
    public async Task The_city_research_is_in_field_work_with_its_team_a_confirmed_visit_and_a_coming_meeting()
    {
        var p = await ProjectAsync("关于推进中心城区城市更新");
        Assert.Equal((ResearchKind.Research, ResearchStatus.FieldWork), (p.Kind, p.Status));
        Assert.Equal(2, p.Organizers.Count);
        var own = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId).SingleAsync());
        Assert.Equal(own, Assert.Single(p.Team, t => t.Role == TeamRole.Author).MemberId);
        Assert.Single(p.Team, t => t.Role == TeamRole.Leader);
        Assert.True(p.Team.Count(t => t.Role == TeamRole.Member) >= 3);
        Assert.Contains(p.Team, t => t.Role == TeamRole.Staff && t.MemberId == null);
        Assert.NotNull(p.PlanApprovedAt);

        var now = DateTimeOffset.UtcNow;
        var trips = await app.WithDbAsync(db => db.ResearchFieldWork.AsNoTracking().Include(f => f.Activity).Where(f => f.ResearchProjectId == p.Id)
            .OrderBy(f => f.Activity!.StartsAt).ToListAsync());
        Assert.Equal(2, trips.Count);
        var (past, coming) = (trips[0].Activity!, trips[1].Activity!);
        Assert.True(past.StartsAt < now && past.AttendanceConfirmedAt is not null);
        Assert.True(coming.StartsAt > now && coming.Status == Web.Features.Activities.ActivityStatus.Published && coming.AttendanceConfirmedAt is null);
        var (attended, duties, notices) = await app.WithDbAsync(async db => (
            await db.Invitations.CountAsync(i => i.ActivityId == past.Id && i.Attendance != null),
            await db.DutyRecords.CountAsync(d => d.Source == "activity" && d.SourceId == past.Id),
            await db.Notifications.CountAsync(n => n.Link == $"/activities/{coming.Id}")));
        var members = p.Team.Count(t => t.MemberId != null);
        Assert.Equal(members, attended);
        Assert.True(duties > 0);
        Assert.True(notices > 0, "the coming meeting's invitees have their notices");
        Assert.Equal(0, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Link == $"/activities/{past.Id}")));
    }

    [Fact]
    public async Task The_inspection_report_sent_to_the_city_government_is_an_adopted_outcome_with_instruction_milestones_and_progress()
    {
        var p = await ProjectAsync("视察全市城乡客运一体化");
        Assert.Equal((ResearchKind.Inspection, ResearchStatus.Completed, ReportStatus.Sent), (p.Kind, p.Status, p.ReportStatus));
        Assert.Contains("市人民政府", p.SentTo);
        Assert.True(p.ReportSubmittedAt < p.ReportApprovedAt && p.ReportApprovedAt < p.ReportSentAt);
        var (outcome, instructions, milestones, progress, unit, duty) = await app.WithDbAsync(async db =>
        {
            var o = await db.Outcomes.AsNoTracking().SingleAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == p.Id);
            return (o, await db.OutcomeInstructions.Where(i => i.OutcomeId == o.Id).ToListAsync(), await db.OutcomeMilestones.Where(m => m.OutcomeId == o.Id).ToListAsync(),
                await db.OutcomeProgress.Where(x => x.OutcomeId == o.Id).OrderBy(x => x.At).ToListAsync(),
                await db.HandlingUnits.Where(u => u.Id == o.ResponsibleUnitId).Select(u => u.Code).SingleAsync(),
                await db.DutyRecords.CountAsync(d => d.Source == OutcomeRules.DutySource && d.SourceId == o.Id));
        });
        Assert.Equal((OutcomeKind.ResearchReport, AdoptionStatus.Adopted, "六盘水市人民政府"), (outcome.Kind, outcome.Adoption, outcome.AdoptingBody));
        Assert.True(outcome.SubmittedOn <= outcome.AdoptedOn);
        Assert.Equal(OpinionLevel.City, Assert.Single(instructions).Level);
        Assert.True(duty > 0, "the instruction credits the team");
        Assert.Equal(3, milestones.Count);
        Assert.Single(milestones, m => m.DoneOn is not null);
        Assert.Equal([25, 55], progress.Select(x => x.Percent));
        Assert.Equal(55, outcome.Percent);
        Assert.Equal("520200.transport", unit);
        Assert.All(progress, x => Assert.Equal("六盘水市交通运输局", x.ByName));
        Assert.Equal(p.Team.Where(t => t.MemberId != null).Select(t => t.MemberId!.Value).Order(), outcome.MemberIds.Order());
    }

    [Fact]
    public async Task The_village_economy_research_made_a_proposal_draft_and_an_opinion_draft_linked_to_it()
    {
        var p = await ProjectAsync("关于发展壮大村级集体经济");
        Assert.Equal(ReportStatus.Sent, p.ReportStatus);
        var (links, outputs, outcome) = await app.WithDbAsync(async db => (
            await db.WorkLinks.AsNoTracking().Where(l => l.FromType == WorkItemType.Research && l.FromId == p.Id).ToListAsync(),
            await db.ResearchOutputs.AsNoTracking().Where(o => o.ResearchProjectId == p.Id).ToListAsync(),
            await db.Outcomes.AsNoTracking().SingleAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == p.Id)));
        Assert.Equal(AdoptionStatus.Pending, outcome.Adoption);
        Assert.Equal(2, outputs.Count);
        var proposalId = Assert.Single(links, l => l.ToType == WorkItemType.Proposal).ToId;
        var opinionId = Assert.Single(links, l => l.ToType == WorkItemType.OpinionItem).ToId;
        var author = p.Team.Single(t => t.Role == TeamRole.Author).MemberId;
        var (proposal, opinion, accountMember) = await app.WithDbAsync(async db => (
            await db.Proposals.AsNoTracking().SingleAsync(x => x.Id == proposalId), await db.OpinionItems.AsNoTracking().SingleAsync(x => x.Id == opinionId),
            await db.Users.Where(u => u.UserName == "member.520200.2").Select(u => u.MemberId).SingleAsync()));
        Assert.Equal(ProposalStatus.Draft, proposal.Status);
        Assert.Equal(author, proposal.ProposerMemberId);
        Assert.Equal(accountMember, author); // a newcomer signed in as member.520200.2 finds the draft
        Assert.Contains("村社合一", proposal.Body);
        Assert.Equal(author, opinion.AuthorMemberId);

        // The chain view follows the link from the research project to both drafts.
        var staff = await app.ClientAsAsync("staff.520200");
        var chain = await staff.GetFromJsonAsync<JsonElement>($"/api/chain/research/{p.Id}");
        var nodes = chain.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("type").GetString(), n.GetProperty("id").GetInt32())).ToList();
        Assert.Contains(("proposal", proposalId), nodes);
        Assert.Contains(("opinion", opinionId), nodes);
    }

    [Fact]
    public async Task The_same_topic_research_has_a_sub_project_per_joined_district_and_two_invitations_unanswered()
    {
        var (parent, subs, invitations) = await app.WithDbAsync(async db =>
        {
            var parent = await db.ResearchProjects.AsNoTracking().SingleAsync(p => p.IsJoint);
            return (parent, await db.ResearchProjects.AsNoTracking().Include(p => p.Committee).Include(p => p.Team).Where(p => p.ParentId == parent.Id).ToListAsync(),
                await db.JointResearchInvitations.AsNoTracking().Include(i => i.Committee).Where(i => i.ParentId == parent.Id).ToListAsync());
        });
        Assert.Contains("县域医疗卫生次中心", parent.Title);
        Assert.Equal(["520201", "520203", "520204", "520281"], invitations.Select(i => i.Committee!.Code).Order(StringComparer.Ordinal));
        foreach (var i in invitations)
        {
            if (i.Committee!.Code is "520201" or "520204")
            {
                Assert.Equal(JointInvitationStatus.Joined, i.Status);
                var sub = Assert.Single(subs, s => s.Id == i.SubProjectId);
                Assert.Equal(i.CommitteeId, sub.CommitteeId);
                Assert.All(sub.Team.Where(t => t.MemberId != null), t => Assert.True(t.MemberId > 0));
            }
            else
            {
                Assert.Equal(JointInvitationStatus.Invited, i.Status);
                Assert.Null(i.SubProjectId);
            }
        }
        Assert.Equal(2, subs.Count);
        var zs = Assert.Single(subs, s => s.Committee!.Code == "520201");
        Assert.Equal(ReportStatus.Approved, zs.ReportStatus);
        Assert.NotNull(zs.SharedAt);
        Assert.NotEmpty(zs.Findings);
        var sc = Assert.Single(subs, s => s.Committee!.Code == "520204");
        Assert.Equal(ReportStatus.Draft, sc.ReportStatus);
        Assert.Null(sc.SharedAt);

        // 水城区 sees 钟山区's shared report beside its own; the city sees both side by side.
        var city = await (await app.ClientAsAsync("staff.520200")).GetFromJsonAsync<JsonElement>($"/api/research/{parent.Id}/subprojects");
        Assert.Equal(2, city.GetArrayLength());
        var shuicheng = await app.ClientAsAsync("staff.520204");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await shuicheng.GetAsync($"/api/research/{zs.Id}")).StatusCode);
        var board = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/research/{parent.Id}/joint");
        Assert.Contains("钟山区", board);
        Assert.Contains("水城区", board);
    }

    [Fact]
    public async Task Three_claimed_topics_one_by_a_sector_one_by_a_member_one_open()
    {
        var (topics, claims, links) = await app.WithDbAsync(async db => (
            await db.ResearchTopics.AsNoTracking().Include(t => t.Committee).OrderBy(t => t.Id).ToListAsync(),
            await db.TopicClaims.AsNoTracking().Include(c => c.ResearchProject).ToListAsync(),
            await db.WorkLinks.AsNoTracking().Where(l => l.FromType == WorkItemType.Topic).ToListAsync()));
        Assert.Equal(3, topics.Count);
        Assert.All(topics, t => Assert.Equal(("520200", TopicStatus.Published), (t.Committee!.Code, t.Status)));
        Assert.All(topics, t => Assert.True(t.Deadline > DateOnly.FromDateTime(DateTime.UtcNow)));
        Assert.Contains(topics, t => t.Title.Contains("乡村振兴"));
        Assert.Contains(topics, t => t.Title.Contains("煤电"));
        Assert.Contains(topics, t => t.Title.Contains("山地旅游"));
        Assert.Equal(2, claims.Count);
        var bySector = Assert.Single(claims, c => c.SectorId != null);
        var byMember = Assert.Single(claims, c => c.MemberId != null);
        Assert.Equal(1, topics.Count(t => claims.All(c => c.TopicId != t.Id)));
        var sectorName = await app.WithDbAsync(db => db.Sectors.Where(s => s.Id == bySector.SectorId).Select(s => s.Name).SingleAsync());
        Assert.Equal("农业界", sectorName);
        Assert.Equal(ResearchStatus.PlanApproved, bySector.ResearchProject!.Status);
        var yang = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520200.3").Select(u => u.MemberId).SingleAsync());
        Assert.Equal(yang, byMember.MemberId);
        foreach (var c in claims)
        {
            Assert.Equal(c.Id, c.ResearchProject!.TopicClaimId);
            Assert.Contains(links, l => l.FromId == c.TopicId && l.ToType == WorkItemType.Research && l.ToId == c.ResearchProjectId);
        }
        var page = await (await app.SignedInPageClientAsync("member.520200.3")).GetHtmlAsync("/topics");
        Assert.Contains("推动煤电产业转型升级", page);
    }

    [Fact]
    public async Task The_outcomes_dashboard_shows_every_adoption_state_implemented_and_stalled_outcomes()
    {
        var outcomes = await app.WithDbAsync(db => db.Outcomes.AsNoTracking().Where(o => o.CommitteePath == "/CN/520000/520200/").ToListAsync());
        foreach (var s in Enum.GetValues<AdoptionStatus>()) Assert.Contains(outcomes, o => o.Adoption == s);
        Assert.Contains(outcomes, o => o.Kind == OutcomeKind.ResearchReport && o.Percent == 100 && o.ImplementedOn is not null);
        Assert.Contains(outcomes, o => o.Kind == OutcomeKind.ResearchReport && o.Adoption == AdoptionStatus.NotAdopted && o.AdoptionNote.Length > 0);
        Assert.True(outcomes.Where(o => o.Adoption is AdoptionStatus.Adopted or AdoptionStatus.PartlyAdopted).Select(o => o.Percent).Distinct().Count() >= 4);

        var staff = await app.ClientAsAsync("staff.520200");
        var dashboard = await staff.GetFromJsonAsync<JsonElement>("/api/outcomes/dashboard?committee=520200");
        var overall = dashboard.GetProperty("overall");
        Assert.True(overall.GetProperty("stalled").GetInt32() >= 1);
        Assert.True(overall.GetProperty("implemented").GetInt32() >= 1);
        Assert.True(overall.GetProperty("pending").GetInt32() >= 1);
        var stalled = await staff.GetFromJsonAsync<JsonElement>("/api/outcomes?committee=520200&status=stalled");
        Assert.Contains("停车难", stalled.GetRawText());
        var page = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/outcomes");
        Assert.Contains("城乡客运一体化", page);
    }

    [Fact]
    public async Task Every_research_timeline_is_in_date_order_and_a_second_start_adds_nothing()
    {
        var (events, projects) = await app.WithDbAsync(async db => (
            await db.ResearchEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(), await db.ResearchProjects.AsNoTracking().ToListAsync()));
        Assert.Equal(11, projects.Count);
        foreach (var p in projects)
        {
            var history = events.Where(e => e.ResearchProjectId == p.Id).ToList();
            Assert.Equal("create", history[0].Action);
            Assert.True(history.Zip(history.Skip(1)).All(x => x.First.At <= x.Second.At), $"{p.Title}: timeline out of order");
            Assert.True(history[^1].At <= DateTimeOffset.UtcNow.AddMinutes(1), $"{p.Title}: an event in the future");
        }
        var page = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/research/{projects.Single(p => p.Title.StartsWith("关于推进中心城区城市更新")).Id}");
        Assert.Contains("调研走访：荷城街道、黄土坡街道老旧小区", page);

        Task<int[]> Counts() => app.WithDbAsync(async db => new[]
        {
            await db.ResearchProjects.CountAsync(), await db.ResearchEvents.CountAsync(), await db.ResearchTopics.CountAsync(), await db.TopicClaims.CountAsync(),
            await db.Outcomes.CountAsync(), await db.OutcomeProgress.CountAsync(), await db.Activities.CountAsync(), await db.WorkLinks.CountAsync(),
        });
        var before = await Counts();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await DemoSeeder.SeedAsync(db, users, AppFactory.DemoPassword, TimeProvider.System, NullLogger.Instance, Ct, proposals: true);
            await DemoResearch.SeedAsync(db, TimeProvider.System, Ct);
            await DemoOutcomes.SeedAsync(db, TimeProvider.System, Ct);
        }
        Assert.Equal(before, await Counts());
    }
}

public sealed class DemoResearchSqliteTests(DemoProposalsSqliteFactory f) : DemoResearchTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoResearchPostgresTests(DemoProposalsPostgresFactory f) : DemoResearchTests(f), IClassFixture<DemoProposalsPostgresFactory>;
