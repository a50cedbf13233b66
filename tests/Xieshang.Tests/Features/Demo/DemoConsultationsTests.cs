using Xieshang.Web.Features.Outcomes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Demo;

/// <summary>The demo's consultation work for 六盘水 at first start: the published plan, its topics, three consultations; seeded once.</summary>
public abstract class DemoConsultationsTests(AppFactory app)
{
    private Task<int[]> CountsAsync() => app.WithDbAsync(async db => new[]
    {
        await db.ConsultationPlans.CountAsync(), await db.ConsultationPlanTopics.CountAsync(), await db.Consultations.CountAsync(),
        await db.Outcomes.CountAsync(o => o.SourceType == WorkItemType.Consultation && o.Kind == OutcomeKind.Recommendation), await db.OutcomeInstructions.CountAsync(), await db.OutcomeMilestones.CountAsync(),
        await db.ConsultationParticipants.CountAsync(), await db.ConsultationInviteLinks.CountAsync(), await db.ConsultationEvents.CountAsync(),
        await db.Activities.CountAsync(), await db.Invitations.CountAsync(), await db.DutyRecords.CountAsync(),
    });

    [Fact]
    public async Task The_demo_has_a_published_plan_and_three_consultations_of_520200()
    {
        var (plan, topics, consultations, recs, instructions, milestones, participants, links) = await app.WithDbAsync(async db => (
            await db.ConsultationPlans.Include(p => p.Committee).SingleAsync(),
            await db.ConsultationPlanTopics.OrderBy(t => t.Id).ToListAsync(),
            await db.Consultations.Include(c => c.Committee).OrderBy(c => c.Id).ToListAsync(),
            await db.Outcomes.Where(r => r.Kind == OutcomeKind.Recommendation).OrderBy(r => r.SortOrder).ToListAsync(),
            // The consultation's own (the research demo's outcomes have instructions and milestones too).
            await db.OutcomeInstructions.Where(i => db.Outcomes.Any(o => o.Id == i.OutcomeId && o.SourceType == WorkItemType.Consultation)).ToListAsync(),
            await db.OutcomeMilestones.Where(m => db.Outcomes.Any(o => o.Id == m.OutcomeId && o.SourceType == WorkItemType.Consultation)).ToListAsync(),
            await db.ConsultationParticipants.ToListAsync(),
            await db.ConsultationInviteLinks.ToListAsync()));
        Assert.Equal("520200", plan.Committee!.Code);
        Assert.Equal(PlanStatus.Published, plan.Status);
        Assert.Equal([SuggesterKind.Party, SuggesterKind.SpecialCommittee, SuggesterKind.Sector, SuggesterKind.LowerCommittee], topics.Select(t => t.SuggesterKind));
        Assert.Equal(3, topics.Count(t => t.Status == PlanTopicStatus.Scheduled && t.PlannedMonth is >= 1 and <= 12));
        var rejected = Assert.Single(topics, t => t.Status == PlanTopicStatus.Rejected);
        Assert.NotEmpty(rejected.RejectReason);

        Assert.Equal(3, consultations.Count);
        Assert.All(consultations, c => Assert.Equal("520200", c.Committee!.Code));
        var thematic = Assert.Single(consultations, c => c.Type == ConsultationType.Thematic);
        Assert.Equal(ConsultationStatus.Implementation, thematic.Status);
        Assert.NotEmpty(thematic.Minutes);
        Assert.Equal(3, recs.Count);
        Assert.All(recs, r => Assert.Equal((WorkItemType.Consultation, thematic.Id), (r.SourceType, r.SourceId)));
        Assert.Equal([AdoptionStatus.Adopted, AdoptionStatus.PartlyAdopted, AdoptionStatus.Pending], recs.Select(r => r.Adoption));
        Assert.Equal(60, recs[0].Percent);
        Assert.Equal(recs[0].Id, Assert.Single(instructions).OutcomeId);
        Assert.True(milestones.Count >= 2);
        Assert.All(milestones, m => Assert.Equal(recs[0].Id, m.OutcomeId));

        var courtyard = Assert.Single(consultations, c => c.Type == ConsultationType.Courtyard);
        Assert.Equal(4, participants.Count);
        Assert.All(participants, p => Assert.Equal(courtyard.Id, p.ConsultationId));
        Assert.Contains(participants, p => p.Name.Contains('·'));
        Assert.Contains(participants, p => p.Name.Contains("𬱖", StringComparison.Ordinal));
        Assert.Equal([ParticipantCategory.Official, ParticipantCategory.Banker, ParticipantCategory.Villager],
            participants.Select(p => p.Category).Distinct().Order());
        var link = Assert.Single(links);
        Assert.Equal(courtyard.Id, link.ConsultationId);
        var open = await app.WithDbAsync(db => ConsultationRules.LinkClosedAsync(db, link, courtyard, TimeProvider.System, CancellationToken.None));
        Assert.Null(open);

        var online = Assert.Single(consultations, c => c.Type == ConsultationType.Online);
        Assert.InRange((online.MeetingAt!.Value - DateTimeOffset.UtcNow).TotalDays, 19, 22);
        Assert.Null(online.NoticeSentAt);
        var deadlines = await app.WithDbAsync(db => ConsultationQueries.DeadlinesAsync(db, online, TimeProvider.System, CancellationToken.None));
        Assert.Contains(deadlines, d => d.Code == "notice" && d.DoneAt == null);
    }

