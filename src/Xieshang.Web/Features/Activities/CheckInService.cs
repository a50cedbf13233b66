using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Components.Shared;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Activities;

/// <summary>The one check-in of a member at an activity: <c>{memberId, name, at, method: "qr"|"desk", late}</c>.</summary>
public sealed record CheckInRecord(int MemberId, string Name, DateTimeOffset At, string Method, bool Late);

/// <summary>The current QR code of an activity: the token, the absolute check-in URL that carries it, and when the screen shows the next one.</summary>
public sealed record CheckInCode(string Token, string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// A refusal: HTTP status, a stable code (<c>expired</c>, <c>invalid</c>, <c>ended</c>, <c>not-open</c>, <c>cancelled</c>,
/// <c>draft</c>, <c>not-member</c>, <c>not-invited</c>, <c>out-of-scope</c>, <c>inactive</c>, <c>member-required</c>,
/// <c>member-not-found</c>, <c>forbidden</c>, <c>not-found</c>, <c>query-too-long</c>) the pages translate, and a Chinese message for the API.
/// </summary>
public sealed record CheckInError(int Status, string Code, string Message);

/// <summary>A value or a refusal.</summary>
public readonly record struct CheckInOutcome<T>(T? Value, CheckInError? Error)
{
    public static implicit operator CheckInOutcome<T>(CheckInError error) => new(default, error);
}

/// <summary>
/// A member found at the desk: on the invitation list (<c>invited</c>), or a walk-in candidate (<c>invited=false</c>: an
/// active member of an organising committee's scope whom checking in adds to the list). <c>phone</c> is masked unless
/// the desk account manages the member; <c>checkIn</c> is null until they check in.
/// </summary>
public sealed record CheckInCandidate(int MemberId, string Name, string Committee, string Sector, string Phone, bool Invited, bool WalkIn, CheckInRecord? CheckIn);

/// <summary>
/// Counts of an attendance board: <c>expected</c> (应到: everyone on the list, walk-ins included), <c>checkedIn</c> (实到),
/// <c>onLeave</c> (请假: leave granted and not checked in), <c>absent</c> (未到 so far: the rest), <c>late</c>, <c>walkIns</c>.
/// </summary>
public sealed record BoardCounts(int Expected, int CheckedIn, int OnLeave, int Absent, int Late, int WalkIns);

/// <summary>One line of the board by committee (<c>key</c> = committee code) or by sector (<c>key</c> = sector name).</summary>
public sealed record BoardGroup(string Key, string Name, BoardCounts Counts);

/// <summary>A recent check-in on the board.</summary>
public sealed record BoardCheckIn(int MemberId, string Name, string Committee, string Sector, DateTimeOffset At, string Method, bool Late);

/// <summary>
/// The live attendance board of an activity. <c>partial</c> is true when the viewer's scope does not contain an organiser
/// (a district office looking at the city's activity): the board then counts only the invitees of the viewer's scope.
/// </summary>
public sealed record AttendanceBoard(
    int ActivityId, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Place, bool Partial, BoardCounts Totals,
    IReadOnlyList<BoardGroup> ByCommittee, IReadOnlyList<BoardGroup> BySector, IReadOnlyList<BoardCheckIn> Recent);

/// <summary>
/// Check-in rules in one place (DOMAIN.md §4.1, issue 3 §3): the rotating QR code, a member's scan, the desk, the desk
/// search and the attendance board. Every method checks who may do it and returns a value or a <see cref="CheckInError"/>;
/// the API and the pages only translate. Check-in is idempotent: the unique index on (activity, member) decides races,
/// and a losing insert returns the row that won, so two scans, or a scan and the desk, leave one check-in whose method is
/// the first one's.
/// </summary>
public sealed class CheckInService(AppDbContext db, TimeProvider clock, IOptions<ActivityOptions> activityOptions,
    IOptions<CheckInOptions> options, IOptions<PublicUrlOptions> publicUrl)
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Longest desk search text.</summary>
    public const int MaxQueryLength = 50;

    /// <summary>Most results of a desk search.</summary>
    public const int SearchLimit = 20;

    /// <summary>How many recent check-ins the board lists.</summary>
    public const int RecentCount = 20;

    /// <summary>Seconds between two tokens.</summary>
    public int RotationSeconds => activityOptions.Value.CheckInRotationSeconds;

    /// <summary>Seconds the previous token stays valid.</summary>
    public int GraceSeconds => activityOptions.Value.CheckInGraceSeconds;

    /// <summary>Now, from the injected clock.</summary>
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>When check-in of <paramref name="a"/> opens (<see cref="CheckInOptions.CheckInOpensMinutesBefore"/> before the start).</summary>
    public DateTimeOffset OpensAt(Activity a) => a.StartsAt.AddMinutes(-options.Value.CheckInOpensMinutesBefore);

    /// <summary><c>09:02</c>, Beijing time (committees work on Beijing time whatever the server's zone).</summary>
    public static string ClockTime(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Beijing).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The activity (untracked), or null.</summary>
    public Task<Activity?> FindAsync(int activityId, CancellationToken ct = default) =>
        db.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == activityId, ct);

    /// <summary>True when <paramref name="user"/> runs check-in of the activity (staff of an organiser or above, administrators).</summary>
    public Task<bool> CanManageAsync(int activityId, CurrentUser user, CancellationToken ct = default) =>
        ActivityAccess.CanManageAsync(db, user, activityId, ct);

    /// <summary>True when <paramref name="user"/> sees the activity (<see cref="ActivityAccess.CanSeeAsync"/>).</summary>
    public Task<bool> CanSeeAsync(int activityId, CurrentUser user, CancellationToken ct = default) =>
        ActivityAccess.CanSeeAsync(db, user, activityId, ct);

    /// <summary>Why check-in of <paramref name="a"/> is closed at <paramref name="now"/>, or null when it is open.</summary>
    public CheckInError? ClosedReason(Activity a, DateTimeOffset now) => a.Status switch
    {
        ActivityStatus.Draft => new(409, "draft", "活动尚未发布，不能签到。"),
        ActivityStatus.Cancelled => new(409, "cancelled", "活动已取消，不能签到。"),
        _ when now >= a.EndsAt => new(409, "ended", "签到已结束：活动已于 " + Format.Time(a.EndsAt) + " 结束。"),
        _ when now < OpensAt(a) => new(409, "not-open", "签到尚未开始，将于 " + Format.Time(OpensAt(a)) + " 开放。"),
        _ => null,
    };

    /// <summary><c>GET /api/activities/{id}/checkin-code</c>: the current token for the staff screen.</summary>
    public async Task<CheckInOutcome<CheckInCode>> CodeAsync(int activityId, CurrentUser user, CancellationToken ct = default)
    {
        var a = await FindAsync(activityId, ct);
        if (a is null) return NotFound;
        if (!await CanManageAsync(a.Id, user, ct)) return Forbidden;
        var now = Now;
        if (ClosedReason(a, now) is { } closed) return closed;
        var key = await KeyAsync(a, ct);
        var (token, windowEnds) = CheckInTokens.Issue(a.Id, key, now, RotationSeconds);
        var url = publicUrl.Value.Absolute($"/checkin/{a.Id}?t={Uri.EscapeDataString(token)}");
        return new CheckInOutcome<CheckInCode>(new CheckInCode(token, url, windowEnds < a.EndsAt ? windowEnds : a.EndsAt), null);
    }

    /// <summary>
    /// Why the signed-in member cannot check in with <paramref name="token"/> now, or null when a scan would succeed (or has
    /// already: an existing check-in is not an error). The phone page asks before it shows the button; nothing is written.
    /// </summary>
    public async Task<CheckInError?> ScanErrorAsync(Activity a, CurrentUser user, string? token, CancellationToken ct = default)
    {
        if (user.MemberId is not { } memberId) return new(403, "not-member", "只有委员账号可以扫码签到；工作人员请在签到台为委员签到。");
        if (!await db.Invitations.AnyAsync(i => i.ActivityId == a.Id && i.MemberId == memberId, ct))
            return new(403, "not-invited", "您不在本次活动的邀请名单中。如需参加，请到签到台联系工作人员。");
        var now = Now;
        var check = CheckInTokens.Check(a.Id, a.CheckInKey, token, now, RotationSeconds, GraceSeconds);
        // A member already checked in gets their record back for a genuine code of this activity, even an expired one
        // (a second scan of an old photo); a forged, foreign or missing code is refused whatever happened before.
        if (check is TokenCheck.Valid or TokenCheck.Expired && await db.CheckIns.AnyAsync(c => c.ActivityId == a.Id && c.MemberId == memberId, ct)) return null;
        if (check is TokenCheck.Valid or TokenCheck.Expired && ClosedReason(a, now) is { } closed) return closed;
        return check switch
        {
            TokenCheck.Valid => null,
            TokenCheck.Expired => new(400, "expired", "二维码已过期，请重新扫描签到屏幕上的二维码。"),
            _ when string.IsNullOrWhiteSpace(token) => new(400, "invalid", "缺少签到码：请扫描签到屏幕上的二维码。"),
            _ => new(400, "invalid", "二维码无效：请扫描本次活动签到屏幕上的二维码。"),
        };
    }

    /// <summary><c>POST /api/activities/{id}/checkin</c>: the signed-in member checks in with the token of the QR code.</summary>
    public async Task<CheckInOutcome<CheckInRecord>> ScanAsync(int activityId, CurrentUser user, string? token, CancellationToken ct = default)
    {
        var a = await FindAsync(activityId, ct);
        if (a is null) return NotFound;
        if (await ScanErrorAsync(a, user, token, ct) is { } error) return error;
        return new(await InsertAsync(a, user.MemberId!.Value, CheckInMethod.Qr, user.UserName, ct), null);
    }

    /// <summary>
    /// <c>POST /api/activities/{id}/checkin/desk</c>: staff check a member in. An invitee, or a walk-in: an active member
    /// of an organising committee's scope that is also the desk account's own scope, who is then added to the list
    /// (<see cref="Invitation.WalkIn"/>). A member already checked in gets their existing record, whatever the time.
    /// </summary>
    public async Task<CheckInOutcome<CheckInRecord>> DeskAsync(int activityId, CurrentUser user, int? memberId, CancellationToken ct = default)
    {
        var a = await FindAsync(activityId, ct);
        if (a is null) return NotFound;
        if (!await CanManageAsync(a.Id, user, ct)) return Forbidden;
        if (memberId is not { } mid) return new CheckInError(400, "member-required", "请指定要签到的委员（memberId）。");
        var m = await db.Members.AsNoTracking().FirstOrDefaultAsync(x => x.Id == mid, ct);
        if (m is null) return new CheckInError(404, "member-not-found", "未找到该委员。");
        if (await ExistingAsync(a.Id, mid, ct) is { } existing) return new(existing, null);
        if (ClosedReason(a, Now) is { } closed) return closed;
        if (!await db.Invitations.AnyAsync(i => i.ActivityId == a.Id && i.MemberId == mid, ct))
        {
            if (!await WalkInAllowedAsync(a.Id, user, m, ct))
                return new CheckInError(403, "out-of-scope", $"{m.Name} 不在本次活动邀请名单中，也不属于主办政协的范围，不能现场签到。");
            if (!m.IsActive) return new CheckInError(400, "inactive", $"{m.Name} 已停用，不能现场签到。");
            db.Invitations.Add(new Invitation
            {
                ActivityId = a.Id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId, WalkIn = true,
            });
            await SaveOrLoseRaceAsync(ct); // another desk added the same walk-in meanwhile: one invitation either way
        }
        return new(await InsertAsync(a, mid, CheckInMethod.Desk, user.UserName, ct), null);
    }

    /// <summary>
    /// <c>GET /api/activities/{id}/checkin/search?q=</c>: invitees, then walk-in candidates, matching the name, pinyin
    /// initials (<c>zs</c>) or full pinyin (by prefix), or the phone number (digits, at least 3; only members whose contacts
    /// the desk account sees). Empty text gives an empty list.
    /// </summary>
    public async Task<CheckInOutcome<IReadOnlyList<CheckInCandidate>>> SearchAsync(int activityId, CurrentUser user, string? q, CancellationToken ct = default)
    {
        var a = await FindAsync(activityId, ct);
        if (a is null) return NotFound;
        if (!await CanManageAsync(a.Id, user, ct)) return Forbidden;
        var text = ChineseText.NormalizeName(q);
        if (text.Length > MaxQueryLength) return new CheckInError(400, "query-too-long", $"搜索内容过长（最多 {MaxQueryLength} 个字符）。");
        if (text.Length == 0) return new(Array.Empty<CheckInCandidate>(), null);

        var id = a.Id;
        var invitees = Matching(db.Members.Where(m => db.Invitations.Any(i => i.ActivityId == id && i.MemberId == m.Id)), text, user);
        var walkIns = Matching(db.Members.VisibleTo(user).Where(m => m.IsActive
            && !db.Invitations.Any(i => i.ActivityId == id && i.MemberId == m.Id)
            && db.ActivityOrganizers.Any(o => o.ActivityId == id && m.CommitteePath.StartsWith(o.CommitteePath))), text, user);
        var found = await Rows(invitees).Take(SearchLimit).ToListAsync(ct);
        if (found.Count < SearchLimit) found.AddRange(await Rows(walkIns).Take(SearchLimit - found.Count).ToListAsync(ct));

        var ids = found.Select(r => r.Id).ToList();
        var checkIns = await db.CheckIns.AsNoTracking().Where(c => c.ActivityId == id && ids.Contains(c.MemberId)).ToDictionaryAsync(c => c.MemberId, ct);
        var walkInFlags = await db.Invitations.AsNoTracking().Where(i => i.ActivityId == id && ids.Contains(i.MemberId))
            .ToDictionaryAsync(i => i.MemberId, i => i.WalkIn, ct);
        IReadOnlyList<CheckInCandidate> list = found.Select(r => new CheckInCandidate(
            r.Id, r.Name, r.Committee, r.Sector,
            Scope.CanManage(user, r.CommitteePath) ? r.Phone : MemberQueries.MaskPhone(r.Phone),
            walkInFlags.ContainsKey(r.Id), walkInFlags.GetValueOrDefault(r.Id, true),
            checkIns.TryGetValue(r.Id, out var c) ? Record(c, r.Name) : null)).ToList();
        return new(list, null);

        IQueryable<SearchRow> Rows(IQueryable<Member> members) => members.OrderBy(m => m.StrokeKey + "").ThenBy(m => m.Id)
            .Select(m => new SearchRow(m.Id, m.Name, m.Committee!.Name, m.Sector!.Name, m.Phone, m.CommitteePath));
    }

    private sealed record SearchRow(int Id, string Name, string Committee, string Sector, string Phone, string CommitteePath);

    private static IQueryable<Member> Matching(IQueryable<Member> q, string text, CurrentUser user)
    {
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == text.Length)
        {
            if (digits.Length < 3) return q.Where(m => false);
            // Phone numbers only of members whose contacts the account sees (no probing of masked numbers).
            if (user.IsAdmin) return q.Where(m => m.Phone.Contains(digits));
            var scope = user.IsStaff ? user.CommitteePath ?? "\u0000" : "\u0000";
            return q.Where(m => m.Phone.Contains(digits) && m.CommitteePath.StartsWith(scope));
        }
        var latin = new string(text.Where(char.IsAsciiLetter).ToArray()).ToLowerInvariant();
        if (latin.Length == text.Length) return q.Where(m => m.PinyinInitials.StartsWith(latin) || m.PinyinFull.StartsWith(latin));
        return q.Where(m => m.Name.Contains(text));
    }

    /// <summary>
    /// <c>GET /api/activities/{id}/board</c>: expected, checked in, on leave and absent so far, by committee and by sector,
    /// and the latest check-ins. Staff who run the activity and office accounts (staff, leaders) whose scope contains an
    /// organiser see the whole list; other office accounts that see the activity (their members are invited) see their
    /// own scope's invitees only; members and handling units are refused.
    /// </summary>
    public async Task<CheckInOutcome<AttendanceBoard>> BoardAsync(int activityId, CurrentUser user, CancellationToken ct = default)
    {
        var a = await FindAsync(activityId, ct);
        if (a is null) return NotFound;
        var id = a.Id;
        bool full;
        if (user.IsAdmin) full = true;
        else if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } scopePath)
        {
            full = await db.ActivityOrganizers.AnyAsync(o => o.ActivityId == id && o.CommitteePath.StartsWith(scopePath), ct);
            if (!full && !await ActivityAccess.CanSeeAsync(db, user, id, ct))
                return new CheckInError(403, "forbidden", "您的账号无权查看本次活动的签到情况。");
        }
        else return new CheckInError(403, "forbidden", "您的账号无权查看本次活动的签到情况。");

        var path = full ? "" : user.CommitteePath!;
        var invitations = await db.Invitations.AsNoTracking().Where(i => i.ActivityId == id && i.CommitteePath.StartsWith(path))
            .Select(i => new { i.MemberId, i.CommitteeId, i.SectorId, i.WalkIn, Leave = i.LeaveDecision == LeaveDecision.Granted })
            .ToListAsync(ct);
        var checkIns = await db.CheckIns.AsNoTracking()
            .Where(c => c.ActivityId == id && db.Invitations.Any(i => i.ActivityId == id && i.MemberId == c.MemberId && i.CommitteePath.StartsWith(path)))
            .Select(c => new { c.MemberId, c.At, c.Method, c.Late })
            .ToListAsync(ct);
        var byMember = checkIns.ToDictionary(c => c.MemberId);
        var committeeIds = invitations.Select(i => i.CommitteeId).Distinct().ToList();
        var sectorIds = invitations.Select(i => i.SectorId).Distinct().ToList();
        var committees = await db.Committees.AsNoTracking().Where(c => committeeIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => new { c.Code, c.Name, c.Path }, ct);
        var sectors = await db.Sectors.AsNoTracking().Where(s => sectorIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => new { s.Name, s.SortOrder }, ct);

        BoardCounts Count<T>(IEnumerable<T> rows, Func<T, int> member, Func<T, bool> leave, Func<T, bool> walkIn)
        {
            int expected = 0, checkedIn = 0, onLeave = 0, late = 0, walkIns = 0;
            foreach (var r in rows)
            {
                expected++;
                if (walkIn(r)) walkIns++;
                if (byMember.TryGetValue(member(r), out var c)) { checkedIn++; if (c.Late) late++; }
                else if (leave(r)) onLeave++;
            }
            return new BoardCounts(expected, checkedIn, onLeave, expected - checkedIn - onLeave, late, walkIns);
        }
        BoardCounts CountOf(IEnumerable<(int MemberId, bool Leave, bool WalkIn)> rows) => Count(rows, r => r.MemberId, r => r.Leave, r => r.WalkIn);

        var rows = invitations.Select(i => (i.MemberId, i.Leave, i.WalkIn, i.CommitteeId, i.SectorId)).ToList();
        var byCommittee = rows.GroupBy(r => r.CommitteeId)
            .OrderBy(g => committees.TryGetValue(g.Key, out var c) ? c.Path.Length : int.MaxValue)
            .ThenBy(g => committees.TryGetValue(g.Key, out var c) ? c.Code : "")
            .Select(g => committees.TryGetValue(g.Key, out var c)
                ? new BoardGroup(c.Code, c.Name, CountOf(g.Select(r => (r.MemberId, r.Leave, r.WalkIn))))
                : new BoardGroup("", "—", CountOf(g.Select(r => (r.MemberId, r.Leave, r.WalkIn)))))
            .ToList();
        // Sectors are per committee; a joint activity's board adds up the sectors of the same name (教育界 of the city and of a district).
        var bySector = rows.GroupBy(r => sectors.TryGetValue(r.SectorId, out var s) ? s.Name : "—")
            .OrderBy(g => g.Min(r => sectors.TryGetValue(r.SectorId, out var s) ? s.SortOrder : int.MaxValue)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BoardGroup(g.Key, g.Key, CountOf(g.Select(r => (r.MemberId, r.Leave, r.WalkIn)))))
            .ToList();

        var recentIds = checkIns.OrderByDescending(c => c.At).Take(RecentCount).Select(c => c.MemberId).ToList();
        var recentMembers = await db.Members.AsNoTracking().Where(m => recentIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Name, Committee = m.Committee!.Name, Sector = m.Sector!.Name })
            .ToDictionaryAsync(m => m.Id, ct);
        var recent = recentIds.Where(recentMembers.ContainsKey).Select(mid =>
        {
            var c = byMember[mid];
            var m = recentMembers[mid];
            return new BoardCheckIn(mid, m.Name, m.Committee, m.Sector, c.At, MethodCode(c.Method), c.Late);
        }).ToList();

        return new(new AttendanceBoard(a.Id, a.Title, a.StartsAt, a.EndsAt, a.Place, !full,
            CountOf(rows.Select(r => (r.MemberId, r.Leave, r.WalkIn))), byCommittee, bySector, recent), null);
    }

    /// <summary>The member's check-in at the activity, or null.</summary>
    public async Task<CheckInRecord?> ExistingAsync(int activityId, int memberId, CancellationToken ct = default)
    {
        var c = await db.CheckIns.AsNoTracking().FirstOrDefaultAsync(x => x.ActivityId == activityId && x.MemberId == memberId, ct);
        if (c is null) return null;
        return Record(c, await db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync(ct));
    }

    /// <summary>The member's name when <paramref name="user"/> may see the member (for a desk notice), else null.</summary>
    public Task<string?> MemberNameAsync(int memberId, CurrentUser user, CancellationToken ct = default) =>
        db.Members.VisibleTo(user).Where(m => m.Id == memberId).Select(m => m.Name).FirstOrDefaultAsync(ct);

    /// <summary>(checked in, on the list) of an activity, for the screen's live count.</summary>
    public async Task<(int CheckedIn, int Expected)> CountAsync(int activityId, CancellationToken ct = default) =>
        (await db.CheckIns.CountAsync(c => c.ActivityId == activityId, ct), await db.Invitations.CountAsync(i => i.ActivityId == activityId, ct));

    /// <summary>API code of a method: <c>qr</c> or <c>desk</c>.</summary>
    public static string MethodCode(CheckInMethod method) => method == CheckInMethod.Qr ? "qr" : "desk";

    private static readonly CheckInError NotFound = new(404, "not-found", "未找到该活动。");
    private static readonly CheckInError Forbidden = new(403, "forbidden", "您的账号无权管理本次活动的签到。");

    private static CheckInRecord Record(CheckIn c, string name) => new(c.MemberId, name, c.At, MethodCode(c.Method), c.Late);

    /// <summary>
    /// Inserts the check-in; when the unique index says another request was first (a second scan, the desk), returns the
    /// row that won. No read-then-write window: the database decides, on SQLite and on PostgreSQL alike.
    /// </summary>
    private async Task<CheckInRecord> InsertAsync(Activity a, int memberId, CheckInMethod method, string by, CancellationToken ct)
    {
        var now = Now;
        db.CheckIns.Add(new CheckIn { ActivityId = a.Id, MemberId = memberId, At = now, Method = method, Late = now > a.StartsAt, By = by });
        await SaveOrLoseRaceAsync(ct);
        await Study.CourseRules.AfterAttendanceAsync(db, a.Id, clock, ct);
        return (await ExistingAsync(a.Id, memberId, ct))!;
    }

    /// <summary>Saves; on a unique-index violation forgets the losing rows (the winner's row stands). Other failures propagate.</summary>
    private async Task SaveOrLoseRaceAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            foreach (var entry in e.Entries) entry.State = EntityState.Detached;
        }
    }

    private async Task<bool> WalkInAllowedAsync(int activityId, CurrentUser user, Member m, CancellationToken ct)
    {
        if (!Scope.CanManage(user, m.CommitteePath)) return false;
        var organizers = await db.ActivityOrganizers.Where(o => o.ActivityId == activityId).Select(o => o.CommitteePath).ToListAsync(ct);
        return organizers.Any(p => m.CommitteePath.StartsWith(p, StringComparison.Ordinal));
    }

    /// <summary>
    /// The activity's key; an activity created without one gets a fresh key, set only if still empty, so instances
    /// racing here agree on the first key written.
    /// </summary>
    private async Task<byte[]> KeyAsync(Activity a, CancellationToken ct)
    {
        if (a.CheckInKey.Length > 0) return a.CheckInKey;
        var fresh = CheckInTokens.NewKey();
        await db.Activities.Where(x => x.Id == a.Id && x.CheckInKey.Length == 0).ExecuteUpdateAsync(s => s.SetProperty(x => x.CheckInKey, fresh), ct);
        return a.CheckInKey = await db.Activities.Where(x => x.Id == a.Id).Select(x => x.CheckInKey).FirstAsync(ct);
    }
}
