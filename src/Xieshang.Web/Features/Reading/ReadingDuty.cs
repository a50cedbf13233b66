using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Reading;

/// <summary>The reading-to-duty rule in effect for a committee: its own row or its nearest ancestor's (<see cref="From"/>), else the defaults.</summary>
/// <param name="MonthlyMinCheckIns">Check-ins a member needs in one China calendar month (1–31).</param>
/// <param name="MonthlyMinMinutes">Minutes a member needs in that month (0–10,000).</param>
/// <param name="FeaturedNoteCounts">Whether a featured note earns <c>reading.featured</c>.</param>
/// <param name="From">Code and name of the committee whose row applies; empty for the defaults.</param>
/// <param name="FromCode">Committee code of that row; empty for the defaults.</param>
public sealed record ReadingRuleInEffect(int MonthlyMinCheckIns, int MonthlyMinMinutes, bool FeaturedNoteCounts, string From, string FromCode);

/// <summary>
/// Reading turned into duty records (书香政协 → 履职档案), through <see cref="DutyLedger.ReplaceAsync"/> only. Two sources, each
/// owned by exactly one thing so that ReplaceAsync (which replaces every record of a source/sourceId pair) never drops
/// another member's or another month's record:
/// <list type="bullet">
/// <item><c>reading.{yyyyMM}</c> / member id — one member-month: <c>reading.monthly</c> when the member's check-ins in all
/// their groups in that China calendar month reach the rule's count and minutes (occurred: noon China time on the day of
/// the check-in that met it);</item>
/// <item><c>reading.note</c> / check-in id — <c>reading.featured</c> while the note is featured and the rule counts featured
/// notes (occurred: when it was featured).</item>
/// </list>
/// The rule is the member's committee's <see cref="ReadingDutyRule"/> row or its nearest ancestor's, else 4 check-ins and
/// 120 minutes a month with featured notes counting. Callers save the context.
/// </summary>
public static class ReadingDuty
{
    /// <summary>Source of the featured-note records (source id: the check-in).</summary>
    public const string NoteSource = "reading.note";

    /// <summary>Source of a member-month's record, e.g. <c>reading.202611</c> (source id: the member).</summary>
    public static string MonthSource(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"reading.{year:D4}{month:D2}");

    /// <summary>The defaults when no committee on the path has a row: 4 check-ins, 120 minutes, featured notes count.</summary>
    public static readonly ReadingRuleInEffect Defaults = new(4, 120, true, "", "");

    /// <summary>The rule in effect for a member of the committee at <paramref name="committeePath"/>: the row with the longest path that is a prefix of it.</summary>
    public static async Task<ReadingRuleInEffect> RuleForAsync(AppDbContext db, string committeePath, CancellationToken ct)
    {
        var rows = await db.ReadingDutyRules.AsNoTracking()
            .Join(db.Committees, r => r.CommitteeId, c => c.Id, (r, c) => new { r.CommitteePath, r.MonthlyMinCheckIns, r.MonthlyMinMinutes, r.FeaturedNoteCounts, c.Name, c.Code })
            .ToListAsync(ct);
        var best = rows.Where(r => committeePath.StartsWith(r.CommitteePath, StringComparison.Ordinal)).MaxBy(r => r.CommitteePath.Length);
        return best is null ? Defaults : new(best.MonthlyMinCheckIns, best.MonthlyMinMinutes, best.FeaturedNoteCounts, best.Name, best.Code);
    }

    /// <summary>Makes the member's <c>reading.monthly</c> record of one China month agree with their saved check-ins and the rule.</summary>
    public static async Task RecomputeMonthAsync(AppDbContext db, int memberId, int year, int month, TimeProvider clock, CancellationToken ct)
    {
        var path = await db.Members.Where(m => m.Id == memberId).Select(m => m.CommitteePath).FirstOrDefaultAsync(ct);
        if (path is null) return;
        await LockMonthAsync(db, memberId, year, month, ct);
        var rule = await RuleForAsync(db, path, ct);
        var first = new DateOnly(year, month, 1);
        var last = first.AddMonths(1).AddDays(-1);
        var rows = await db.ReadingCheckIns.AsNoTracking().Where(c => c.MemberId == memberId && c.Day >= first && c.Day <= last)
            .Select(c => new { c.Id, c.Day, c.Minutes, c.CreatedAt }).ToListAsync(ct);
        rows = rows.OrderBy(c => c.Day).ThenBy(c => c.CreatedAt).ThenBy(c => c.Id).ToList();
        var events = new List<DutyEvent>();
        int count = 0, minutes = 0;
        foreach (var c in rows)
        {
            count++;
            minutes += c.Minutes;
            if (count < rule.MonthlyMinCheckIns || minutes < rule.MonthlyMinMinutes) continue;
            var total = rows.Sum(r => r.Minutes);
            events.Add(new DutyEvent(memberId, "reading.monthly", MonthSource(year, month), memberId,
                $"书香政协读书打卡达标（{year}年{month}月）",
                $"本月打卡 {rows.Count} 次，阅读 {total} 分钟；本会要求每月至少 {rule.MonthlyMinCheckIns} 次、{rule.MonthlyMinMinutes} 分钟。",
                ChinaTime.StartOf(c.Day).AddHours(12)));
            break;
        }
        await DutyLedger.ReplaceAsync(db, MonthSource(year, month), memberId, events, clock, ct);
    }