    [Fact]
    public async Task Each_demo_history_is_in_date_order_through_every_step_the_step_bar_shows_and_the_page_shows_the_day_counts()
    {
        var (consultations, events) = await app.WithDbAsync(async db => (
            await db.Consultations.AsNoTracking().OrderBy(c => c.Id).ToListAsync(),
            await db.ConsultationEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync()));
        var steps = ConsultationWorkflow.Steps.Select(s => s.Status).ToList();
        foreach (var c in consultations)
        {
            // As written (by id) the events are already in date order, start with 登记协商, and each takes up where the last left off.
            var history = events.Where(e => e.ConsultationId == c.Id).ToList();
            Assert.Equal(history.OrderBy(e => e.At).Select(e => e.Id), history.Select(e => e.Id));
            Assert.Equal("create", history[0].Action);
            Assert.All(history.Zip(history.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
            Assert.Equal(c.Status, history[^1].To);
            Assert.True(history[0].At >= c.CreatedAt.AddMinutes(-1), $"{c.Title}: history starts before the consultation was created");
            // Every step before the current one has the event that entered it (the step bar shows it done).
            foreach (var step in steps.Skip(1).TakeWhile(s => s < c.Status))
                Assert.Contains(history, e => e.To == step);
        }

        // The 网络议政 gives notice 10 working days ahead (as early as the materials): the page says so.
        var online = Assert.Single(consultations, c => c.Type == ConsultationType.Online);
        Assert.Equal(10, online.NoticeDays);
        var page = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync($"/consultations/{online.Id}");
        Assert.Contains("通知提前 10 个工作日", page);
        Assert.Contains($"材料提前 {online.MaterialsDays} 个工作日", page);
        Assert.DoesNotContain("未经此环节", page);
    }

    [Fact]
    public async Task The_staff_see_the_demo_consultations_and_a_second_start_adds_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var id = await app.WithDbAsync(db => db.Consultations.Where(c => c.Type == ConsultationType.Thematic).Select(c => c.Id).FirstAsync());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await staff.GetAsync($"/api/consultations/{id}")).StatusCode);

        var before = await CountsAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await DemoSeeder.SeedAsync(db, users, AppFactory.DemoPassword, TimeProvider.System, NullLogger.Instance, CancellationToken.None, proposals: true);
            await DemoConsultations.SeedAsync(db, TimeProvider.System, CancellationToken.None);
        }
        Assert.Equal(before, await CountsAsync());
        Assert.True(before[2] == 3 && before[3] == 3);
    }
}

public sealed class DemoConsultationsSqliteTests(DemoProposalsSqliteFactory f) : DemoConsultationsTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoConsultationsPostgresTests(DemoProposalsPostgresFactory f) : DemoConsultationsTests(f), IClassFixture<DemoProposalsPostgresFactory>;
