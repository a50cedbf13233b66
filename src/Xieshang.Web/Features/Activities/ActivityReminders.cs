using Xieshang.Web.Infrastructure;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Activities;

/// <summary>
/// Reminders before an activity starts (DOMAIN.md §4.1: 7 days before a plenary session, 3 days before other
/// activities; <see cref="Activity.ReminderDays"/> overrides, <see cref="ActivityOptions"/> sets the defaults).
/// The background shell (<see cref="NotificationJobs"/>) calls <see cref="SendDueAsync"/> every minute under a job
/// lease; tests call it directly with a fake clock.
/// </summary>
public static class ActivityReminders
{
    /// <summary>Kind code of reminder notifications.</summary>
    public const string Kind = "activity.reminder";

    /// <summary>China Standard Time (UTC+8, no daylight saving): the time committees work in.</summary>

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>
    /// Reminds the invitees of every published or postponed activity whose reminder is due (start minus its reminder
    /// days is now or past, the start still ahead, published before that moment; see <see cref="DueAsync"/>) and not yet sent: each invitee who has not declined and whose leave
    /// was not granted gets an inbox row and, with an address, an e-mail. Each activity is claimed by a conditional
    /// UPDATE of <see cref="Activity.ReminderSentAt"/> in the same transaction as its notifications, so a reminder goes
    /// out once even when two callers race. Returns the ids of the activities reminded.
    /// </summary>
    public static async Task<IReadOnlyList<int>> SendDueAsync(AppDbContext db, TimeProvider clock, ActivityOptions options, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var reminded = new List<int>();
        foreach (var id in await DueAsync(db, now, options, ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.Activities
                .Where(a => a.Id == id && a.ReminderSentAt == null && (a.Status == ActivityStatus.Published || a.Status == ActivityStatus.Postponed))
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ReminderSentAt, now), ct);
            if (claimed == 0) continue; // reminded meanwhile, or cancelled: nothing to do (the transaction rolls back)
            var activity = await db.Activities.AsNoTracking().FirstAsync(a => a.Id == id, ct);
            var invitees = await db.Invitations
                .Where(i => i.ActivityId == id && i.Response != InvitationResponse.Decline && i.LeaveDecision != LeaveDecision.Granted && i.Member!.IsActive)
                .Select(i => i.MemberId)
                .ToListAsync(ct);
            await Notifier.ToMembersAsync(db, invitees, NoticeFor(activity), clock, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            reminded.Add(id);
        }
        return reminded;
    }

    /// <summary>
    /// Ids of the activities whose reminder is due at <paramref name="now"/> and not yet sent, earliest start first
    /// (a read only: the background shell asks this before it takes a lease). An activity published inside its
    /// reminder window gets no separate reminder: its invitees were told within the window by the publication notice
    /// itself, and a second message a minute later would only be noise.
    /// </summary>
    public static async Task<IReadOnlyList<int>> DueAsync(AppDbContext db, DateTimeOffset now, ActivityOptions options, CancellationToken ct = default)
    {
        var plenaryUntil = now.AddDays(options.ReminderDaysPlenary);
        var otherUntil = now.AddDays(options.ReminderDays);
        var candidates = await db.Activities.AsNoTracking()
            .Where(a => (a.Status == ActivityStatus.Published || a.Status == ActivityStatus.Postponed) && a.ReminderSentAt == null && a.StartsAt > now)
            .Where(a => a.ReminderDays != null
                || (a.Type == ActivityType.Plenary && a.StartsAt <= plenaryUntil)
                || (a.Type != ActivityType.Plenary && a.StartsAt <= otherUntil))
            .Select(a => new { a.Id, a.Type, a.ReminderDays, a.StartsAt, a.PublishedAt })
            .ToListAsync(ct);
        return candidates
            .Select(a => new { a.Id, a.StartsAt, a.PublishedAt, RemindAt = a.StartsAt.AddDays(-options.ReminderDaysFor(a.Type, a.ReminderDays)) })
            .Where(a => a.RemindAt <= now && !(a.PublishedAt >= a.RemindAt))
            .OrderBy(a => a.StartsAt).ThenBy(a => a.Id)
            .Select(a => a.Id)
            .ToList();
    }

    /// <summary>The reminder's text: title, time in China Standard Time, place or online link, and the activity's link.</summary>
    public static Notice NoticeFor(Activity a)
    {
        var lines = new List<string>
        {
            $"您受邀参加的活动即将开始：{a.Title}",
            $"时间：{When(a.StartsAt)}（北京时间）",
        };
        if (a.Status == ActivityStatus.Postponed && a.OriginalStartsAt is { } original) lines.Add($"（已改期，原定 {When(original)}）");
        if (a.Place.Length > 0) lines.Add($"地点：{a.Place}");
        if (a.OnlineLink.Length > 0) lines.Add($"线上参加：{a.OnlineLink}");
        lines.Add(a.Mandatory
            ? "本次活动须参加；如不能出席，请在活动页面请假。"
            : "如不能参加，请在活动页面回复。");
        return new Notice(Kind, $"活动提醒：{a.Title}", string.Join("\n", lines), $"/activities/{a.Id}");
    }

    /// <summary><c>2026年12月3日（星期四）09:00</c> in China Standard Time.</summary>
    public static string When(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy年M月d日（dddd）HH:mm", Chinese);
}
