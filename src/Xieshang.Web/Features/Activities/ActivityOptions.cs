using System.ComponentModel.DataAnnotations;

namespace Xieshang.Web.Features.Activities;

/// <summary>
/// Activity rules bound from the <c>Activities</c> configuration section and validated on start
/// (registered by <c>AddNotifications</c>). Read it with <c>IOptions&lt;ActivityOptions&gt;</c>.
/// </summary>
public sealed class ActivityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Activities";

    /// <summary>Days before a plenary session (全体会议) at which invitees are reminded (default 7), unless the activity sets its own.</summary>
    [Range(0, 365)]
    public int ReminderDaysPlenary { get; set; } = 7;

    /// <summary>Days before any other activity at which invitees are reminded (default 3), unless the activity sets its own.</summary>
    [Range(0, 365)]
    public int ReminderDays { get; set; } = 3;

    /// <summary>Leave must be asked at least this many hours before the start (default 48); later requests are flagged late.</summary>
    [Range(0, 24 * 365)]
    public int LeaveNoticeHours { get; set; } = 48;

    /// <summary>Seconds between two check-in tokens of the QR code (default 60).</summary>
    [Range(5, 3600)]
    public int CheckInRotationSeconds { get; set; } = 60;

    /// <summary>Seconds the previous check-in token stays valid after rotation (default 30).</summary>
    [Range(0, 3600)]
    public int CheckInGraceSeconds { get; set; } = 30;

    /// <summary>Reminder lead time of <paramref name="activity"/>: its own <see cref="Activity.ReminderDays"/>, else the type's default.</summary>
    public int ReminderDaysFor(Activity activity) => ReminderDaysFor(activity.Type, activity.ReminderDays);

    /// <summary>Reminder lead time of an activity of <paramref name="type"/> whose own setting is <paramref name="own"/> (null = the type's default).</summary>
    public int ReminderDaysFor(ActivityType type, int? own) =>
        own ?? (type == ActivityType.Plenary ? ReminderDaysPlenary : ReminderDays);
}
