using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Demo;

/// <summary>
/// The demo's dates as a newcomer finds them: nothing the demo records lies after the clock's today (replies, closings,
/// adoptions, progress reports, leader instructions, milestones done), so the dashboard's days and every progress form work,
/// and each handling-unit account can report progress today on at least one of its outcomes.
/// </summary>
public abstract class DemoOutcomesTests(AppFactory app)
{
    [Fact]
    public async Task No_demo_date_lies_after_today()
    {
        var today = ChinaTime.DayOf(app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        var (replies, closed, outcomes, progress, instructions, milestones) = await app.WithDbAsync(async db => (
            await db.Replies.AsNoTracking().Select(r => new { r.ProposalId, r.RepliedAt, Info = db.Proposals.Where(p => p.Id == r.ProposalId).Select(p => p.Year + " " + p.Title + " " + p.Kind).First(), Created = db.Proposals.Where(p => p.Id == r.ProposalId).Select(p => p.CreatedAt).First() }).ToListAsync(),
            await db.Proposals.AsNoTracking().Where(p => p.ClosedAt != null).Select(p => new { p.Id, p.ClosedAt }).ToListAsync(),
            await db.Outcomes.AsNoTracking().Select(o => new { o.Id, o.AdoptedOn, o.ImplementedOn, o.SubmittedOn }).ToListAsync(),
            await db.OutcomeProgress.AsNoTracking().Select(p => new { p.OutcomeId, p.On, p.At }).ToListAsync(),
            await db.OutcomeInstructions.AsNoTracking().Select(i => new { i.OutcomeId, i.On }).ToListAsync(),
            await db.OutcomeMilestones.AsNoTracking().Where(m => m.DoneOn != null).Select(m => new { m.OutcomeId, m.DoneOn }).ToListAsync()));
        Assert.NotEmpty(replies);
        Assert.NotEmpty(progress);
        var late = replies.Where(r => ChinaTime.DayOf(r.RepliedAt) > today).Select(r => $"reply of proposal {r.ProposalId}: {r.RepliedAt:yyyy-MM-dd} {r.Created:yyyy-MM-dd} {r.Info}").ToList();
        Assert.True(late.Count == 0, string.Join("\n", late));
        Assert.Empty(closed.Where(p => ChinaTime.DayOf(p.ClosedAt!.Value) > today).Select(p => $"proposal {p.Id} closed {p.ClosedAt:yyyy-MM-dd}"));
        Assert.Empty(outcomes.Where(o => o.AdoptedOn > today || o.ImplementedOn > today || o.SubmittedOn > today)
            .Select(o => $"outcome {o.Id}: submitted {o.SubmittedOn}, adopted {o.AdoptedOn}, implemented {o.ImplementedOn}"));
        Assert.Empty(progress.Where(p => p.On > today || ChinaTime.DayOf(p.At) > today).Select(p => $"progress on outcome {p.OutcomeId}: {p.On}"));
        Assert.Empty(instructions.Where(i => i.On > today).Select(i => $"instruction on outcome {i.OutcomeId}: {i.On}"));
        Assert.Empty(milestones.Where(m => m.DoneOn > today).Select(m => $"milestone of outcome {m.OutcomeId} done {m.DoneOn}"));
        // Progress never precedes the adoption it reports on.
        var adopted = outcomes.ToDictionary(o => o.Id, o => o.AdoptedOn);
        Assert.All(progress, p => Assert.True(adopted[p.OutcomeId] is not { } a || p.On >= a, $"progress on outcome {p.OutcomeId} before its adoption"));
    }

    [Fact]
    public async Task A_members_outcome_list_holds_exactly_the_outcomes_whose_detail_opens_on_the_api_and_the_page()
    {
        var ids = await app.WithDbAsync(db => db.Outcomes.OrderBy(o => o.Id).Select(o => o.Id).ToListAsync());
        foreach (var member in new[] { "member.520200", "member.520204" })
        {
            var client = await app.ClientAsAsync(member);
            var listed = (await client.GetFromJsonAsync<JsonElement>("/api/outcomes")).EnumerateArray().Select(x => x.GetProperty("id").GetInt32()).Order().ToList();
            var opens = new List<int>();
            foreach (var id in ids)
            {
                var status = (await client.GetAsync($"/api/outcomes/{id}")).StatusCode;
                Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"{member} /api/outcomes/{id}: {status}");
                if (status == HttpStatusCode.OK) opens.Add(id);
            }
            Assert.Equal(opens, listed);
            var page = await (await app.SignedInPageClientAsync(member)).GetHtmlAsync("/outcomes");
            foreach (var id in ids) Assert.Equal(opens.Contains(id), page.Contains($"href=\"/outcomes/{id}\"", StringComparison.Ordinal));
            var pageClient = await app.SignedInPageClientAsync(member);
            foreach (var id in ids.Where(i => opens.Contains(i)).Take(3)) Assert.Equal(HttpStatusCode.OK, (await pageClient.GetAsync($"/outcomes/{id}")).StatusCode);
        }
        Assert.NotEmpty(ids);
    }

