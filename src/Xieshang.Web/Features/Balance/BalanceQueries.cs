using Xieshang.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Balance;

/// <summary>A committee named in the summary.</summary>
public sealed record BalanceCommittee(string Code, string Name);

/// <summary>
/// The thresholds the summary was computed with, so readers know what the lists mean: yearly totals strictly below
/// <c>TalkBelow</c> (<c>Duty:Grades:Competent</c>) are in the talk list (约谈); <c>ResignationAbsences</c>
/// (<c>Duty:ResignationAbsences</c>) unexcused absences from the plenary sessions of <c>ResignationYears</c> (the
/// summary's year and the one before) make a resignation candidate (劝辞).
/// </summary>
public sealed record BalanceRules(decimal TalkBelow, int ResignationAbsences, IReadOnlyList<int> ResignationYears);

/// <summary>
/// One row of the side-by-side comparison: the committee itself (<c>IncludesBelow</c> false: its own members and the
/// activities it organised) or a committee directly below it together with every committee below that one.
/// <c>ActivitiesByType</c> has every type code (<c>plenary</c> …); <c>ActivitiesByMonth</c> counts by month of the start
/// (China Standard Time), January first; <c>AttendanceRate</c> is attended ÷ confirmed invitations (0–1, four decimals),
/// null when none is confirmed; <c>AveragePoints</c> is the yearly points per active member (members without records
/// count as 0), null without members.
/// </summary>
public sealed record BalanceRow(
    string Code, string Name, bool IncludesBelow, int Members, int Activities, IReadOnlyDictionary<string, int> ActivitiesByType,
    IReadOnlyList<int> ActivitiesByMonth, double? AttendanceRate, int Attended, int Confirmed, decimal? AveragePoints, int TalkCount, int ResignCount);

/// <summary>One sector of the committee itself (its own members, invitations and records).</summary>
public sealed record BalanceSectorRow(
    int Id, string Name, int Members, double? AttendanceRate, int Attended, int Confirmed, decimal? AveragePoints, int TalkCount, int ResignCount);

/// <summary>
/// The whole subtree. A joint activity of several committees in the subtree counts once here (and once in each
/// organiser's row). <c>ActivitiesByTypeAndMonth</c> maps every type code to its 12 monthly counts.
/// </summary>
public sealed record BalanceTotals(
    int Members, int Activities, IReadOnlyDictionary<string, int> ActivitiesByType, IReadOnlyList<int> ActivitiesByMonth,
    IReadOnlyDictionary<string, IReadOnlyList<int>> ActivitiesByTypeAndMonth,
    double? AttendanceRate, int Attended, int Confirmed, decimal? AveragePoints, int TalkCount, int ResignCount);

/// <summary>A member below the talk threshold, with their yearly total.</summary>
public sealed record TalkMember(int Id, string Name, string CommitteeCode, string CommitteeName, decimal Points);

/// <summary>A resignation candidate, with their unexcused plenary absences in <see cref="BalanceRules.ResignationYears"/>.</summary>
public sealed record ResignMember(int Id, string Name, string CommitteeCode, string CommitteeName, int Absences);

/// <summary>A named list: <see cref="Total"/> members qualify, the first ones (at most <see cref="BalanceQueries.ListLimit"/> in the API) are in <see cref="Members"/>.</summary>
public sealed record BalanceList<T>(int Total, IReadOnlyList<T> Members);

/// <summary>The balance dashboard of one committee and year (<c>GET /api/committees/{code}/duty/summary</c>).</summary>
public sealed record BalanceSummary(
    BalanceCommittee Committee, int Year, BalanceRules Rules, BalanceTotals Totals, IReadOnlyList<BalanceRow> Committees,
    IReadOnlyList<BalanceSectorRow> Sectors, BalanceList<TalkMember> Talk, BalanceList<ResignMember> Resign);