    /// <summary>
    /// PostgreSQL: takes the transaction-scoped advisory lock of one member-month (keys: yyyyMM and the member id) so that
    /// two check-ins of the same member at once (a double tap, two groups) recompute one after the other and the second
    /// counts the first (read committed: its next statement sees the first one's committed check-in and record). Without it
    /// both could count only their own check-in and miss a threshold they reach together. Released at commit or rollback;
    /// callers run in a transaction. SQLite needs none: its write transactions are serialised by the database lock.
    /// </summary>
    private static async Task LockMonthAsync(AppDbContext db, int memberId, int year, int month, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql() || db.Database.CurrentTransaction is null) return;
        var key = year * 100 + month;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key}, {memberId})", ct);
    }

    /// <summary>Makes the <c>reading.featured</c> record of check-in <paramref name="c"/> agree with its featured state and the rule (none when deleted).</summary>
    public static async Task RecomputeNoteAsync(AppDbContext db, ReadingCheckIn c, bool deleted, TimeProvider clock, CancellationToken ct)
    {
        var events = new List<DutyEvent>();
        if (!deleted && c.FeaturedAt is { } at && c.Note.Length > 0)
        {
            var path = await db.Members.Where(m => m.Id == c.MemberId).Select(m => m.CommitteePath).FirstAsync(ct);
            if ((await RuleForAsync(db, path, ct)).FeaturedNoteCounts)
                events.Add(new DutyEvent(c.MemberId, "reading.featured", NoteSource, c.Id, $"读书笔记获领读人精选：《{c.Book}》",
                    string.Create(CultureInfo.InvariantCulture, $"{c.Day:yyyy-MM-dd} 读书打卡的笔记被精选。"), at));
        }
        await DutyLedger.ReplaceAsync(db, NoteSource, c.Id, events, clock, ct);
    }

    /// <summary>
    /// After the rule of the committee at <paramref name="path"/> changed: recomputes, for every member in that subtree,
    /// each month of <paramref name="year"/> with check-ins or a reading record, and every featured note of the year.
    /// </summary>
    public static async Task RecomputeCommitteeYearAsync(AppDbContext db, string path, int year, TimeProvider clock, CancellationToken ct)
    {
        var first = new DateOnly(year, 1, 1);
        var last = new DateOnly(year, 12, 31);
        var members = db.Members.Where(m => m.CommitteePath.StartsWith(path)).Select(m => m.Id);
        var months = (await db.ReadingCheckIns.AsNoTracking().Where(c => c.Day >= first && c.Day <= last && members.Contains(c.MemberId))
            .Select(c => new { c.MemberId, c.Day }).ToListAsync(ct))
            .Select(c => (c.MemberId, c.Day.Month)).ToHashSet();
        var prefix = string.Create(CultureInfo.InvariantCulture, $"reading.{year:D4}");
        foreach (var r in await db.DutyRecords.AsNoTracking().Where(r => r.Source.StartsWith(prefix) && members.Contains(r.MemberId))
                     .Select(r => new { r.MemberId, r.Source }).ToListAsync(ct))
            if (int.TryParse(r.Source.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 12) months.Add((r.MemberId, m));
        foreach (var (memberId, month) in months.OrderBy(x => x.MemberId).ThenBy(x => x.Month))
            await RecomputeMonthAsync(db, memberId, year, month, clock, ct);
        var notes = await db.ReadingCheckIns.Where(c => c.Day >= first && c.Day <= last && c.FeaturedAt != null && members.Contains(c.MemberId)).ToListAsync(ct);
        foreach (var c in notes) await RecomputeNoteAsync(db, c, false, clock, ct);
    }
}
