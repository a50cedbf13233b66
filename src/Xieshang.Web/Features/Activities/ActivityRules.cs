using Xieshang.Web.Infrastructure;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Activities;

/// <summary>Invitees as staff write them: whole committees (codes), sectors, special committees and named members (ids).</summary>
public sealed record InviteesInput(string[]? Committees, int[]? Sectors, int[]? SpecialCommittees, int[]? Members);

/// <summary>
/// Body of <c>POST /api/activities</c> and <c>PUT /api/activities/{id}</c>. <c>type</c> is an API code
/// (<see cref="ActivityTypes"/>); times are ISO 8601 instants with offset; <c>organizerCodes</c> lists the
/// organising committees, lead first; <c>agenda</c> is HTML or plain text (sanitised on the server);
/// <c>reminderDays</c> overrides the type's default reminder (7 days for a plenary, 3 otherwise).
/// </summary>
public sealed record ActivityInput(
    string? Title, string? Type, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Place, string? OnlineLink, string? Agenda,
    string[]? OrganizerCodes, InviteesInput? Invitees, bool? Mandatory, int? ReminderDays);

/// <summary>A rule refusal: HTTP status (400, 403, 404, 409) and a message in Chinese for the user.</summary>
public sealed record ActivityError(int Status, string Message, string Field = "");

/// <summary>
/// The rules of activities (DOMAIN.md §4.1) in one place: validation, invitee resolution, publishing, postponing,
/// cancelling, answers and leave, attendance and the duty records it produces. Endpoints and pages call these and
/// only translate the result; nothing here knows about HTTP. Each method changes the context and saves it once, so
/// a refusal changes nothing.
/// </summary>
public static class ActivityRules
{
    /// <summary>Longest an activity may last (a plenary session runs several days; a research trip up to a month).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(31);

