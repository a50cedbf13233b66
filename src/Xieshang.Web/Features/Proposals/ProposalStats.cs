using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>What a statistics request asks for: committee code (default: the caller's), year, term and session (all optional).</summary>
public sealed record ProposalStatsQuery(string? Committee = null, int? Year = null, int? Term = null, int? Session = null);

/// <summary>A committee as the statistics name it.</summary>
public sealed record StatsCommittee(string Code, string Name);

/// <summary>
/// The proposal measures of one set of proposals (the whole selection, one committee row or one sector row). Every count
/// is over the proposals the caller may see (<see cref="ProposalAccess.VisibleTo"/>) in the selection; every rate is a
/// fraction from 0 to 1 (six decimals), null when its denominator is 0. "Units in view" are all handling units for
/// office accounts and only the caller's own unit for a unit account, so a unit's numbers are its own.
/// </summary>
/// <param name="Received">收到: proposals that reached the proposals office — every state except draft and co-signing; a
/// withdrawn proposal counts only when it had reached the office (its timeline has a step into submitted), as in <see cref="ProposalAccess.VisibleTo"/>.</param>
/// <param name="PendingReview">待审查: submitted, under review, or returned to the proposer for revision.</param>
/// <param name="Filed">立案: filed and every state after it (<see cref="ProposalWorkflow.IsFiled"/>). Merged proposals are not counted here.</param>
/// <param name="NotFiled">不予立案.</param>
/// <param name="Merged">并案 (merged into another proposal, which is the one filed).</param>
/// <param name="Withdrawn">撤案 after reaching the office.</param>
/// <param name="FilingRate">立案率 = <paramref name="Filed"/> ÷ <paramref name="Received"/>.</param>
/// <param name="Assigned">交办: filed proposals with at least one replying assignment (single, separate or lead; not returned) of a unit in view.</param>
/// <param name="Replied">答复: assigned proposals where every replying assignment of a unit in view has at least one reply
/// (a proposal being handled again after a dissatisfied rating stays replied).</param>
/// <param name="RepliedOnTime">按时答复: replied proposals none of whose replies (of units in view) came after the assignment's due date.</param>
/// <param name="OnTimeRate">按时答复率 = <paramref name="RepliedOnTime"/> ÷ <paramref name="Replied"/>.</param>
/// <param name="Overdue">逾期未答复: assigned proposals with a replying assignment of a unit in view still in hand past its due date (China date).</param>
/// <param name="ClassA">A 类: latest replies of class A — the latest reply of each replying assignment in view (after re-handling, the second reply).</param>
/// <param name="ClassB">B 类, counted as <paramref name="ClassA"/>.</param>
/// <param name="ClassC">C 类, counted as <paramref name="ClassA"/>.</param>
/// <param name="ClassAShare">A 类占比 = <paramref name="ClassA"/> ÷ (A + B + C).</param>
/// <param name="ClassBShare">B 类占比 = <paramref name="ClassB"/> ÷ (A + B + C).</param>
/// <param name="ClassCShare">C 类占比 = <paramref name="ClassC"/> ÷ (A + B + C).</param>
/// <param name="Satisfied">满意: latest ratings that are satisfied — the latest rating of each replying assignment in view
/// (a dissatisfied rating counts until the re-handled reply is rated).</param>
/// <param name="BasicallySatisfied">基本满意, counted as <paramref name="Satisfied"/>.</param>
/// <param name="Dissatisfied">不满意, counted as <paramref name="Satisfied"/>.</param>
/// <param name="SatisfactionRate">满意率 = (<paramref name="Satisfied"/> + <paramref name="BasicallySatisfied"/>) ÷ (satisfied + basically satisfied + dissatisfied).</param>
public sealed record ProposalMeasures(int Received, int PendingReview, int Filed, int NotFiled, int Merged, int Withdrawn, double? FilingRate,
    int Assigned, int Replied, int RepliedOnTime, double? OnTimeRate, int Overdue,
    int ClassA, int ClassB, int ClassC, double? ClassAShare, double? ClassBShare, double? ClassCShare,
    int Satisfied, int BasicallySatisfied, int Dissatisfied, double? SatisfactionRate);

/// <summary>A committee row: the committee itself (<c>IncludesBelow</c> false: its own proposals only) or one of its direct
/// children with its whole subtree.</summary>
public sealed record ProposalCommitteeStats(string Code, string Name, bool IncludesBelow, ProposalMeasures Measures);

/// <summary>A sector row (界别, by the first proposer's sector name across the selection; collective proposals under 无界别).</summary>
public sealed record ProposalSectorStats(string Name, ProposalMeasures Measures);

/// <summary>
/// One handling unit's numbers, counted per assignment (one unit, one proposal) rather than per proposal.
/// </summary>
/// <param name="Code">Unit code, e.g. <c>520200.edu</c>.</param>
/// <param name="Name">Unit name.</param>
/// <param name="Assigned">Replying assignments (single, separate, lead; not returned) to the unit.</param>
/// <param name="CoUnit">Co-unit assignments (会办; they send views, not replies).</param>
/// <param name="Replied">Replying assignments with at least one reply.</param>
/// <param name="RepliedOnTime">Replied assignments none of whose replies was late.</param>
/// <param name="OnTimeRate"><paramref name="RepliedOnTime"/> ÷ <paramref name="Replied"/>.</param>
/// <param name="Overdue">Replying assignments in hand past their due date.</param>
/// <param name="ClassA">Assignments whose latest reply is of class A.</param>
/// <param name="ClassB">Assignments whose latest reply is of class B.</param>
/// <param name="ClassC">Assignments whose latest reply is of class C.</param>
/// <param name="Satisfied">Assignments whose latest rating is satisfied.</param>
/// <param name="BasicallySatisfied">Assignments whose latest rating is basically satisfied.</param>
/// <param name="Dissatisfied">Assignments whose latest rating is dissatisfied.</param>
/// <param name="SatisfactionRate">(satisfied + basically satisfied) ÷ rated.</param>
public sealed record ProposalUnitStats(string Code, string Name, int Assigned, int CoUnit, int Replied, int RepliedOnTime, double? OnTimeRate, int Overdue,
    int ClassA, int ClassB, int ClassC, int Satisfied, int BasicallySatisfied, int Dissatisfied, double? SatisfactionRate);

/// <summary>The answer of <c>GET /api/proposals/stats</c>: the selection, its totals and the three breakdowns.</summary>
public sealed record ProposalStatsResult(StatsCommittee Committee, int? Year, int? Term, int? Session, bool UnitOnly, ProposalMeasures Totals,
    IReadOnlyList<ProposalUnitStats> ByUnit, IReadOnlyList<ProposalSectorStats> BySector, IReadOnlyList<ProposalCommitteeStats> ByCommittee);

/// <summary>
/// Proposal statistics (issue 4 §4): received, filed, replied on time, A/B/C shares, satisfaction — in total, by handling
/// unit, by sector and by committee — over exactly the proposals <see cref="ProposalAccess.VisibleTo"/> lets the caller see,
/// so a unit account counts only its own assignments and a district never sees another district's numbers. The measures
/// are defined on <see cref="ProposalMeasures"/>. Used by the API, the .xlsx export and the page alike.
/// </summary>
public static class ProposalStats
{
    /// <summary>Earliest year asked for.</summary>
    public const int FirstYear = 2000;

    /// <summary>Name of the sector row of proposals without a sector (collective proposals).</summary>
    public const string NoSector = "无界别（集体提案等）";

    /// <summary>True for the accounts that may ask for statistics: administrators, staff, leaders and handling units.</summary>
    public static bool MayAsk(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || (user.IsHandlingUnit && user.HandlingUnitId is not null);

    /// <summary>
    /// Checks <paramref name="query"/> for <paramref name="user"/> and resolves its committee: 403 for members and for a
    /// committee outside the caller's scope (a unit: any committee but its own), 404 for an unknown committee, 400 for an
    /// implausible year, term or session. Without year and term the year is the current one (China time).
    /// </summary>
    public static async Task<(Committee? Committee, ProposalStatsQuery Query, ProposalError? Error)> ResolveAsync(AppDbContext db, CurrentUser user,
        ProposalStatsQuery query, TimeProvider clock, CancellationToken ct)
    {
        if (!MayAsk(user)) return (null, query, new(403, "只有政协机关工作人员、领导和承办单位可以查看提案统计。"));
        var thisYear = ChinaTime.YearOf(clock.GetUtcNow());
        if (query.Year is { } y && (y < FirstYear || y > thisYear + 1)) return (null, query, new(400, $"年份（year）须在 {FirstYear} 至 {thisYear + 1} 之间。", "year"));
        if (query.Term is { } t && t is < 1 or > 99) return (null, query, new(400, "届次（term）须在 1 至 99 之间。", "term"));
        if (query.Session is { } s && s is < 1 or > 20) return (null, query, new(400, "会议次数（session）须在 1 至 20 之间。", "session"));
        if (query.Session is not null && query.Term is null) return (null, query, new(400, "指定会议次数（session）时须同时指定届次（term）。", "session"));
        if (query.Year is null && query.Term is null) query = query with { Year = thisYear };

        string? ownPath = null;
        string? ownCode = null;
        if (user.IsHandlingUnit && !user.IsAdmin && !user.IsStaff && !user.IsLeader)
        {
            var unit = await db.HandlingUnits.AsNoTracking().Where(u => u.Id == user.HandlingUnitId)
                .Select(u => new { u.CommitteePath, Code = db.Committees.Where(c => c.Id == u.CommitteeId).Select(c => c.Code).First() }).FirstOrDefaultAsync(ct);
            if (unit is null) return (null, query, new(403, "未找到您的承办单位。"));
            ownPath = unit.CommitteePath;
            ownCode = unit.Code;
        }
        var code = query.Committee is { Length: > 0 } given ? given.Trim() : ownCode ?? (user.IsAdmin ? "CN" : user.CommitteeCode);
        if (string.IsNullOrEmpty(code)) return (null, query, new(403, "您的账号未关联政协组织。"));
        var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (committee is null) return (null, query, new(404, $"未找到政协组织 {code}。", "committee"));
        var allowed = ownPath is not null ? committee.Path == ownPath : Scope.CanRead(user, committee.Path);
        if (!allowed) return (null, query, new(403, ownPath is not null ? "承办单位只能查看本单位所在政协的提案统计。" : "您无权查看该政协组织的提案统计。"));
        return (committee, query, null);
    }

    /// <summary>The statistics of <paramref name="committee"/> and the committees below it for <paramref name="query"/> (already resolved).</summary>
    public static async Task<ProposalStatsResult> LoadAsync(AppDbContext db, CurrentUser user, Committee committee, ProposalStatsQuery query,
        TimeProvider clock, CancellationToken ct)
    {
        var path = committee.Path;
        var q = db.Proposals.AsNoTracking().VisibleTo(db, user).Where(p => p.CommitteePath.StartsWith(path));
        if (query.Year is { } year) q = q.Where(p => p.Year == year);
        if (query.Term is { } term) q = q.Where(p => p.Term == term);
        if (query.Session is { } session) q = q.Where(p => p.Session == session);
        var unitOnly = user.IsHandlingUnit && !user.IsAdmin && !user.IsStaff && !user.IsLeader;
        int? unit = unitOnly ? user.HandlingUnitId : null;
        var ids = q.Select(p => p.Id);

        var proposals = await q.Select(p => new Row(p.Id, p.CommitteePath, p.SectorId, p.Status,
                p.Status == ProposalStatus.Withdrawn && db.ProposalEvents.Any(e => e.ProposalId == p.Id && e.ToStatus == ProposalStatus.Submitted)))
            .ToListAsync(ct);
        var assignments = await db.Assignments.AsNoTracking()
            .Where(a => ids.Contains(a.ProposalId) && a.Status != AssignmentStatus.Returned && (unit == null || a.HandlingUnitId == unit))
            .Select(a => new AssignmentRow(a.Id, a.ProposalId, a.HandlingUnitId, a.Role, a.Status, a.DueOn)).ToListAsync(ct);
        var replies = await db.Replies.AsNoTracking().Where(r => ids.Contains(r.ProposalId) && (unit == null || r.HandlingUnitId == unit))
            .Select(r => new ReplyRow(r.Id, r.AssignmentId, r.Class, r.OnTime)).ToListAsync(ct);
        var ratings = await db.Ratings.AsNoTracking().Where(r => ids.Contains(r.ProposalId) && (unit == null || r.HandlingUnitId == unit))
            .Select(r => new RatingRow(r.Id, r.ReplyId, r.Satisfaction)).ToListAsync(ct);

        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var facts = Facts(assignments, replies, ratings, today);

        var unitIds = assignments.Select(a => a.UnitId).Distinct().ToList();
        var units = await db.HandlingUnits.AsNoTracking().Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.Code, u.Name }).ToListAsync(ct);
        var byUnit = units.Select(u =>
        {
            var mine = facts.Where(f => f.A.UnitId == u.Id).ToList();
            var replying = mine.Where(f => f.A.Role != AssignmentRole.CoUnit).ToList();
            var replied = replying.Count(f => f.Replied);
            var onTime = replying.Count(f => f.Replied && !f.Late);
            var (a, b, c) = Classes(replying);
            var (s, bs, d) = Satisfactions(replying);
            return new ProposalUnitStats(u.Code, u.Name, replying.Count, mine.Count - replying.Count, replied, onTime, Rate(onTime, replied),
                replying.Count(f => f.Overdue), a, b, c, s, bs, d, Rate(s + bs, s + bs + d));
        }).OrderBy(u => u.Code, StringComparer.Ordinal).ToList();

        var factsByProposal = facts.Where(f => f.A.Role != AssignmentRole.CoUnit).ToLookup(f => f.A.ProposalId);
        ProposalMeasures Measure(IEnumerable<Row> rows) => Measures(rows.ToList(), factsByProposal);

        var sectorIds = proposals.Where(p => p.SectorId is not null).Select(p => p.SectorId!.Value).Distinct().ToList();
        var sectors = await db.Sectors.AsNoTracking().Where(s => sectorIds.Contains(s.Id)).Select(s => new { s.Id, s.Name, s.SortOrder }).ToListAsync(ct);
        var sectorOf = sectors.ToDictionary(s => s.Id);
        var bySector = proposals.GroupBy(p => p.SectorId is { } sid && sectorOf.TryGetValue(sid, out var s) ? s.Name : NoSector)
            .Select(g => new { g.Key, Order = g.Key == NoSector ? int.MaxValue : sectors.Where(s => s.Name == g.Key).Min(s => s.SortOrder), Rows = g.ToList() })
            .OrderBy(g => g.Order).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ProposalSectorStats(g.Key, Measure(g.Rows))).ToList();

        var children = await db.Committees.AsNoTracking().Where(c => c.ParentId == committee.Id).Select(c => new { c.Code, c.Name, c.Path }).ToListAsync(ct);
        var byCommittee = new List<ProposalCommitteeStats> { new(committee.Code, committee.Name, children.Count == 0, Measure(proposals.Where(p => p.Path == path))) };
        if (children.Count > 0)
        {
            var used = proposals.Where(p => p.Path != path).Select(p => ChildPath(path, p.Path)).ToHashSet(StringComparer.Ordinal);
            // Every child with proposals, and for a small tree (a city's districts) every child, so an empty one shows as 0.
            foreach (var c in children.Where(c => children.Count <= 40 || used.Contains(c.Path)).OrderBy(c => c.Code, StringComparer.Ordinal))
                byCommittee.Add(new(c.Code, c.Name, true, Measure(proposals.Where(p => p.Path.StartsWith(c.Path, StringComparison.Ordinal)))));
        }

        return new ProposalStatsResult(new StatsCommittee(committee.Code, committee.Name), query.Year, query.Term, query.Session, unitOnly,
            Measure(proposals), byUnit, bySector, byCommittee);
    }

    private static string ChildPath(string parent, string path)
    {
        var end = path.IndexOf('/', parent.Length);
        return end < 0 ? path : path[..(end + 1)];
    }

    private sealed record Row(int Id, string Path, int? SectorId, ProposalStatus Status, bool WithdrawnAfterSubmission);
    private sealed record AssignmentRow(int Id, int ProposalId, int UnitId, AssignmentRole Role, AssignmentStatus Status, DateOnly DueOn);
    private sealed record ReplyRow(int Id, int AssignmentId, ReplyClass Class, bool OnTime);
    private sealed record RatingRow(int Id, int ReplyId, Satisfaction Satisfaction);

    /// <summary>What is known of one assignment: replied, any reply late, overdue, its latest reply's class and latest rating.</summary>
    private sealed record Fact(AssignmentRow A, bool Replied, bool Late, bool Overdue, ReplyClass? LatestClass, Satisfaction? LatestRating);

    private static List<Fact> Facts(List<AssignmentRow> assignments, List<ReplyRow> replies, List<RatingRow> ratings, DateOnly today)
    {
        var repliesOf = replies.ToLookup(r => r.AssignmentId);
        var assignmentOfReply = replies.ToDictionary(r => r.Id, r => r.AssignmentId);
        var ratingsOf = ratings.Where(r => assignmentOfReply.ContainsKey(r.ReplyId)).ToLookup(r => assignmentOfReply[r.ReplyId]);
        return assignments.Select(a =>
        {
            var rs = repliesOf[a.Id].ToList();
            var latest = rs.MaxBy(r => r.Id);
            var rating = ratingsOf[a.Id].MaxBy(r => r.Id);
            return new Fact(a, rs.Count > 0, rs.Any(r => !r.OnTime), a.Status == AssignmentStatus.Active && a.Role != AssignmentRole.CoUnit && a.DueOn < today,
                latest?.Class, rating?.Satisfaction);
        }).ToList();
    }

    private static (int A, int B, int C) Classes(IReadOnlyCollection<Fact> facts) =>
        (facts.Count(f => f.LatestClass == ReplyClass.A), facts.Count(f => f.LatestClass == ReplyClass.B), facts.Count(f => f.LatestClass == ReplyClass.C));

    private static (int S, int B, int D) Satisfactions(IReadOnlyCollection<Fact> facts) =>
        (facts.Count(f => f.LatestRating == Satisfaction.Satisfied), facts.Count(f => f.LatestRating == Satisfaction.BasicallySatisfied),
            facts.Count(f => f.LatestRating == Satisfaction.Dissatisfied));

    private static ProposalMeasures Measures(List<Row> rows, ILookup<int, Fact> replying)
    {
        var received = rows.Count(r => r.Status is not (ProposalStatus.Draft or ProposalStatus.CoSigning or ProposalStatus.Withdrawn) || r.WithdrawnAfterSubmission);
        var pending = rows.Count(r => r.Status is ProposalStatus.Submitted or ProposalStatus.UnderReview or ProposalStatus.Returned);
        var filed = rows.Count(r => ProposalWorkflow.IsFiled(r.Status));
        var assigned = 0; var replied = 0; var onTime = 0; var overdue = 0;
        var facts = new List<Fact>();
        foreach (var r in rows.Where(r => ProposalWorkflow.IsFiled(r.Status)))
        {
            var fs = replying[r.Id].ToList();
            if (fs.Count == 0) continue;
            assigned++;
            facts.AddRange(fs);
            if (fs.All(f => f.Replied))
            {
                replied++;
                if (!fs.Any(f => f.Late)) onTime++;
            }
            if (fs.Any(f => f.Overdue)) overdue++;
        }
        var (a, b, c) = Classes(facts);
        var (s, bs, d) = Satisfactions(facts);
        return new ProposalMeasures(received, pending, filed, rows.Count(r => r.Status == ProposalStatus.NotFiled), rows.Count(r => r.Status == ProposalStatus.Merged),
            rows.Count(r => r.WithdrawnAfterSubmission), Rate(filed, received), assigned, replied, onTime, Rate(onTime, replied), overdue,
            a, b, c, Rate(a, a + b + c), Rate(b, a + b + c), Rate(c, a + b + c), s, bs, d, Rate(s + bs, s + bs + d));
    }

    /// <summary><paramref name="part"/> ÷ <paramref name="whole"/> to six decimals (so a percentage with one decimal rounds once); null when <paramref name="whole"/> is 0.</summary>
    public static double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 6);
}
