using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Reading;

/// <summary>A group in a list: id, name, committee code and name, sector name (empty for committee-wide), leader, member count, closed, check-ins in the last 30 days.</summary>
public sealed record ReadingGroupListItem(int Id, string Name, string CommitteeCode, string CommitteeName, string SectorName, string LeaderName, int MemberCount, bool IsClosed, int RecentCheckIns);

/// <summary>A member as shown in a group: id, name, sector name.</summary>
public sealed record ReadingPerson(int Id, string Name, string Sector);

/// <summary>A book of the plan (<c>from</c>/<c>to</c> China dates) or the shared list; <c>addedBy</c> the member's name or 工作人员; <c>canRemove</c> for the viewer.</summary>
public sealed record ReadingBookDto(int Id, string Title, string Author, string Recommendation, DateOnly? From, DateOnly? To, string AddedBy, bool CanRemove);

/// <summary>
/// A group's detail: the group, its committee and sector, leader, members in stroke order (按姓氏笔画), the plan (by
/// period) and the shared book list, and what the viewer may do (<c>isMember</c>: check in; <c>canLead</c>: plan and
/// feature; <c>canManage</c>: edit and close; <c>canComment</c>).
/// </summary>
public sealed record ReadingGroupDetail(int Id, string Name, string Description, string CommitteeCode, string CommitteeName, int? SectorId, string SectorName,
    bool IsClosed, ReadingPerson Leader, List<ReadingPerson> Members, List<ReadingBookDto> Plan, List<ReadingBookDto> Books,
    bool IsMember, bool IsLeader, bool CanLead, bool CanManage, bool CanComment);

/// <summary>A comment: author name, text, when (UTC).</summary>
public sealed record ReadingCommentDto(int Id, string AuthorName, string Text, DateTimeOffset CreatedAt);

/// <summary>
/// A check-in in the feed: member, book (matched <c>bookId</c> or null), progress, minutes, finished, note (sanitised HTML),
/// China day, featured, comments, and what the viewer may do with it.
/// </summary>
public sealed record ReadingCheckInDto(int Id, int MemberId, string MemberName, int? BookId, string Book, string Progress, int Minutes, bool Finished, string Note,
    DateOnly Day, DateTimeOffset CreatedAt, bool Featured, List<ReadingCommentDto> Comments, bool CanDelete, bool CanFeature);

/// <summary>One ISO week (Monday-first, China time) of a group's stats: <c>week</c> like 2026-W48, its Monday, check-ins and minutes.</summary>
public sealed record ReadingWeek(string Week, DateOnly Monday, int CheckIns, int Minutes);

/// <summary>A top reader: member, minutes and check-ins over the group's whole history.</summary>
public sealed record ReadingTopReader(int MemberId, string Name, int Minutes, int CheckIns);

/// <summary>
/// A group's statistics: <c>members</c>; <c>activeReaders</c> (members with at least one check-in in the last 30 China days,
/// today included); the last 12 ISO weeks, oldest first, weeks without check-ins included; <c>booksFinished</c> (distinct
/// member + book marked finished); <c>featuredNotes</c>; totals; top readers by minutes (at most 5).
/// </summary>
public sealed record ReadingStats(int Members, int ActiveReaders, List<ReadingWeek> Weeks, int BooksFinished, int FeaturedNotes, int TotalCheckIns, int TotalMinutes, List<ReadingTopReader> TopReaders);

/// <summary>A month of a member's reading: <c>month</c> yyyy-MM, check-ins, minutes.</summary>
public sealed record ReadingMonth(string Month, int CheckIns, int Minutes);

/// <summary>A reading duty record of the member: title, rule code, points, China day.</summary>
public sealed record ReadingDutyLine(string Title, string RuleCode, decimal Points, DateOnly Day);

/// <summary>One of the member's check-ins with its group.</summary>
public sealed record ReadingMyCheckIn(ReadingCheckInDto CheckIn, int GroupId, string GroupName);

/// <summary>A member's reading of a year: groups, months, books finished, recent check-ins, their reading duty records.</summary>
public sealed record MyReading(int Year, List<ReadingGroupListItem> Groups, List<ReadingMonth> Months, List<string> BooksFinished, List<ReadingMyCheckIn> Recent, List<ReadingDutyLine> Duty);

/// <summary>Read models of the reading programme; callers have checked <see cref="ReadingAccess"/>.</summary>
public static class ReadingQueries
{
    /// <summary>The groups in <paramref name="q"/> (already filtered by <see cref="ReadingAccess.VisibleTo"/>), open ones first, then by committee and name.</summary>
    public static async Task<List<ReadingGroupListItem>> ListAsync(AppDbContext db, IQueryable<ReadingGroup> q, TimeProvider clock, CancellationToken ct)
    {
        var since = ReadingRules.Today(clock).AddDays(-29);
        var rows = await q.AsNoTracking().OrderBy(g => g.IsClosed).ThenBy(g => g.CommitteePath).ThenBy(g => g.Name).Take(500)
            .Select(g => new
            {
                g.Id, g.Name, g.Committee!.Code, CommitteeName = g.Committee.Name,
                Sector = db.Sectors.Where(s => s.Id == g.SectorId).Select(s => s.Name).FirstOrDefault(),
                LeaderName = g.Leader!.Name, Count = g.Members.Count, g.IsClosed,
                Recent = db.ReadingCheckIns.Count(c => c.GroupId == g.Id && c.Day >= since),
            }).ToListAsync(ct);
        return rows.Select(r => new ReadingGroupListItem(r.Id, r.Name, r.Code, r.CommitteeName, r.Sector ?? "", r.LeaderName, r.Count, r.IsClosed, r.Recent)).ToList();
    }