    /// <summary>Validates <paramref name="input"/> and applies it to <paramref name="a"/> (new or draft: everything; published: all but the times, which change by <see cref="PostponeAsync"/>).</summary>
    public static async Task<Dictionary<string, string[]>> ApplyAsync(AppDbContext db, Activity a, ActivityInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];

        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) Fail("title", "请填写活动名称。");
        else if (title.Length > 200) Fail("title", "活动名称不能超过 200 个字。");
        var type = ActivityTypes.Parse(input.Type);
        if (type is null)
            Fail("type", string.IsNullOrWhiteSpace(input.Type) ? "请选择活动类型。" : $"活动类型“{input.Type}”无效，应为：{string.Join("、", ActivityTypes.All.Select(t => t.Code))}。");
        if (input.StartsAt is null) Fail("startsAt", "请填写开始时间。");
        if (input.EndsAt is null) Fail("endsAt", "请填写结束时间。");
        var (startsAt, endsAt) = (Seconds(input.StartsAt), Seconds(input.EndsAt));
        if (startsAt is { } s0 && OutOfRange(s0, clock) is { } why) Fail("startsAt", why);
        if (endsAt is { } e0 && OutOfRange(e0, clock) is { } why2) Fail("endsAt", why2);
        if (startsAt is { } s && endsAt is { } e)
        {
            if (e <= s) Fail("endsAt", "结束时间须晚于开始时间。");
            else if (e - s > MaxDuration) Fail("endsAt", "活动时长不能超过 31 天。");
            if (a.IsLive && (s != a.StartsAt || e != a.EndsAt)) Fail("startsAt", "已发布的活动请用“延期”修改时间，以便通知受邀委员。");
        }
        var place = input.Place?.Trim() ?? "";
        var link = input.OnlineLink?.Trim() ?? "";
        if (place.Length > 200) Fail("place", "地点不能超过 200 个字。");
        if (link.Length > 0 && (link.Length > 500 || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            Fail("onlineLink", "线上会议链接须为以 http:// 或 https:// 开头的完整网址。");
        if (place.Length == 0 && link.Length == 0) Fail("place", "请填写地点或线上会议链接。");
        var agenda = RichText.Sanitize(input.Agenda);
        if (agenda.Length > 20000) Fail("agenda", "议程过长（不超过 20000 字符）。");
        if (input.ReminderDays is < 0 or > 60) Fail("reminderDays", "提前提醒天数应在 0 到 60 之间。");

        var codes = (input.OrganizerCodes ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct().ToList();
        var organizers = await db.Committees.Where(c => codes.Contains(c.Code)).ToListAsync(ct);
        if (codes.Count == 0) Fail("organizerCodes", "请至少指定一个主办政协组织（organizerCodes）。");
        else if (codes.FirstOrDefault(c => organizers.All(o => o.Code != c)) is { } unknown) Fail("organizerCodes", $"未找到代码为“{unknown}”的政协组织。");
        else if (organizers.FirstOrDefault(o => !Scope.CanManage(user, o.Path)) is { } outside)
            Fail("organizerCodes", $"您无权以“{outside.Name}”的名义组织活动；联合活动的各主办方须在您的管理范围内。");

        var rules = await ResolveRuleInputAsync(db, input.Invitees, user, errors, ct);
        if (errors.Count > 0) return errors;

        if (a.CheckInKey.Length == 0) a.CheckInKey = RandomNumberGenerator.GetBytes(32);
        a.Title = title;
        a.Type = type!.Value;
        a.StartsAt = startsAt!.Value;
        a.EndsAt = endsAt!.Value;
        a.Place = place;
        a.OnlineLink = link;
        a.Agenda = agenda;
        a.Mandatory = input.Mandatory ?? a.Mandatory;
        a.ReminderDays = input.ReminderDays;
        var ordered = codes.Select(c => organizers.Single(o => o.Code == c)).ToList();
        a.CommitteeId = ordered[0].Id;
        a.CommitteePath = ordered[0].Path;
        a.Organizers.Clear();
        a.Organizers.AddRange(ordered.Select((o, i) => new ActivityOrganizer { CommitteeId = o.Id, CommitteePath = o.Path, SortOrder = i }));
        a.InviteeRules.Clear();
        a.InviteeRules.AddRange(rules);
        a.UpdatedAt = clock.GetUtcNow();
        return errors;
    }

    /// <summary>
    /// Creates (<paramref name="a"/> not yet tracked, id 0) or updates an activity from <paramref name="input"/> and
    /// saves it: validation by <see cref="ApplyAsync"/>, plus <paramref name="extraErrors"/> a page found while reading its
    /// form; a cancelled activity cannot be edited; amending a published one re-synchronises (and notifies) its invitees.
    /// Returns the errors by field (empty on success); on errors nothing is saved.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> SaveAsync(AppDbContext db, Activity a, ActivityInput input, CurrentUser user, TimeProvider clock,
        CancellationToken ct, IReadOnlyDictionary<string, string[]>? extraErrors = null)
    {
        if (a.Status == ActivityStatus.Cancelled) return new() { [""] = ["活动已取消，不能修改。"] };
        var errors = await ApplyAsync(db, a, input, user, clock, ct);
        foreach (var (key, messages) in extraErrors ?? new Dictionary<string, string[]>()) errors[key] = messages;
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            return errors;
        }
        if (a.Id == 0) db.Activities.Add(a);
        else if (a.IsLive) await SyncInvitationsAsync(db, a, clock, ct);
        await db.SaveChangesAsync(ct);
        return errors;
    }

    /// <summary>Earliest year an activity may be dated (records of earlier terms are not kept here).</summary>
    public const int FirstYear = 2000;

    /// <summary>How many years ahead an activity may be planned.</summary>
    public const int YearsAhead = 5;

    /// <summary>Null when <paramref name="t"/> is a plausible activity time (from <see cref="FirstYear"/> to <see cref="YearsAhead"/> years ahead), otherwise the Chinese message.</summary>
    public static string? OutOfRange(DateTimeOffset t, TimeProvider clock) =>
        t.UtcDateTime.Year < FirstYear || t > clock.GetUtcNow().AddYears(YearsAhead)
            ? $"时间应在 {FirstYear} 年至 {clock.GetUtcNow().Year + YearsAhead} 年之间。" : null;

    /// <summary>An instant in UTC cut to whole seconds (activity times are never finer; PostgreSQL keeps microseconds, SQLite ticks).</summary>
    public static DateTimeOffset? Seconds(DateTimeOffset? t) =>
        t is { } v ? new DateTimeOffset(v.UtcTicks - v.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero) : null;

    private static async Task<List<ActivityInviteeRule>> ResolveRuleInputAsync(AppDbContext db, InviteesInput? input, CurrentUser user, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var rules = new List<ActivityInviteeRule>();
        if (input is null) return rules;
        var codes = (input.Committees ?? []).Distinct().ToList();
        var committees = await db.Committees.Where(c => codes.Contains(c.Code)).Select(c => new { c.Id, c.Code, c.Path, c.Name }).ToListAsync(ct);
        foreach (var code in codes)
        {
            var c = committees.FirstOrDefault(x => x.Code == code);
            if (c is null) { errors["invitees.committees"] = [$"未找到代码为“{code}”的政协组织。"]; continue; }
            if (!Scope.CanManage(user, c.Path)) { errors["invitees.committees"] = [$"您无权邀请“{c.Name}”全体委员。"]; continue; }
            rules.Add(new ActivityInviteeRule { Kind = InviteeKind.Committee, TargetId = c.Id });
        }
        var sectorIds = (input.Sectors ?? []).Distinct().ToList();
        var sectors = await db.Sectors.Where(s => sectorIds.Contains(s.Id)).Select(s => new { s.Id, s.Committee!.Path }).ToListAsync(ct);
        foreach (var id in sectorIds)
        {
            var s = sectors.FirstOrDefault(x => x.Id == id);
            if (s is null || !Scope.CanManage(user, s.Path)) { errors["invitees.sectors"] = [$"界别 {id} 不存在或不在您的管理范围内。"]; continue; }
            rules.Add(new ActivityInviteeRule { Kind = InviteeKind.Sector, TargetId = id });
        }
        var specialIds = (input.SpecialCommittees ?? []).Distinct().ToList();
        var specials = await db.SpecialCommittees.Where(s => specialIds.Contains(s.Id)).Select(s => new { s.Id, s.Committee!.Path }).ToListAsync(ct);
        foreach (var id in specialIds)
        {
            var s = specials.FirstOrDefault(x => x.Id == id);
            if (s is null || !Scope.CanManage(user, s.Path)) { errors["invitees.specialCommittees"] = [$"专门委员会 {id} 不存在或不在您的管理范围内。"]; continue; }
            rules.Add(new ActivityInviteeRule { Kind = InviteeKind.SpecialCommittee, TargetId = id });
        }
        var memberIds = (input.Members ?? []).Distinct().ToList();
        var members = await db.Members.Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.CommitteePath, m.IsActive }).ToListAsync(ct);
        foreach (var id in memberIds)
        {
            var m = members.FirstOrDefault(x => x.Id == id);
            if (m is null || !Scope.CanManage(user, m.CommitteePath)) { errors["invitees.members"] = [$"委员 {id} 不存在或不在您的管理范围内。"]; continue; }
            if (!m.IsActive) { errors["invitees.members"] = [$"委员 {id} 已不在任，不能邀请。"]; continue; }
            rules.Add(new ActivityInviteeRule { Kind = InviteeKind.Member, TargetId = id });
        }
        return rules;
    }

    /// <summary>The active members named by the activity's invitee rules (whole committees: that committee's own members).</summary>
    public static async Task<HashSet<int>> ResolveInviteesAsync(AppDbContext db, Activity a, CancellationToken ct)
    {
        var set = new HashSet<int>();
        var active = db.Members.Where(m => m.IsActive);
        var byKind = a.InviteeRules.ToLookup(r => r.Kind, r => r.TargetId);
        var committees = byKind[InviteeKind.Committee].ToList();
        if (committees.Count > 0) set.UnionWith(await active.Where(m => committees.Contains(m.CommitteeId)).Select(m => m.Id).ToListAsync(ct));
        var sectors = byKind[InviteeKind.Sector].ToList();
        if (sectors.Count > 0) set.UnionWith(await active.Where(m => sectors.Contains(m.SectorId)).Select(m => m.Id).ToListAsync(ct));
        var specials = byKind[InviteeKind.SpecialCommittee].ToList();
        if (specials.Count > 0)
            set.UnionWith(await active.Where(m => db.SpecialCommitteeMembers.Any(s => s.MemberId == m.Id && specials.Contains(s.SpecialCommitteeId))).Select(m => m.Id).ToListAsync(ct));
        var named = byKind[InviteeKind.Member].ToList();
        if (named.Count > 0) set.UnionWith(await active.Where(m => named.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct));
        return set;
    }

    /// <summary>
    /// Brings the invitation list in line with the invitee rules: adds and notifies new invitees; removes (and
    /// notifies) invitees no longer named, unless they already checked in or have confirmed attendance. Returns
    /// (added, removed) counts. Used by publishing and by amending a published activity.
    /// </summary>
    public static async Task<(int Added, int Removed)> SyncInvitationsAsync(AppDbContext db, Activity a, TimeProvider clock, CancellationToken ct)
    {
        var wanted = await ResolveInviteesAsync(db, a, ct);
        var current = await db.Invitations.Where(i => i.ActivityId == a.Id).ToListAsync(ct);
        var checkedIn = (await db.CheckIns.Where(c => c.ActivityId == a.Id).Select(c => c.MemberId).ToListAsync(ct)).ToHashSet();
        var have = current.Select(i => i.MemberId).ToHashSet();
        var add = wanted.Where(id => !have.Contains(id)).ToList();
        var remove = current.Where(i => !wanted.Contains(i.MemberId) && !i.WalkIn && i.Attendance is null && !checkedIn.Contains(i.MemberId)).ToList();
        foreach (var chunk in add.Chunk(1000))
        {
            var members = await db.Members.AsNoTracking().Where(m => chunk.Contains(m.Id)).Select(m => new { m.Id, m.CommitteeId, m.CommitteePath, m.SectorId }).ToListAsync(ct);
            db.Invitations.AddRange(members.Select(m => new Invitation
            {
                ActivityId = a.Id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId,
            }));
        }
        db.Invitations.RemoveRange(remove);
        if (add.Count > 0) await Notifier.ToMembersAsync(db, add, PublishedNotice(a), clock, ct);
        if (remove.Count > 0)
            await Notifier.ToMembersAsync(db, remove.Select(r => r.MemberId).ToList(),
                new Notice("activity.uninvited", $"邀请已撤回：{a.Title}", $"您已不在“{a.Title}”（{When(a)}）的参加名单中，无需参加。", $"/activities/{a.Id}"), clock, ct);
        return (add.Count, remove.Count);
    }

    /// <summary>Publishes a draft: resolves and notifies the invitees. Refused unless it is a draft with at least one invitee.</summary>
    public static async Task<ActivityError?> PublishAsync(AppDbContext db, Activity a, TimeProvider clock, CancellationToken ct)
    {
        if (a.Status != ActivityStatus.Draft) return new(409, a.Status == ActivityStatus.Cancelled ? "活动已取消，不能发布。" : "活动已发布。");
        if (a.EndsAt <= clock.GetUtcNow()) return new(409, "活动结束时间已过，不能发布；请先修改时间。");
        if (a.InviteeRules.Count == 0) return new(400, "请先指定受邀对象（政协组织、界别、专门委员会或委员）。", "invitees");
        a.Status = ActivityStatus.Published;
        a.PublishedAt = clock.GetUtcNow();
        a.UpdatedAt = a.PublishedAt.Value;
        var (added, _) = await SyncInvitationsAsync(db, a, clock, ct);
        if (added == 0) return new(400, "受邀对象中没有在任委员，不能发布。", "invitees");
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Moves a published activity to new times (延期): keeps the original start, resets the reminder, notifies invitees who have not declined.</summary>
    public static async Task<ActivityError?> PostponeAsync(AppDbContext db, Activity a, DateTimeOffset? startsAt, DateTimeOffset? endsAt, string? reason, TimeProvider clock, CancellationToken ct)
    {
        if (!a.IsLive) return new(409, a.Status == ActivityStatus.Draft ? "草稿活动直接修改时间即可，无需延期。" : "活动已取消，不能延期。");
        if (a.AttendanceConfirmedAt is not null) return new(409, "活动已确认出席，不能延期。");
        if (startsAt is null || endsAt is null) return new(400, "请填写新的开始和结束时间。", "startsAt");
        if ((OutOfRange(startsAt.Value, clock) ?? OutOfRange(endsAt.Value, clock)) is { } range) return new(400, range, "startsAt");
        if (endsAt <= startsAt) return new(400, "结束时间须晚于开始时间。", "endsAt");
        if (Seconds(startsAt) == a.StartsAt && Seconds(endsAt) == a.EndsAt) return new(400, "新的时间与原定时间相同，无需延期。", "startsAt");
        if (string.IsNullOrWhiteSpace(reason)) return new(400, "请填写延期原因，它会随通知发给受邀委员。", "reason");
        if (reason.Trim().Length > 500) return new(400, "延期原因不能超过 500 字。", "reason");
        if (endsAt - startsAt > MaxDuration) return new(400, "活动时长不能超过 31 天。", "endsAt");
        if (endsAt <= clock.GetUtcNow()) return new(400, "新的结束时间已过。", "endsAt");
        a.OriginalStartsAt ??= a.StartsAt;
        a.StartsAt = Seconds(startsAt)!.Value;
        a.EndsAt = Seconds(endsAt)!.Value;
        a.Status = ActivityStatus.Postponed;
        a.ReminderSentAt = null;
        a.UpdatedAt = clock.GetUtcNow();
        var notify = await db.Invitations.Where(i => i.ActivityId == a.Id && i.Response != InvitationResponse.Decline).Select(i => i.MemberId).ToListAsync(ct);
        var why = string.IsNullOrWhiteSpace(reason) ? "" : $"原因：{reason.Trim()}。";
        await Notifier.ToMembersAsync(db, notify, new Notice("activity.postponed", $"活动延期：{a.Title}",
            $"“{a.Title}”改为 {When(a)} 举行，地点：{PlaceText(a)}。{why}请在“活动”中重新确认报名。", $"/activities/{a.Id}"), clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Cancels an activity (a draft silently, a published one with a notice to its invitees). Refused once attendance is confirmed.</summary>
    public static async Task<ActivityError?> CancelAsync(AppDbContext db, Activity a, string? reason, TimeProvider clock, CancellationToken ct)
    {
        if (a.Status == ActivityStatus.Cancelled) return new(409, "活动已取消。");
        if (a.AttendanceConfirmedAt is not null) return new(409, "活动已确认出席并记入履职档案，不能取消。");
        if (a.IsLive && string.IsNullOrWhiteSpace(reason)) return new(400, "请填写取消原因，它会随通知发给受邀委员。", "reason");
        if (reason?.Trim().Length > 500) return new(400, "取消原因不能超过 500 字。", "reason");
        var wasLive = a.IsLive;
        a.Status = ActivityStatus.Cancelled;
        a.CancelReason = (reason?.Trim() ?? "") is { Length: > 500 } r ? r[..500] : reason?.Trim() ?? "";
        a.UpdatedAt = clock.GetUtcNow();
        if (wasLive)
        {
            var notify = await db.Invitations.Where(i => i.ActivityId == a.Id).Select(i => i.MemberId).ToListAsync(ct);
            var why = a.CancelReason.Length == 0 ? "" : $"原因：{a.CancelReason}。";
            await Notifier.ToMembersAsync(db, notify, new Notice("activity.cancelled", $"活动取消：{a.Title}",
                $"原定 {When(a)} 的“{a.Title}”已取消。{why}", $"/activities/{a.Id}"), clock, ct);
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// The signed-in member answers an invitation: <c>attend</c>, <c>decline</c> or <c>leave</c> (a reason is
    /// required). Answers can change until the start. Leave asked later than <see cref="ActivityOptions.LeaveNoticeHours"/>
    /// before the start (default 48 hours, the usual “请假须提前两天”) is accepted with <see cref="Invitation.LeaveLate"/>
    /// set; the organisers' leaders are notified of every leave request.
    /// </summary>
    public static async Task<ActivityError?> RespondAsync(AppDbContext db, Activity a, int memberId, string? response, string? reason, ActivityOptions options, TimeProvider clock, CancellationToken ct)
    {
        var inv = await db.Invitations.FirstOrDefaultAsync(i => i.ActivityId == a.Id && i.MemberId == memberId, ct);
        if (inv is null || !a.IsLive) return new(403, "您不在本次活动的邀请名单中。");
        var now = clock.GetUtcNow();
        if (now >= a.StartsAt) return new(409, "活动已开始，不能再修改报名或请假。");
        var kind = response?.Trim().ToLowerInvariant() switch
        {
            "attend" => InvitationResponse.Attend,
            "decline" => InvitationResponse.Decline,
            "leave" => InvitationResponse.Leave,
            _ => (InvitationResponse?)null,
        };
        if (kind is null)
            return new(400, string.IsNullOrWhiteSpace(response) ? "请选择参加、不参加或请假。" : "答复应为 attend（参加）、decline（不参加）或 leave（请假）。", "response");
        if (kind == InvitationResponse.Leave && inv.LeaveDecision == LeaveDecision.Refused)
            return new(409, "您的请假申请已不予批准，不能再次请假；如有特殊情况请直接联系政协办公室。", "response");
        var text = reason?.Trim() ?? "";
        if (kind == InvitationResponse.Leave && text.Length == 0) return new(400, "请假须填写事由。", "reason");
        if (text.Length > 500) return new(400, "事由不能超过 500 字。", "reason");
        if (kind == InvitationResponse.Decline && a.Mandatory) return new(400, "本活动须参加；不能参加请提出请假申请。", "response");

        var wasPending = inv.Response == InvitationResponse.Leave && inv.LeaveDecision == LeaveDecision.Pending;
        var wasGranted = inv.Response == InvitationResponse.Leave && inv.LeaveDecision == LeaveDecision.Granted;
        inv.Response = kind.Value;
        inv.RespondedAt = now;
        if (kind == InvitationResponse.Leave && (wasPending || wasGranted))
        {
            // The same request with a corrected reason: no new request, no new notice, the decision stands.
            inv.LeaveReason = text;
        }
        else if (kind == InvitationResponse.Leave)
        {
            inv.LeaveReason = text;
            inv.LeaveLate = now > a.StartsAt - TimeSpan.FromHours(options.LeaveNoticeHours);
            inv.LeaveDecision = LeaveDecision.Pending;
            inv.LeaveDecidedAt = null;
            inv.LeaveDecidedBy = "";
            inv.LeaveDecisionNote = "";
            var organizerIds = await db.ActivityOrganizers.Where(o => o.ActivityId == a.Id).Select(o => (int?)o.CommitteeId).ToListAsync(ct);
            var leaders = await db.Users.Where(u => organizerIds.Contains(u.CommitteeId)
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Leader))).Select(u => u.Id).ToListAsync(ct);
            var name = await db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync(ct);
            await Notifier.ToUsersAsync(db, leaders, new Notice("leave.requested", $"请假申请：{name}",
                $"{name} 申请不参加“{a.Title}”（{When(a)}）。事由：{text}{(inv.LeaveLate ? "（逾期请假）" : "")}", $"/activities/{a.Id}/invitees"), clock, ct);
        }
        else if (inv.LeaveDecision == LeaveDecision.Refused)
        {
            // Attending (or declining) after a refusal: the refusal stays on file, so leave cannot be asked again.
            inv.LeaveLate = false;
        }
        else
        {
            inv.LeaveReason = "";
            inv.LeaveLate = false;
            inv.LeaveDecision = LeaveDecision.None;
            inv.LeaveDecidedAt = null;
            inv.LeaveDecidedBy = "";
            inv.LeaveDecisionNote = "";
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Grants or refuses a pending leave request and notifies the member. A decided request cannot be decided again.</summary>
    public static async Task<ActivityError?> DecideLeaveAsync(AppDbContext db, Activity a, int memberId, bool grant, string? note, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var inv = await db.Invitations.FirstOrDefaultAsync(i => i.ActivityId == a.Id && i.MemberId == memberId, ct);
        if (inv is null) return new(404, "该委员不在本次活动的邀请名单中。");
        if (inv.Response != InvitationResponse.Leave || inv.LeaveDecision == LeaveDecision.None) return new(409, "该委员没有请假申请。");
        if (inv.LeaveDecision != LeaveDecision.Pending) return new(409, inv.LeaveDecision == LeaveDecision.Granted ? "该请假申请已批准。" : "该请假申请已不予批准。");
        var text = note?.Trim() ?? "";
        if (text.Length > 500) return new(400, "意见不能超过 500 字。", "note");
        inv.LeaveDecision = grant ? LeaveDecision.Granted : LeaveDecision.Refused;
        inv.LeaveDecidedBy = user.UserName;
        inv.LeaveDecidedAt = clock.GetUtcNow();
        inv.LeaveDecisionNote = text;
        var body = grant ? $"您对“{a.Title}”（{When(a)}）的请假已批准。" : $"您对“{a.Title}”（{When(a)}）的请假未获批准，请按时参加。";
        if (text.Length > 0) body += $"意见：{text}";
        await Notifier.ToMembersAsync(db, [memberId], new Notice(grant ? "leave.granted" : "leave.refused",
            grant ? $"请假已批准：{a.Title}" : $"请假未批准：{a.Title}", body, $"/activities/{a.Id}"), clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Parses an attendance role API code (<c>present</c>, <c>nonvoting</c>, <c>speaker</c>, <c>author</c>, <c>excused</c>, <c>absent</c>).</summary>
    public static AttendanceRole? ParseRole(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "present" => AttendanceRole.Present,
        "nonvoting" => AttendanceRole.NonVoting,
        "speaker" => AttendanceRole.Speaker,
        "author" => AttendanceRole.Author,
        "excused" => AttendanceRole.Excused,
        "absent" => AttendanceRole.Absent,
        _ => null,
    };

    /// <summary>API code of an attendance role.</summary>
    public static string RoleCode(AttendanceRole role) => role.ToString().ToLowerInvariant();

    /// <summary>Chinese name of an attendance role.</summary>
    public static string RoleName(AttendanceRole role) => role switch
    {
        AttendanceRole.Present => "出席",
        AttendanceRole.NonVoting => "列席",
        AttendanceRole.Speaker => "发言/主讲",
        AttendanceRole.Author => "执笔",
        AttendanceRole.Excused => "请假缺席",
        _ => "无故缺席",
    };

    /// <summary>The role the attendance form suggests before staff confirm: checked in → present; leave granted → excused; otherwise absent.</summary>
    public static AttendanceRole SuggestedRole(Invitation inv, bool checkedIn) =>
        inv.Attendance ?? (checkedIn ? AttendanceRole.Present : inv.LeaveDecision == LeaveDecision.Granted ? AttendanceRole.Excused : AttendanceRole.Absent);

    /// <summary>
    /// Staff confirm attendance in bulk (from the start on). Every member must be on the list and every role valid,
    /// or nothing changes. At a lecture, its member speaker confirmed <c>present</c> is stored as <c>speaker</c>. The activity's duty records are then rebuilt through <see cref="DutyLedger"/>.
    /// </summary>
    public static async Task<ActivityError?> ConfirmAttendanceAsync(AppDbContext db, Activity a, IReadOnlyList<(int MemberId, string? Role)> rows, TimeProvider clock, CancellationToken ct)
    {
        if (!a.IsLive) return new(409, a.Status == ActivityStatus.Draft ? "活动尚未发布。" : "活动已取消。");
        var now = clock.GetUtcNow();
        if (now < a.StartsAt) return new(409, "活动开始后才能确认出席情况。");
        if (rows.Count == 0) return new(400, "请提交至少一位委员的出席情况。");
        var ids = rows.Select(r => r.MemberId).ToList();
        if (ids.Distinct().Count() != ids.Count) return new(400, "同一委员在列表中出现了多次。");
        var invitations = await db.Invitations.Where(i => i.ActivityId == a.Id && ids.Contains(i.MemberId)).ToDictionaryAsync(i => i.MemberId, ct);
        foreach (var (memberId, role) in rows)
        {
            if (!invitations.ContainsKey(memberId)) return new(400, $"委员 {memberId} 不在本次活动的名单中。", "memberId");
            if (ParseRole(role) is null) return new(400, $"出席情况“{role}”无效，应为 present、nonvoting、speaker、author、excused 或 absent。", "role");
        }
        // A lecture's member speaker (Lecture.SpeakerMemberId) confirmed present is its speaker: attend.study + speaker, once.
        var speaker = a.Type == ActivityType.Lecture ? await db.Lectures.Where(l => l.ActivityId == a.Id).Select(l => l.SpeakerMemberId).FirstOrDefaultAsync(ct) : null;
        foreach (var (memberId, role) in rows)
        {
            var inv = invitations[memberId];
            inv.Attendance = ParseRole(role) is AttendanceRole.Present && memberId == speaker ? AttendanceRole.Speaker : ParseRole(role);
            inv.AttendanceAt = now;
        }
        a.AttendanceConfirmedAt = now;
        await db.SaveChangesAsync(ct);
        await RecordDutiesAsync(db, a, clock, ct);
        await db.SaveChangesAsync(ct);
        await Study.CourseRules.AfterAttendanceAsync(db, a.Id, clock, ct);
        return null;
    }

    /// <summary>Rebuilds the duty records of an activity from its confirmed attendance (idempotent; the caller saves).</summary>
    public static async Task RecordDutiesAsync(AppDbContext db, Activity a, TimeProvider clock, CancellationToken ct)
    {
        var confirmed = await db.Invitations.Where(i => i.ActivityId == a.Id && i.Attendance != null).Select(i => new { i.MemberId, i.Attendance }).ToListAsync(ct);
        var events = confirmed.SelectMany(i => DutyCodes(a, i.Attendance!.Value)
            .Select(code => new DutyEvent(i.MemberId, code, "activity", a.Id, a.Title, $"/activities/{a.Id}", a.StartsAt))).ToList();
        await DutyLedger.ReplaceAsync(db, "activity", a.Id, events, clock, ct);
    }

    /// <summary>
    /// Scoring rule codes an attendance role earns at an activity of this type (see <see cref="ScoringDefaults"/>):
    /// presence by type (plenary, standing, other meetings, consultation/research/inspection, study, other), plus
    /// <c>speaker</c> or <c>author</c> for those roles; <c>excused</c> (0 points, on file); unexcused absence from a
    /// mandatory activity deducts (<c>absent.plenary</c>, <c>absent.standing</c>, <c>absent.other</c>).
    /// </summary>
    public static IReadOnlyList<string> DutyCodes(Activity a, AttendanceRole role)
    {
        var attend = a.Type switch
        {
            ActivityType.Plenary => "attend.plenary",
            ActivityType.Standing => "attend.standing",
            ActivityType.Chairs => "attend.meeting",
            ActivityType.Consultation or ActivityType.Research or ActivityType.Inspection => "attend.activity",
            ActivityType.Training or ActivityType.Lecture or ActivityType.Reading => "attend.study",
            _ => "attend.other",
        };
        return role switch
        {
            AttendanceRole.Present => [attend],
            AttendanceRole.NonVoting => ["attend.nonvoting"],
            AttendanceRole.Speaker => [attend, "speaker"],
            AttendanceRole.Author => [attend, "author"],
            AttendanceRole.Excused => ["excused"],
            _ when !a.Mandatory => [],
            _ => [a.Type switch { ActivityType.Plenary => "absent.plenary", ActivityType.Standing => "absent.standing", _ => "absent.other" }],
        };
    }

    /// <summary>Notice sent when an invitee is added (publishing or amending).</summary>
    public static Notice PublishedNotice(Activity a) => new("activity.published", $"活动通知：{a.Title}",
        $"{ActivityTypes.Name(a.Type)}“{a.Title}”将于 {When(a)} 举行，地点：{PlaceText(a)}。{(a.Mandatory ? "本活动须参加，不能参加请提前请假。" : "")}请在“活动”中报名或请假。",
        $"/activities/{a.Id}");

    /// <summary>Start and end in China Standard Time, e.g. <c>2026年12月3日 09:00–12:00</c> (or with both dates for several days).</summary>
    public static string When(Activity a)
    {
        var s = a.StartsAt.ToOffset(ChinaTime.Offset);
        var e = a.EndsAt.ToOffset(ChinaTime.Offset);
        var day = s.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
        return s.Date == e.Date
            ? $"{day} {s:HH:mm}–{e:HH:mm}"
            : $"{day} {s:HH:mm} 至 {e.ToString("M月d日", CultureInfo.InvariantCulture)} {e:HH:mm}";
    }

    /// <summary>Place, online link, or both.</summary>
    public static string PlaceText(Activity a) =>
        a.Place.Length > 0 && a.OnlineLink.Length > 0 ? $"{a.Place}（线上：{a.OnlineLink}）" : a.Place.Length > 0 ? a.Place : $"线上 {a.OnlineLink}";

    /// <summary>API code of an invitee's state: <c>invited</c>, <c>registered</c>, <c>declined</c>, <c>leave-requested</c>, <c>leave-granted</c>, <c>leave-refused</c>.</summary>
    public static string StatusCode(Invitation i) => i.Response switch
    {
        InvitationResponse.Attend => "registered",
        InvitationResponse.Decline => "declined",
        InvitationResponse.Leave => i.LeaveDecision switch
        {
            LeaveDecision.Granted => "leave-granted",
            LeaveDecision.Refused => "leave-refused",
            _ => "leave-requested",
        },
        _ => "invited",
    };

    /// <summary>Chinese name of <see cref="StatusCode"/>.</summary>
    public static string StatusName(Invitation i) => StatusCode(i) switch
    {
        "registered" => "已报名",
        "declined" => "不参加",
        "leave-requested" => i.LeaveLate ? "请假待批（逾期）" : "请假待批",
        "leave-granted" => "请假已批准",
        "leave-refused" => "请假未批准",
        _ => "未回复",
    };
}