/// <summary>
/// The balance dashboards' numbers (DOMAIN.md §4.10), for a committee and the committees below it. Every figure is
/// grouped in SQL — a fixed handful of statements whatever the size of the subtree, run on three connections at once;
/// nothing is loaded per member — so that a province of about 100 committees answers within 300 ms on PostgreSQL
/// (<c>docs/benchmarks.md</c>). Callers check scope first (<c>Scope.CanRead</c>).
/// <list type="bullet">
/// <item>Activities held: published or postponed activities whose start falls in the year (China Standard Time); a joint
/// activity counts for every organiser. Drafts and cancelled activities do not count.</item>
/// <item>Attendance rate: invitations confirmed present, non-voting, speaker or author ÷ invitations whose attendance is
/// confirmed (excused and absent included, not yet confirmed left out), for those activities; grouped by the member's
/// committee and sector copied on the invitation.</item>
/// <item>Average points: the year's duty-record points of the active members ÷ active members (members without records
/// count as 0); a member is below the talk threshold (约谈) when their total is below <see cref="DutyGrades.TalkBelow"/>.</item>
/// <item>Resignation candidates (劝辞): active members with at least <see cref="BalanceOptions.ResignationAbsences"/>
/// unexcused absences (<see cref="AttendanceRole.Absent"/>) from their own committee's plenary sessions in the year and
/// the year before — a committee holds one plenary session a year, so "repeated" absence spans consecutive sessions.</item>
/// </list>
/// Rows partition the subtree (the committee's own members, then each child's subtree), so the member figures of the
/// rows add up to the totals; activities do not, because a joint activity counts in each organiser's row.
/// </summary>
public static class BalanceQueries
{
    /// <summary>Most members named in the talk and resignation lists (the totals count all).</summary>
    public const int ListLimit = 200;

    /// <summary>Earliest year the dashboards accept.</summary>
    public const int FirstYear = 2000;

    /// <summary>
    /// The summary of <paramref name="c"/> for <paramref name="year"/>, naming at most <paramref name="listLimit"/> members
    /// per list. The three groups of statements (activities; invitations; points) each run in their own scope's
    /// <see cref="AppDbContext"/> from <paramref name="scopes"/>, concurrently.
    /// </summary>
    public static async Task<BalanceSummary> LoadAsync(IServiceScopeFactory scopes, Committee c, int year, DutyOptions duty, BalanceOptions options,
        int listLimit = ListLimit, CancellationToken ct = default)
    {
        await using var main = scopes.CreateAsyncScope();
        var db = main.ServiceProvider.GetRequiredService<AppDbContext>();
        var children = await db.Committees.AsNoTracking().Where(x => x.ParentId == c.Id).OrderBy(x => x.Path)
            .Select(x => new { x.Code, x.Name, x.Path }).ToListAsync(ct);
        // Every row is keyed by the first `n` characters of a committee path: the committee's own path for its members
        // (shorter than n), the child's path for everything below the child. Codes below the National Committee all have
        // six digits, so siblings' paths have one length.
        var n = children.Count == 0 ? c.Path.Length : children[0].Path.Length;
        if (children.Any(x => x.Path.Length != n))
            throw new InvalidOperationException($"Committees below {c.Code} have scope paths of different lengths.");
        var q = new Query(c.Path, n, year, (double)DutyGrades.TalkBelow(duty) - 0.005, options.ResignationAbsences, listLimit);

        async Task<T> InScope<T>(Func<AppDbContext, Query, CancellationToken, Task<T>> work)
        {
            await using var scope = scopes.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (!context.Database.IsNpgsql()) return await work(context, q, ct);
            // PostgreSQL compiles a statement whose estimated cost passes jit_above_cost (100,000; a province's points
            // statement does) to machine code on every execution, and these statements run no faster for it: 24–31 ms of a
            // ~210 ms statement on the 2-core test machine when it is quiet, far more when it is busy (docs/benchmarks.md).
            // Off for these read-only statements only (SET LOCAL ends with the transaction).
            await using var tx = await context.Database.BeginTransactionAsync(ct);
            await context.Database.ExecuteSqlRawAsync("SET LOCAL jit = off", ct);
            var result = await work(context, q, ct);
            await tx.CommitAsync(ct);
            return result;
        }
        var activitiesTask = InScope(ActivitiesAsync);
        var invitationsTask = InScope(InvitationsAsync);
        var pointsTask = InScope(PointsAsync);
        var sectors = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder)
            .Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        await Task.WhenAll(activitiesTask, invitationsTask, pointsTask);
        var (byRow, inSubtree) = activitiesTask.Result;
        var (attendance, resign, resignList) = invitationsTask.Result;
        var (points, talkList) = pointsTask.Result;
        var listed = talkList.Select(x => x.CommitteeId).Concat(resignList.Select(x => x.CommitteeId)).Distinct().ToList();
        var named = await db.Committees.AsNoTracking().Where(x => listed.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => (x.Code, x.Name), ct);