    [Fact]
    public async Task A_consultation_outcome_names_and_links_its_consultation()
    {
        var rows = await app.WithDbAsync(db => db.Outcomes.Where(o => o.SourceType == WorkItemType.Consultation)
            .Select(o => new { o.Id, o.SourceId, Title = db.Consultations.Where(c => c.Id == o.SourceId).Select(c => c.Title).First() }).ToListAsync());
        Assert.NotEmpty(rows);
        var staff = await app.SignedInPageClientAsync("staff.520200");
        foreach (var r in rows.Take(3))
        {
            var html = await staff.GetHtmlAsync($"/outcomes/{r.Id}");
            var line = System.Text.RegularExpressions.Regex.Match(html, "<p class=\"small\" id=\"source-line\">(.*?)</p>", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
            Assert.Contains($"href=\"/consultations/{r.SourceId}\"", line);
            Assert.Contains(r.Title, System.Net.WebUtility.HtmlDecode(line));
        }
    }

    [Fact]
    public async Task Every_unit_account_can_report_progress_today_on_one_of_its_outcomes()
    {
        var clock = app.Services.GetRequiredService<TimeProvider>();
        var units = await app.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.HandlingUnitId != null && u.UserName!.StartsWith("unit."))
            .Select(u => new { u.Id, u.UserName, UnitId = u.HandlingUnitId!.Value }).ToListAsync());
        var withOutcomes = 0;
        foreach (var u in units)
        {
            var reported = await app.WithDbAsync(async db =>
            {
                var ids = await db.Outcomes.Where(o => o.ResponsibleUnitId == u.UnitId && o.Percent < 100).OrderBy(o => o.Id).Select(o => o.Id).ToListAsync();
                if (ids.Count == 0) return (bool?)null;
                var user = new CurrentUser(u.UserName!, new HashSet<string> { Roles.HandlingUnit }, null, null, null, null) { UserId = u.Id, HandlingUnitId = u.UnitId, DisplayName = u.UserName! };
                await using var tx = await db.Database.BeginTransactionAsync();
                try
                {
                    foreach (var id in ids)
                    {
                        var o = await db.Outcomes.FirstAsync(x => x.Id == id);
                        var (p, error) = await OutcomeRules.ReportProgressAsync(db, o, new OutcomeProgressInput(100, "按计划推进。", null, null), [], user, clock, TestContext.Current.CancellationToken);
                        if (p is not null) return true;
                        db.ChangeTracker.Clear();
                    }
                    return false;
                }
                finally
                {
                    await tx.RollbackAsync();
                }
            });
            if (reported is null) continue;
            withOutcomes++;
            Assert.True(reported, $"{u.UserName} cannot report progress today on any of its outcomes");
        }
        Assert.True(withOutcomes >= 3, $"only {withOutcomes} unit accounts have outcomes in hand");
        // The one the newcomer tried.
        Assert.Contains(units, u => u.UserName == "unit.520200.edu");
    }
}

public sealed class DemoOutcomesSqliteTests(DemoProposalsSqliteFactory f) : DemoOutcomesTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoOutcomesPostgresTests(DemoProposalsPostgresFactory f) : DemoOutcomesTests(f), IClassFixture<DemoProposalsPostgresFactory>;