    /// <summary>The detail of <paramref name="g"/> for <paramref name="user"/>.</summary>
    public static async Task<ReadingGroupDetail> DetailAsync(AppDbContext db, ReadingGroup g, CurrentUser user, CancellationToken ct)
    {
        var committee = await db.Committees.AsNoTracking().Where(c => c.Id == g.CommitteeId).Select(c => new { c.Code, c.Name }).FirstAsync(ct);
        var sector = g.SectorId is { } sid ? await db.Sectors.Where(s => s.Id == sid).Select(s => s.Name).FirstAsync(ct) : "";
        var ids = g.Members.Select(m => m.MemberId).Append(g.LeaderId).Distinct().ToList();
        var people = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.Name, m.StrokeKey, Sector = m.Sector!.Name }).ToListAsync(ct);
        var byId = people.ToDictionary(p => p.Id, p => new ReadingPerson(p.Id, p.Name, p.Sector));
        var members = people.Where(p => g.Members.Any(m => m.MemberId == p.Id)).OrderBy(p => p.StrokeKey, StringComparer.Ordinal).ThenBy(p => p.Id)
            .Select(p => byId[p.Id]).ToList();
        var canLead = ReadingAccess.CanLead(user, g);
        var books = await db.ReadingBooks.AsNoTracking().Where(b => b.GroupId == g.Id).ToListAsync(ct);
        var adders = books.Where(b => b.AddedByMemberId is not null).Select(b => b.AddedByMemberId!.Value).Distinct().ToList();
        var adderNames = await db.Members.Where(m => adders.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        ReadingBookDto Dto(ReadingBook b) => new(b.Id, b.Title, b.Author, b.Recommendation, b.PlanFrom, b.PlanTo,
            b.AddedByMemberId is { } a ? adderNames.GetValueOrDefault(a, "") : "工作人员",
            canLead || (user.IsMember && user.MemberId is { } mid && b.AddedByMemberId == mid));
        return new ReadingGroupDetail(g.Id, g.Name, g.Description, committee.Code, committee.Name, g.SectorId, sector, g.IsClosed,
            byId.GetValueOrDefault(g.LeaderId) ?? new ReadingPerson(g.LeaderId, "", ""), members,
            books.Where(b => b.InPlan).OrderBy(b => b.PlanFrom).ThenBy(b => b.Id).Select(Dto).ToList(),
            books.Where(b => !b.InPlan).OrderByDescending(b => b.AddedAt).ThenByDescending(b => b.Id).Select(Dto).ToList(),
            ReadingAccess.IsMember(user, g), ReadingAccess.IsLeader(user, g), canLead, ReadingAccess.CanManage(user, g),
            ReadingAccess.IsMember(user, g) || ReadingAccess.CanManage(user, g));
    }

    /// <summary>
    /// Check-ins of <paramref name="q"/>, newest reading day first, with comments (oldest first), at most
    /// <paramref name="take"/>; <paramref name="g"/> (when given) decides what the viewer may do.
    /// </summary>
    public static async Task<List<ReadingCheckInDto>> CheckInsAsync(AppDbContext db, IQueryable<ReadingCheckIn> q, ReadingGroup? g, CurrentUser user, TimeProvider clock, int take, CancellationToken ct)
    {
        var rows = await q.AsNoTracking().OrderByDescending(c => c.Day).ThenByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(take)
            .Select(c => new { c, Name = c.Member!.Name }).ToListAsync(ct);
        var ids = rows.Select(r => r.c.Id).ToList();
        var comments = (await db.ReadingComments.AsNoTracking().Where(x => ids.Contains(x.CheckInId)).ToListAsync(ct))
            .OrderBy(x => x.CreatedAt).ThenBy(x => x.Id).ToLookup(x => x.CheckInId);
        var today = ReadingRules.Today(clock);
        var canLead = g is not null && ReadingAccess.CanLead(user, g);
        return rows.Select(r => new ReadingCheckInDto(r.c.Id, r.c.MemberId, r.Name, r.c.BookId, r.c.Book, r.c.Progress, r.c.Minutes, r.c.Finished, r.c.Note, r.c.Day,
            r.c.CreatedAt, r.c.FeaturedAt is not null, comments[r.c.Id].Select(x => new ReadingCommentDto(x.Id, x.AuthorName, x.Text, x.CreatedAt)).ToList(),
            user.IsMember && user.MemberId == r.c.MemberId && ChinaTime.DayOf(r.c.CreatedAt) == today,
            canLead && r.c.Note.Length > 0)).ToList();
    }

    /// <summary>The ISO week label of a day, e.g. <c>2026-W48</c>.</summary>
    public static string WeekOf(DateOnly day)
    {
        var dt = day.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(dt)}-W{ISOWeek.GetWeekOfYear(dt):D2}");
    }

    /// <summary>The statistics of group <paramref name="g"/> (China time; today from <paramref name="clock"/>).</summary>
    public static async Task<ReadingStats> StatsAsync(AppDbContext db, ReadingGroup g, TimeProvider clock, CancellationToken ct)
    {
        var today = ReadingRules.Today(clock);
        var firstMonday = ChinaTime.MondayOf(today).AddDays(-7 * 11);
        var memberIds = g.Members.Select(m => m.MemberId).ToHashSet();
        var all = await db.ReadingCheckIns.AsNoTracking().Where(c => c.GroupId == g.Id)
            .Select(c => new { c.MemberId, c.Day, c.Minutes, c.Finished, c.BookId, c.Book, Featured = c.FeaturedAt != null, Name = c.Member!.Name }).ToListAsync(ct);
        var since = today.AddDays(-29);
        var active = all.Where(c => c.Day >= since && c.Day <= today && memberIds.Contains(c.MemberId)).Select(c => c.MemberId).Distinct().Count();
        var weeks = Enumerable.Range(0, 12).Select(i =>
        {
            var monday = firstMonday.AddDays(7 * i);
            var inWeek = all.Where(c => c.Day >= monday && c.Day < monday.AddDays(7)).ToList();
            return new ReadingWeek(WeekOf(monday), monday, inWeek.Count, inWeek.Sum(c => c.Minutes));
        }).ToList();
        var finished = all.Where(c => c.Finished).Select(c => (c.MemberId, c.BookId is { } b ? "#" + b.ToString(CultureInfo.InvariantCulture) : ReadingRules.TitleKey(c.Book))).Distinct().Count();
        var top = all.GroupBy(c => c.MemberId).Select(x => new ReadingTopReader(x.Key, x.First().Name, x.Sum(c => c.Minutes), x.Count()))
            .OrderByDescending(x => x.Minutes).ThenByDescending(x => x.CheckIns).ThenBy(x => x.MemberId).Take(5).ToList();
        return new ReadingStats(memberIds.Count, active, weeks, finished, all.Count(c => c.Featured), all.Count, all.Sum(c => c.Minutes), top);
    }

    /// <summary>The reading of member <paramref name="memberId"/> in <paramref name="year"/> (China calendar), with the groups the viewer may see.</summary>
    public static async Task<MyReading> MineAsync(AppDbContext db, int memberId, int year, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var groups = await ListAsync(db, db.ReadingGroups.Where(g => g.Members.Any(m => m.MemberId == memberId)).VisibleTo(user), clock, ct);
        var first = new DateOnly(year, 1, 1);
        var last = new DateOnly(year, 12, 31);
        var rows = await db.ReadingCheckIns.AsNoTracking().Where(c => c.MemberId == memberId && c.Day >= first && c.Day <= last)
            .Select(c => new { c.Day, c.Minutes, c.Finished, c.Book }).ToListAsync(ct);
        var months = rows.GroupBy(c => c.Day.Month).OrderBy(x => x.Key)
            .Select(x => new ReadingMonth(string.Create(CultureInfo.InvariantCulture, $"{year}-{x.Key:D2}"), x.Count(), x.Sum(c => c.Minutes))).ToList();
        var finished = rows.Where(c => c.Finished).OrderBy(c => c.Day).Select(c => c.Book).DistinctBy(ReadingRules.TitleKey).ToList();
        var groupNames = await db.ReadingGroups.Where(g => g.Members.Any(m => m.MemberId == memberId)).ToDictionaryAsync(g => g.Id, g => g.Name, ct);
        var recentQ = db.ReadingCheckIns.Where(c => c.MemberId == memberId);
        var recent = await CheckInsAsync(db, recentQ, null, user, clock, 30, ct);
        var groupOf = await recentQ.OrderByDescending(c => c.Id).Take(200).ToDictionaryAsync(c => c.Id, c => c.GroupId, ct);
        var duty = (await db.DutyRecords.AsNoTracking()
                .Where(r => r.MemberId == memberId && r.Year == year && (r.RuleCode == "reading.monthly" || r.RuleCode == "reading.featured"))
                .Select(r => new { r.Title, r.RuleCode, r.Points, r.OccurredAt }).ToListAsync(ct))
            .OrderBy(r => r.OccurredAt).Select(r => new ReadingDutyLine(r.Title, r.RuleCode, r.Points, ChinaTime.DayOf(r.OccurredAt))).ToList();
        return new MyReading(year, groups, months, finished,
            recent.Select(c => groupOf.TryGetValue(c.Id, out var gid) ? new ReadingMyCheckIn(c, gid, groupNames.GetValueOrDefault(gid, "")) : new ReadingMyCheckIn(c, 0, "")).ToList(), duty);
    }
}