        // Assemble: rows in tree order, the committee itself first.
        BalanceRow Row(string key, string code, string name, bool below)
        {
            var acts = byRow.Where(x => x.Key == key).ToList();
            var att = attendance.Where(x => x.Key == key).ToList();
            var pts = points.Where(x => x.Key == key).ToList();
            var members = (int)pts.Sum(x => x.Members);
            return new BalanceRow(code, name, below, members, acts.Sum(x => x.Count), ByType(acts), ByMonth(acts),
                Rate(att.Sum(x => x.Attended), att.Sum(x => x.Confirmed)), att.Sum(x => x.Attended), att.Sum(x => x.Confirmed),
                Average(pts.Sum(x => x.Points), members), (int)pts.Sum(x => x.Talk), resign.Where(x => x.Key == key).Sum(x => x.Count));
        }
        var rows = new List<BalanceRow> { Row(c.Path, c.Code, c.Name, below: false) };
        rows.AddRange(children.Select(x => Row(x.Path, x.Code, x.Name, below: true)));

        var sectorRows = sectors.Select(s =>
        {
            var att = attendance.Where(x => x.Key == c.Path && x.SectorId == s.Id).ToList();
            var pts = points.Where(x => x.Key == c.Path && x.SectorId == s.Id).ToList();
            var members = (int)pts.Sum(x => x.Members);
            return new BalanceSectorRow(s.Id, s.Name, members, Rate(att.Sum(x => x.Attended), att.Sum(x => x.Confirmed)), att.Sum(x => x.Attended),
                att.Sum(x => x.Confirmed), Average(pts.Sum(x => x.Points), members), (int)pts.Sum(x => x.Talk),
                resign.Where(x => x.Key == c.Path && x.SectorId == s.Id).Sum(x => x.Count));
        }).Where(s => s.Members > 0 || s.Confirmed > 0).ToList();

        var totalMembers = rows.Sum(r => r.Members);
        var totals = new BalanceTotals(totalMembers, inSubtree.Sum(x => x.Count), ByType(inSubtree), ByMonth(inSubtree),
            ActivityTypes.All.ToDictionary(t => t.Code, t => (IReadOnlyList<int>)ByMonth(inSubtree.Where(x => x.Type == t.Type))),
            Rate(rows.Sum(r => r.Attended), rows.Sum(r => r.Confirmed)), rows.Sum(r => r.Attended), rows.Sum(r => r.Confirmed),
            Average(points.Sum(x => x.Points), totalMembers), rows.Sum(r => r.TalkCount), rows.Sum(r => r.ResignCount));

