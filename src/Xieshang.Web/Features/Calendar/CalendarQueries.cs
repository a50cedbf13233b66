using Xieshang.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Calendar;

/// <summary>How the calendar page shows a period: a month grid (Monday first), a week of seven columns, or a list of upcoming days.</summary>
public enum CalendarView
{
    Month,
    Week,
    List,
}

/// <summary>
/// One activity as a calendar shows it. <c>Organizers</c> names the organising committees, lead first (a joint activity
/// has several); <c>Response</c> and <c>Leave</c> are the viewing member's answer and the decision on their leave request
/// (null in a committee calendar).
/// </summary>
public sealed record CalendarEntry(
    int Id, string Title, ActivityType Type, ActivityStatus Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string Place, string OnlineLink, bool Mandatory, DateTimeOffset? OriginalStartsAt, string CancelReason, DateTimeOffset UpdatedAt,
    IReadOnlyList<string> Organizers, InvitationResponse? Response, LeaveDecision? Leave)
{
    /// <summary>China day of the start.</summary>
    public DateOnly FirstDay => ChinaTime.DayOf(StartsAt);

    /// <summary>China day of the end; an activity ending exactly at midnight does not reach into the next day.</summary>
    public DateOnly LastDay => EndsAt > StartsAt ? ChinaTime.DayOf(EndsAt.AddTicks(-1)) : FirstDay;

    /// <summary>True when the activity takes place (at least partly) on <paramref name="day"/>.</summary>
    public bool IsOn(DateOnly day) => FirstDay <= day && day <= LastDay;

    /// <summary>Type name, e.g. 常委会议.</summary>
    public string TypeName => ActivityTypes.Name(Type);

    /// <summary>Where it takes place: the place, else the online link.</summary>
    public string Where => Place.Length > 0 ? Place : OnlineLink;
}

/// <summary>
/// Whose calendar: a member's own (the activities they are invited to) or a committee's (the activities it
/// organises — as lead or joint organiser — and the published ones its members are invited to; with
/// <see cref="IncludeBelow"/> the same for every committee below it).
/// </summary>
public sealed record CalendarSubject(int? MemberId, string? CommitteePath, bool IncludeBelow)
{
    /// <summary>A member's own calendar.</summary>
    public static CalendarSubject Member(int memberId) => new(memberId, null, false);

    /// <summary>A committee's calendar.</summary>
    public static CalendarSubject Committee(string path, bool includeBelow) => new(null, path, includeBelow);
}

/// <summary>The calendar queries. Every one starts from <see cref="ActivityAccess.VisibleTo"/>: the viewer never gets more than the scope rule allows.</summary>
public static class CalendarQueries
{
    /// <summary>Most entries one calendar page shows (a month of a busy province stays far below it).</summary>
    public const int MaxEntries = 500;

    /// <summary>
    /// The activities of <paramref name="subject"/> that <paramref name="viewer"/> may see and that overlap
    /// [<paramref name="from"/>, <paramref name="to"/>), ordered by start; at most <paramref name="take"/>.
    /// </summary>
    public static async Task<List<CalendarEntry>> EntriesAsync(AppDbContext db, CurrentUser viewer, CalendarSubject subject,
        DateTimeOffset from, DateTimeOffset to, int take = MaxEntries, CancellationToken ct = default)
    {
        // Instants go to the database in UTC (PostgreSQL's timestamptz takes no other offset).
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        var q = db.Activities.AsNoTracking().VisibleTo(db, viewer);
        if (subject.MemberId is { } mid)
        {
            q = q.Where(a => a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.MemberId == mid));
        }
        else if (subject.CommitteePath is { } p)
        {
            // A committee's calendar: what it organises (lead or joint, ActivityOrganizer), and what its members are invited to once published.
            q = subject.IncludeBelow
                ? q.Where(a => db.ActivityOrganizers.Any(o => o.ActivityId == a.Id && o.CommitteePath.StartsWith(p))
                    || (a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.CommitteePath.StartsWith(p))))
                : q.Where(a => db.ActivityOrganizers.Any(o => o.ActivityId == a.Id && o.CommitteePath == p)
                    || (a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.CommitteePath == p)));
        }
        else
        {
            return [];
        }

        var rows = await q.Where(a => a.StartsAt < to && a.EndsAt > from)
            .OrderBy(a => a.StartsAt).ThenBy(a => a.Id).Take(take)
            .Select(a => new
            {
                a.Id, a.Title, a.Type, a.Status, a.StartsAt, a.EndsAt, a.Place, a.OnlineLink, a.Mandatory, a.OriginalStartsAt, a.CancelReason, a.UpdatedAt,
            })
            .ToListAsync(ct);
        if (rows.Count == 0) return [];

        var ids = rows.Select(r => r.Id).ToList();
        var organizers = (await db.ActivityOrganizers.AsNoTracking().Where(o => ids.Contains(o.ActivityId))
                .Select(o => new { o.ActivityId, o.SortOrder, o.Committee!.Name }).ToListAsync(ct))
            .GroupBy(o => o.ActivityId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.OrderBy(o => o.SortOrder).Select(o => o.Name).ToList());
        var answers = subject.MemberId is { } member
            ? await db.Invitations.AsNoTracking().Where(i => i.MemberId == member && ids.Contains(i.ActivityId))
                .ToDictionaryAsync(i => i.ActivityId, i => (i.Response, i.LeaveDecision), ct)
            : new Dictionary<int, (InvitationResponse Response, LeaveDecision LeaveDecision)>();

        return rows.Select(r => new CalendarEntry(r.Id, r.Title, r.Type, r.Status, r.StartsAt, r.EndsAt, r.Place, r.OnlineLink, r.Mandatory,
                r.OriginalStartsAt, r.CancelReason, r.UpdatedAt, organizers.GetValueOrDefault(r.Id) ?? [],
                answers.TryGetValue(r.Id, out var a) ? a.Response : null, answers.TryGetValue(r.Id, out var b) ? b.LeaveDecision : null))
            .ToList();
    }

    /// <summary>
    /// The account as the member it is linked to, for the member's own calendar and feed: <see cref="ActivityAccess.VisibleTo"/>
    /// then applies the member rule (published activities the member is invited to) even to a staff account with a member link.
    /// </summary>
    public static CurrentUser AsMember(int memberId, string userName = "") =>
        new(userName, new HashSet<string> { Roles.Member }, null, null, null, memberId);
}
