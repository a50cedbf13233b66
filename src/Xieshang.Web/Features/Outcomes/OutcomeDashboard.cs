using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// Numbers of one group of outcomes. <c>Total</c> all outcomes; <c>Adopted</c> adopted or partly adopted; <c>Pending</c>
/// not yet decided; <c>AdoptionRate</c> = Adopted / Total (0–1, null when Total is 0); <c>AvgDaysToAdoption</c> the mean
/// of AdoptedOn − SubmittedOn in days over adopted outcomes with both days (null when none); <c>Implemented</c> adopted
/// outcomes at 100 %; <c>ImplementedShare</c> = Implemented / Adopted (null when none adopted); <c>AvgPercent</c> the mean
/// percent of adopted outcomes (null when none); <c>Stalled</c> adopted, not implemented, no progress for the configured days.
/// </summary>
public sealed record OutcomeStats(string Key, string Name, int Total, int Adopted, int Pending, double? AdoptionRate, double? AvgDaysToAdoption,
    int Implemented, double? ImplementedShare, double? AvgPercent, int Stalled);

/// <summary>
/// The outcomes dashboard of one committee (its subtree): overall numbers, by kind (kind code as key), by sector of the
/// credited members (an outcome counts once under each distinct sector of its members; 「未署名委员」 for none), and by
/// committee below (the committee itself first as 本级, then each direct subordinate with its subtree, in committee-code
/// order). <c>StalledDays</c> is the threshold used.
/// </summary>
public sealed record OutcomeDashboardDto(string CommitteeCode, string CommitteeName, int StalledDays, OutcomeStats Overall,
    IReadOnlyList<OutcomeStats> ByKind, IReadOnlyList<OutcomeStats> BySector, IReadOnlyList<OutcomeStats> ByCommittee);

/// <summary>Computes <see cref="OutcomeDashboardDto"/> (in memory over the subtree's outcomes; the kind filter applies to every table).</summary>
public static class OutcomeDashboard
{
    private sealed record Row(int Id, OutcomeKind Kind, string CommitteePath, AdoptionStatus Adoption, DateOnly? SubmittedOn, DateOnly? AdoptedOn,
        DateOnly? ImplementedOn, int Percent, DateTimeOffset? LastProgressAt, DateTimeOffset CreatedAt, List<int> MemberIds);

    /// <summary>The dashboard of <paramref name="committee"/>'s subtree, optionally of one kind.</summary>
    public static async Task<OutcomeDashboardDto> BuildAsync(AppDbContext db, Committee committee, OutcomeKind? kind, DateTimeOffset stalledCutoff, int stalledDays, CancellationToken ct)
    {
        var q = db.Outcomes.AsNoTracking().Where(o => o.CommitteePath.StartsWith(committee.Path));
        if (kind is { } k) q = q.Where(o => o.Kind == k);
        var rows = await q.Select(o => new Row(o.Id, o.Kind, o.CommitteePath, o.Adoption, o.SubmittedOn, o.AdoptedOn, o.ImplementedOn, o.Percent, o.LastProgressAt, o.CreatedAt, o.MemberIds))
            .ToListAsync(ct);
        var memberIds = rows.SelectMany(r => r.MemberIds).Distinct().ToList();
        var sectorOf = await db.Members.Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.SectorId }).ToDictionaryAsync(m => m.Id, m => m.SectorId, ct);
        var sectorIds = sectorOf.Values.Distinct().ToList();
        var sectors = await db.Sectors.Where(s => sectorIds.Contains(s.Id)).Select(s => new { s.Id, s.Name, s.SortOrder }).ToListAsync(ct);
        var children = await db.Committees.AsNoTracking().Where(c => c.ParentId == committee.Id).OrderBy(c => c.Code).Select(c => new { c.Code, c.Name, c.Path }).ToListAsync(ct);

        OutcomeStats Stats(string key, string name, IEnumerable<Row> group)
        {
            var list = group.ToList();
            var adopted = list.Where(r => OutcomeCodes.IsAdopted(r.Adoption)).ToList();
            var days = adopted.Where(r => r.SubmittedOn is not null && r.AdoptedOn is not null).Select(r => (double)(r.AdoptedOn!.Value.DayNumber - r.SubmittedOn!.Value.DayNumber)).ToList();
            var implemented = adopted.Count(r => r.ImplementedOn is not null);
            var stalled = adopted.Count(r => r.ImplementedOn is null && (r.LastProgressAt ?? r.CreatedAt) < stalledCutoff);
            return new OutcomeStats(key, name, list.Count, adopted.Count, list.Count(r => r.Adoption == AdoptionStatus.Pending),
                list.Count == 0 ? null : (double)adopted.Count / list.Count, days.Count == 0 ? null : days.Average(),
                implemented, adopted.Count == 0 ? null : (double)implemented / adopted.Count, adopted.Count == 0 ? null : adopted.Average(r => (double)r.Percent), stalled);
        }

        var byKind = OutcomeCodes.Kinds.Where(x => rows.Any(r => r.Kind == x.Kind)).Select(x => Stats(x.Code, x.Name, rows.Where(r => r.Kind == x.Kind))).ToList();
        var bySector = sectors.OrderBy(s => s.SortOrder).ThenBy(s => s.Id)
            .Select(s => Stats(s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Name, rows.Where(r => r.MemberIds.Any(m => sectorOf.GetValueOrDefault(m) == s.Id))))
            .ToList();
        if (rows.Any(r => r.MemberIds.Count == 0)) bySector.Add(Stats("", "未署名委员", rows.Where(r => r.MemberIds.Count == 0)));
        var byCommittee = new List<OutcomeStats> { Stats(committee.Code, $"{committee.Name}（本级）", rows.Where(r => r.CommitteePath == committee.Path)) };
        byCommittee.AddRange(children.Select(c => Stats(c.Code, c.Name, rows.Where(r => r.CommitteePath.StartsWith(c.Path, StringComparison.Ordinal)))));
        return new OutcomeDashboardDto(committee.Code, committee.Name, stalledDays, Stats(committee.Code, committee.Name, rows), byKind, bySector, byCommittee);
    }
}