        return new BalanceSummary(new BalanceCommittee(c.Code, c.Name), year,
            new BalanceRules(DutyGrades.TalkBelow(duty), options.ResignationAbsences, [year - 1, year]), totals, rows, sectorRows,
            new BalanceList<TalkMember>(totals.TalkCount, talkList.Select(x => new TalkMember(x.Id, x.Name, named[x.CommitteeId].Code, named[x.CommitteeId].Name, Round2(x.Points))).ToList()),
            new BalanceList<ResignMember>(totals.ResignCount, resignList.Select(x => new ResignMember(x.Id, x.Name, named[x.CommitteeId].Code, named[x.CommitteeId].Name, x.Absences)).ToList()));
    }

    /// <summary>The current duty year (China Standard Time).</summary>
    public static int CurrentYear(TimeProvider clock) => ChinaTime.YearOf(clock.GetUtcNow());

    /// <summary>Latest year the dashboards accept: next year (plans already published).</summary>
    public static int LastYear(TimeProvider clock) => CurrentYear(clock) + 1;

    /// <summary>What every statement needs: the subtree's path, the row-key length, the year, the talk limit (threshold − 0.005), the resignation minimum, the list length.</summary>
    private sealed record Query(string Path, int N, int Year, double TalkBelow, int ResignationAbsences, int ListLimit)
    {
        public DateTimeOffset YearFrom => StartOf(new DateOnly(Year, 1, 1));
        public DateTimeOffset YearTo => StartOf(new DateOnly(Year + 1, 1, 1));
    }

    private sealed record ActivityCell(string Key, ActivityType Type, int Month, int Count);
    private sealed record AttendanceCell(string Key, int SectorId, int Confirmed, int Attended);
    private sealed record ResignCell(string Key, int SectorId, int Count);
    private sealed record ResignEntry(int Id, string Name, int CommitteeId, int Absences);

    /// <summary>One row of <see cref="PointsAsync"/>'s statement: an aggregate (<see cref="Kind"/> 0) or a listed member (1).</summary>
    private sealed class PointsRow
    {
        public int Kind { get; init; }
        public string Key { get; init; } = "";
        public int SectorId { get; init; }
        public long Members { get; init; }
        public double Points { get; init; }
        public long Talk { get; init; }
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public int CommitteeId { get; init; }
        public string Stroke { get; init; } = "";
    }

    /// <summary>Live activities of the year by row, type and month (1–12 in China Standard Time: a CASE on the start), and the same for the whole subtree (each activity once).</summary>
    private static async Task<(List<ActivityCell> ByRow, List<ActivityCell> InSubtree)> ActivitiesAsync(AppDbContext db, Query q, CancellationToken ct)
    {
        var (path, n) = (q.Path, q.N);
        var b = Enumerable.Range(1, 12).Select(m => StartOf(new DateOnly(q.Year, m, 1))).ToArray();
        var activities = LiveBetween(db, q.YearFrom, q.YearTo).Select(a => new
        {
            a.Id,
            a.Type,
            Month = a.StartsAt < b[1] ? 1 : a.StartsAt < b[2] ? 2 : a.StartsAt < b[3] ? 3 : a.StartsAt < b[4] ? 4 : a.StartsAt < b[5] ? 5
                : a.StartsAt < b[6] ? 6 : a.StartsAt < b[7] ? 7 : a.StartsAt < b[8] ? 8 : a.StartsAt < b[9] ? 9 : a.StartsAt < b[10] ? 10
                : a.StartsAt < b[11] ? 11 : 12,
        });
        var byRow = await (
                from a in activities
                join o in db.ActivityOrganizers on a.Id equals o.ActivityId
                where o.CommitteePath.StartsWith(path)
                group a.Id by new { Key = o.CommitteePath.Substring(0, n), a.Type, a.Month } into g
                select new ActivityCell(g.Key.Key, g.Key.Type, g.Key.Month, g.Distinct().Count()))
            .ToListAsync(ct);
        var inSubtree = await activities
            .Where(a => db.ActivityOrganizers.Any(o => o.ActivityId == a.Id && o.CommitteePath.StartsWith(path)))
            .GroupBy(a => new { a.Type, a.Month })
            .Select(g => new ActivityCell("", g.Key.Type, g.Key.Month, g.Count()))
            .ToListAsync(ct);
        return (byRow, inSubtree);
    }

    /// <summary>
    /// Confirmed attendance by row and sector (the member's, copied on the invitation; sectors only for the committee's own
    /// members), and the resignation candidates: counts by row and sector, and the first of them by absences.
    /// </summary>
    private static async Task<(List<AttendanceCell> Attendance, List<ResignCell> Resign, List<ResignEntry> ResignList)> InvitationsAsync(
        AppDbContext db, Query q, CancellationToken ct)
    {
        var (path, n) = (q.Path, q.N);
        var attendance = await (
                from i in db.Invitations
                join a in LiveBetween(db, q.YearFrom, q.YearTo) on i.ActivityId equals a.Id
                where i.CommitteePath.StartsWith(path) && i.Attendance != null
                group i by new { Key = i.CommitteePath.Substring(0, n), SectorId = i.CommitteePath == path ? i.SectorId : 0 } into g
                select new AttendanceCell(g.Key.Key, g.Key.SectorId, g.Count(), g.Count(x => x.Attendance == AttendanceRole.Present
                    || x.Attendance == AttendanceRole.NonVoting || x.Attendance == AttendanceRole.Speaker || x.Attendance == AttendanceRole.Author)))
            .ToListAsync(ct);

        // A member's own committee's plenary sessions (its lead organiser is the member's committee) in this year and the
        // last: found through the activities' (CommitteePath, StartsAt) index, a few per committee.
        var minimum = q.ResignationAbsences;
        var absences =
            from a in LiveBetween(db, StartOf(new DateOnly(q.Year - 1, 1, 1)), q.YearTo)
            join i in db.Invitations on a.Id equals i.ActivityId
            where a.Type == ActivityType.Plenary && a.CommitteePath.StartsWith(path) && i.CommitteeId == a.CommitteeId && i.Attendance == AttendanceRole.Absent
            group i by i.MemberId into g
            where g.Count() >= minimum
            select new { MemberId = g.Key, Absences = g.Count() };
        var candidates =
            from m in db.Members
            join x in absences on m.Id equals x.MemberId
            where m.IsActive && m.CommitteePath.StartsWith(path)
            select new { m.Id, m.Name, m.StrokeKey, m.CommitteeId, m.CommitteePath, m.SectorId, x.Absences };
        var resign = await candidates
            .GroupBy(x => new { Key = x.CommitteePath.Substring(0, n), SectorId = x.CommitteePath == path ? x.SectorId : 0 })
            .Select(g => new ResignCell(g.Key.Key, g.Key.SectorId, g.Count()))
            .ToListAsync(ct);
        var resignList = await candidates.OrderByDescending(x => x.Absences).ThenBy(x => x.StrokeKey).ThenBy(x => x.Id).Take(q.ListLimit)
            .Select(x => new ResignEntry(x.Id, x.Name, x.CommitteeId, x.Absences))
            .ToListAsync(ct);
        return (attendance, resign, resignList);
    }

    /// <summary>
    /// Yearly points of the active members, in one statement that sums the year's records once: the aggregates by row and
    /// sector (members, points, members below the talk threshold) and the lowest totals below it, named. A left join, so
    /// members without records count with 0. Raw SQL because LINQ cannot reuse one aggregation for both results (a
    /// common table expression); the text is the same on SQLite and PostgreSQL. Decimal sums are not translatable on
    /// SQLite, so points are summed as double precision; totals have two decimals, so comparing with threshold − 0.005
    /// is exact.
    /// </summary>
    private static async Task<(List<PointsRow> Aggregates, List<PointsRow> TalkList)> PointsAsync(AppDbContext db, Query q, CancellationToken ct)
    {
        var (path, n, year, talk, limit) = (q.Path, q.N, q.Year, q.TalkBelow, q.ListLimit);
        var prefix = q.Path + "%"; // scope paths hold digits, letters and slashes only: no LIKE wildcards
        var rows = await db.Database.SqlQuery<PointsRow>($"""
            WITH t AS MATERIALIZED (
                SELECT m."Id" AS id, m."Name" AS name, m."StrokeKey" AS stroke, m."CommitteeId" AS committee,
                       substr(m."CommitteePath", 1, {n}) AS rowkey,
                       CASE WHEN m."CommitteePath" = {path} THEN m."SectorId" ELSE 0 END AS sector,
                       COALESCE(s.points, 0) AS points
                FROM "Members" AS m
                LEFT JOIN (
                    SELECT d."MemberId" AS member, SUM(CAST(d."Points" AS DOUBLE PRECISION)) AS points
                    FROM "DutyRecords" AS d
                    WHERE d."Year" = {year} AND d."CommitteePath" LIKE {prefix}
                    GROUP BY d."MemberId") AS s ON s.member = m."Id"
                WHERE m."IsActive" AND m."CommitteePath" LIKE {prefix})
            SELECT 0 AS "Kind", rowkey AS "Key", sector AS "SectorId", COUNT(*) AS "Members", SUM(points) AS "Points",
                   SUM(CASE WHEN points < {talk} THEN 1 ELSE 0 END) AS "Talk", 0 AS "Id", '' AS "Name", 0 AS "CommitteeId", '' AS "Stroke"
            FROM t GROUP BY rowkey, sector
            UNION ALL
            SELECT * FROM (
                SELECT 1 AS kind, '' AS rowkey, 0 AS sector, 0 AS members, points, 0 AS talk, id, name, committee, stroke
                FROM t WHERE points < {talk} ORDER BY points, stroke, id LIMIT {limit}) AS l
            """).ToListAsync(ct);
        // SQL does not promise that UNION ALL keeps the second branch's order: order the (short) list again.
        return (rows.Where(r => r.Kind == 0).ToList(),
            rows.Where(r => r.Kind == 1).OrderBy(r => r.Points).ThenBy(r => r.Stroke, StringComparer.Ordinal).ThenBy(r => r.Id).ToList());
    }

    private static IQueryable<Activity> LiveBetween(AppDbContext db, DateTimeOffset from, DateTimeOffset to) =>
        db.Activities.AsNoTracking().Where(a => (a.Status == ActivityStatus.Published || a.Status == ActivityStatus.Postponed) && a.StartsAt >= from && a.StartsAt < to);

    /// <summary>First instant of a China Standard Time day, in UTC (Npgsql writes only UTC instants to timestamptz).</summary>
    private static DateTimeOffset StartOf(DateOnly day) => ChinaTime.StartOf(day).ToUniversalTime();

    private static Dictionary<string, int> ByType(IEnumerable<ActivityCell> cells)
    {
        var list = cells.ToList();
        return ActivityTypes.All.ToDictionary(t => t.Code, t => list.Where(x => x.Type == t.Type).Sum(x => x.Count));
    }

    private static int[] ByMonth(IEnumerable<ActivityCell> cells)
    {
        var months = new int[12];
        foreach (var cell in cells) months[cell.Month - 1] += cell.Count;
        return months;
    }

    private static double? Rate(int attended, int confirmed) => confirmed == 0 ? null : Math.Round((double)attended / confirmed, 4);

    private static decimal? Average(double points, int members) => members == 0 ? null : Round2(points / members);

    private static decimal Round2(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);
}
