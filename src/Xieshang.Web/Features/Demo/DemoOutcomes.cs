using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// Implementation progress on the outcomes the demo's proposal work leaves: last year's proposals answered in class A or B
/// become <see cref="OutcomeKind.ProposalReply"/> outcomes when they are replied (the outcome hook of the proposal rules,
/// dated the simulated reply day), so without progress every one of them would be stalled. Here their responsible
/// departments report progress through <see cref="OutcomeRules.ReportProgressAsync"/> on a <see cref="SimulatedClock"/>:
/// about a quarter reach 100 % (implemented), most report twice and stand between 40 and 90 % with a report in the last
/// seven weeks, and two are left stalled — one never reported on, one with a single report long ago. Together with the
/// consultation's recommendations and the research reports (<see cref="DemoResearch"/>) the outcomes dashboard shows every
/// adoption state, progress at different percents, implemented and stalled outcomes. Does nothing when there is no such
/// outcome or when they already have progress reports.
/// </summary>
public static class DemoOutcomes
{
    /// <summary>Seeds the progress reports described on the class.</summary>
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520200", ct);
        var outcomes = await db.Outcomes.AsNoTracking()
            .Where(o => o.Kind == OutcomeKind.ProposalReply && o.CommitteePath == city.Path && o.AdoptedOn != null
                && (o.Adoption == AdoptionStatus.Adopted || o.Adoption == AdoptionStatus.PartlyAdopted))
            .OrderBy(o => o.AdoptedOn).ThenBy(o => o.Id).Select(o => new { o.Id, o.AdoptedOn, o.ResponsibleUnitId }).ToListAsync(ct);
        var ids = outcomes.Select(o => o.Id).ToList();
        if (ids.Count == 0 || await db.OutcomeProgress.AnyAsync(p => ids.Contains(p.OutcomeId), ct)) return;
        var real = clock.GetUtcNow();
        var today = ChinaTime.DayOf(real);
        var time = new SimulatedClock(real);
        var staff = await DemoAccounts.AsAsync(db, "staff.520200", Roles.Staff, "520200", "六盘水市政协办公室", ct);
        var units = await db.HandlingUnits.AsNoTracking().Where(u => u.CommitteeId == city.Id).ToDictionaryAsync(u => u.Id, ct);

        async Task Report(int id, int? unitId, DateOnly on, int percent, string note, string? evidence = null)
        {
            if (on > today.AddDays(-1)) on = today.AddDays(-1);
            time.Now = ChinaTime.StartOf(on).AddHours(16);
            var by = unitId is { } u && units.TryGetValue(u, out var unit)
                ? new CurrentUser("unit." + unit.Code, new HashSet<string> { Roles.HandlingUnit }, null, null, null, null) { HandlingUnitId = unit.Id, DisplayName = unit.Name }
                : staff;
            var outcome = await db.Outcomes.FirstAsync(o => o.Id == id, ct);
            var (_, error) = await OutcomeRules.ReportProgressAsync(db, outcome, new OutcomeProgressInput(percent, note, on, evidence), [], by, time, ct);
            if (error is not null) throw new InvalidOperationException($"Demo outcome {id}: {error.Message}");
        }

        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var adopted = o.AdoptedOn!.Value;
            var room = today.DayNumber - adopted.DayNumber; // days since the reply
            if (i == 0 || room < 30) continue; // stalled: never reported on (and replies too recent for a report)
            DateOnly After(int days) => adopted.AddDays(Math.Min(days, room - 1));
            if (i == 1)
            {
                // Stalled after one report long ago.
                await Report(o.Id, o.ResponsibleUnitId, After(25), 20, "已制定办理工作方案，明确责任科室；因项目资金未落实，后续工作暂缓。");
                continue;
            }
            await Report(o.Id, o.ResponsibleUnitId, After(30), 30, "已将提案建议纳入年度工作计划，完成前期调研和方案论证。");
            if (i % 4 == 2)
            {
                await Report(o.Id, o.ResponsibleUnitId, After(120), 70, "主体工作已完成，正在组织验收。");
                await Report(o.Id, o.ResponsibleUnitId, today.AddDays(-(8 + i % 30)), 100, "已全部落实，并向提案人书面反馈落实情况。",
                    "提案所提措施已全部落实，落实情况已书面反馈提案人。");
                continue;
            }
            var percent = 40 + i * 17 % 50;
            await Report(o.Id, o.ResponsibleUnitId, today.AddDays(-(3 + i * 5 % 45)), percent,
                percent >= 70 ? "主要措施已实施，剩余工作按计划推进。" : "相关项目已开工，正在按进度推进。");
        }
        db.ChangeTracker.Clear();
    }
}
