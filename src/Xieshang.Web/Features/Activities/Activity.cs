using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Activities;

/// <summary>Type of a duty activity (DOMAIN.md §4.1). API codes are the lower-case names in <see cref="ActivityTypes"/>.</summary>
public enum ActivityType
{
    /// <summary>全体会议 (plenary session), code <c>plenary</c>.</summary>
    Plenary = 1,
    /// <summary>常委会议 (standing-committee meeting), code <c>standing</c>.</summary>
    Standing = 2,
    /// <summary>主席会议 (chairpersons' council), code <c>chairs</c>.</summary>
    Chairs = 3,
    /// <summary>协商活动, code <c>consultation</c>.</summary>
    Consultation = 4,
    /// <summary>调研, code <c>research</c>.</summary>
    Research = 5,
    /// <summary>视察, code <c>inspection</c>.</summary>
    Inspection = 6,
    /// <summary>学习培训, code <c>training</c>.</summary>
    Training = 7,
    /// <summary>政协讲堂, code <c>lecture</c>.</summary>
    Lecture = 8,
    /// <summary>读书活动, code <c>reading</c>.</summary>
    Reading = 9,
    /// <summary>文体活动, code <c>culture</c>.</summary>
    Culture = 10,
    /// <summary>对外宣传, code <c>publicity</c>.</summary>
    Publicity = 11,
    /// <summary>服务保障, code <c>service</c>.</summary>
    Service = 12,
    /// <summary>志愿服务 (e.g. 疫情防控), code <c>volunteer</c>.</summary>
    Volunteer = 13,
}

/// <summary>Lifecycle of an activity: drafted, published (invitees notified), postponed (published, new dates notified) or cancelled.</summary>
public enum ActivityStatus
{
    Draft = 0,
    Published = 1,
    Postponed = 2,
    Cancelled = 3,
}

/// <summary>API codes and Chinese names of <see cref="ActivityType"/>.</summary>
public static class ActivityTypes
{
    /// <summary>Every type with its API code and Chinese name, in the order of DOMAIN.md §4.1.</summary>
    public static readonly IReadOnlyList<(ActivityType Type, string Code, string Name)> All =
    [
        (ActivityType.Plenary, "plenary", "全体会议"),
        (ActivityType.Standing, "standing", "常委会议"),
        (ActivityType.Chairs, "chairs", "主席会议"),
        (ActivityType.Consultation, "consultation", "协商活动"),
        (ActivityType.Research, "research", "调研"),
        (ActivityType.Inspection, "inspection", "视察"),
        (ActivityType.Training, "training", "学习培训"),
        (ActivityType.Lecture, "lecture", "政协讲堂"),
        (ActivityType.Reading, "reading", "读书活动"),
        (ActivityType.Culture, "culture", "文体活动"),
        (ActivityType.Publicity, "publicity", "对外宣传"),
        (ActivityType.Service, "service", "服务保障"),
        (ActivityType.Volunteer, "volunteer", "志愿服务"),
    ];

    /// <summary>API code of <paramref name="type"/>, e.g. <c>plenary</c>.</summary>
    public static string Code(ActivityType type) => All.First(t => t.Type == type).Code;

    /// <summary>Chinese name of <paramref name="type"/>, e.g. 全体会议.</summary>
    public static string Name(ActivityType type) => All.First(t => t.Type == type).Name;

    /// <summary>Parses an API code (case-insensitive); null when unknown.</summary>
    public static ActivityType? Parse(string? code) =>
        All.FirstOrDefault(t => string.Equals(t.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Code: not null } hit ? hit.Type : null;
}

/// <summary>
/// A duty activity (履职活动). Organised by one or several committees (<see cref="Organizers"/>; the
/// first is the lead, whose scope path is copied to <see cref="CommitteePath"/>). Invitees are described by
/// <see cref="InviteeRules"/> and resolved into <see cref="Invitation"/> rows when the activity is published.
/// Times are instants (UTC in storage); <see cref="EndsAt"/> is after <see cref="StartsAt"/>.
/// </summary>
public sealed class Activity
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public ActivityType Type { get; set; }
    public ActivityStatus Status { get; set; }
    public DateTimeOffset StartsAt { get; set; }
    public DateTimeOffset EndsAt { get; set; }
    /// <summary>Place (会场), may be empty for an online activity.</summary>
    public string Place { get; set; } = "";
    /// <summary>Link of an online activity (http/https), empty otherwise.</summary>
    public string OnlineLink { get; set; } = "";
    /// <summary>Agenda (议程) as sanitised HTML.</summary>
    public string Agenda { get; set; } = "";
    /// <summary>Attendance is mandatory (必须参加): absence without granted leave counts as unexcused.</summary>
    public bool Mandatory { get; set; }
    /// <summary>Lead organising committee (first of <see cref="Organizers"/>).</summary>
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the lead organiser's <see cref="Committee.Path"/>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Days before the start at which invitees are reminded; null = the type's default (7 for a plenary, 3 otherwise).</summary>
    public int? ReminderDays { get; set; }
    /// <summary>When the reminder went out (null = not yet).</summary>
    public DateTimeOffset? ReminderSentAt { get; set; }
    /// <summary>Random per-activity key (32 bytes) for the rotating check-in tokens; never leaves the server.</summary>
    public byte[] CheckInKey { get; set; } = [];
    /// <summary>Start before the last postponement, shown as 原定时间.</summary>
    public DateTimeOffset? OriginalStartsAt { get; set; }
    public string CancelReason { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>When staff last confirmed attendance (null = not yet).</summary>
    public DateTimeOffset? AttendanceConfirmedAt { get; set; }

    public List<ActivityOrganizer> Organizers { get; set; } = [];
    public List<ActivityInviteeRule> InviteeRules { get; set; } = [];

    /// <summary>True once invitees have been notified (published or postponed).</summary>
    public bool IsLive => Status is ActivityStatus.Published or ActivityStatus.Postponed;

    internal sealed class Configuration : IEntityTypeConfiguration<Activity>
    {
        public void Configure(EntityTypeBuilder<Activity> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Place).HasMaxLength(200);
            b.Property(x => x.OnlineLink).HasMaxLength(500);
            b.Property(x => x.Agenda).HasMaxLength(20000);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CheckInKey).HasMaxLength(32);
            b.Property(x => x.CancelReason).HasMaxLength(500);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Organizers).WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.InviteeRules).WithOne().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.CommitteePath, x.StartsAt });
            b.HasIndex(x => new { x.Status, x.StartsAt });
        }
    }
}

/// <summary>An organising committee of an activity (联动: several, at different levels). The activity shows in each organiser's calendar and counts for each.</summary>
public sealed class ActivityOrganizer
{
    public int ActivityId { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the organiser's scope path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>0 for the lead organiser, then 1, 2, … in the order given.</summary>
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ActivityOrganizer>
    {
        public void Configure(EntityTypeBuilder<ActivityOrganizer> b)
        {
            b.HasKey(x => new { x.ActivityId, x.CommitteeId });
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.CommitteePath, x.ActivityId });
            b.HasIndex(x => x.CommitteeId);
        }
    }
}

/// <summary>What an invitee rule names: a whole committee, one sector, one special committee, or one member.</summary>
public enum InviteeKind
{
    Committee = 1,
    Sector = 2,
    SpecialCommittee = 3,
    Member = 4,
}

/// <summary>One line of an activity's invitee list as staff wrote it; resolved into <see cref="Invitation"/>s on publishing.</summary>
public sealed class ActivityInviteeRule
{
    public int Id { get; set; }
    public int ActivityId { get; set; }
    public InviteeKind Kind { get; set; }
    /// <summary>Id of the committee, sector, special committee or member named by <see cref="Kind"/>.</summary>
    public int TargetId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ActivityInviteeRule>
    {
        public void Configure(EntityTypeBuilder<ActivityInviteeRule> b)
        {
            b.HasIndex(x => new { x.ActivityId, x.Kind, x.TargetId }).IsUnique();
        }
    }
}

/// <summary>A file attached to an activity (会议材料). Content is stored in the database so every instance serves it.</summary>
public sealed class ActivityMaterial
{
    public int Id { get; set; }
    public int ActivityId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    /// <summary>Size in bytes.</summary>
    public long Size { get; set; }
    public byte[] Content { get; set; } = [];
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ActivityMaterial>
    {
        public void Configure(EntityTypeBuilder<ActivityMaterial> b)
        {
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(120);
            b.Property(x => x.UploadedBy).HasMaxLength(64);
            b.HasOne<Activity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ActivityId);
        }
    }
}

/// <summary>An invitee's answer (报名): none yet, attend, decline, or leave requested.</summary>
public enum InvitationResponse
{
    /// <summary>Invited, no answer yet.</summary>
    None = 0,
    /// <summary>Registered to attend (报名参加).</summary>
    Attend = 1,
    /// <summary>Declined (不参加); for a mandatory activity only leave excuses an absence.</summary>
    Decline = 2,
    /// <summary>Asked for leave (请假); see <see cref="LeaveDecision"/>.</summary>
    Leave = 3,
}

/// <summary>Decision on a leave request.</summary>
public enum LeaveDecision
{
    None = 0,
    Pending = 1,
    Granted = 2,
    Refused = 3,
}

/// <summary>Confirmed attendance role (API codes in parentheses).</summary>
public enum AttendanceRole
{
    /// <summary>出席 (<c>present</c>).</summary>
    Present = 1,
    /// <summary>列席, present without vote (<c>nonvoting</c>).</summary>
    NonVoting = 2,
    /// <summary>主讲 / 发言 (<c>speaker</c>).</summary>
    Speaker = 3,
    /// <summary>执笔 (<c>author</c>).</summary>
    Author = 4,
    /// <summary>请假缺席, absent with leave (<c>excused</c>).</summary>
    Excused = 5,
    /// <summary>无故缺席, absent without leave (<c>absent</c>).</summary>
    Absent = 6,
}

/// <summary>
/// One invitee of one activity: their answer, leave request and decision, and confirmed attendance.
/// Created when the activity is published (or when the list is amended, or a walk-in is checked in at the desk).
/// <see cref="CommitteeId"/>/<see cref="CommitteePath"/>/<see cref="SectorId"/> copy the member's at that time,
/// so dashboards group by committee and sector without joins.
/// </summary>
public sealed class Invitation
{
    public int Id { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    public int CommitteeId { get; set; }
    public string CommitteePath { get; set; } = "";
    public int SectorId { get; set; }
    public InvitationResponse Response { get; set; }
    public DateTimeOffset? RespondedAt { get; set; }
    public string LeaveReason { get; set; } = "";
    /// <summary>Leave asked after the deadline (default 2 days before the start).</summary>
    public bool LeaveLate { get; set; }
    public LeaveDecision LeaveDecision { get; set; }
    public string LeaveDecidedBy { get; set; } = "";
    public DateTimeOffset? LeaveDecidedAt { get; set; }
    public string LeaveDecisionNote { get; set; } = "";
    /// <summary>Added at the desk without being on the list.</summary>
    public bool WalkIn { get; set; }
    /// <summary>Confirmed attendance; null until staff confirm.</summary>
    public AttendanceRole? Attendance { get; set; }
    public DateTimeOffset? AttendanceAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Invitation>
    {
        public void Configure(EntityTypeBuilder<Invitation> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.LeaveReason).HasMaxLength(500);
            b.Property(x => x.LeaveDecidedBy).HasMaxLength(64);
            b.Property(x => x.LeaveDecisionNote).HasMaxLength(500);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.ActivityId, x.MemberId }).IsUnique();
            b.HasIndex(x => new { x.MemberId, x.ActivityId });
            b.HasIndex(x => new { x.CommitteePath, x.ActivityId });
        }
    }
}

/// <summary>How a check-in was made.</summary>
public enum CheckInMethod
{
    /// <summary>The member scanned the rotating QR code.</summary>
    Qr = 1,
    /// <summary>Staff checked the member in at the desk.</summary>
    Desk = 2,
}

/// <summary>
/// A member's check-in (签到) at an activity: at most one per member and activity (unique index), so a
/// second scan, or a scan and a desk check-in racing each other, leave exactly one row.
/// </summary>
public sealed class CheckIn
{
    public int Id { get; set; }
    public int ActivityId { get; set; }
    public int MemberId { get; set; }
    public DateTimeOffset At { get; set; }
    public CheckInMethod Method { get; set; }
    /// <summary>Checked in after the start (迟到).</summary>
    public bool Late { get; set; }
    /// <summary>User name of the staff member at the desk, or of the member who scanned.</summary>
    public string By { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<CheckIn>
    {
        public void Configure(EntityTypeBuilder<CheckIn> b)
        {
            b.Property(x => x.By).HasMaxLength(64);
            b.HasOne<Activity>().WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.ActivityId, x.MemberId }).IsUnique();
        }
    }
}

/// <summary>A member's membership of a special committee (专门委员会), used to invite a special committee.</summary>
public sealed class SpecialCommitteeMember
{
    public int SpecialCommitteeId { get; set; }
    public int MemberId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<SpecialCommitteeMember>
    {
        public void Configure(EntityTypeBuilder<SpecialCommitteeMember> b)
        {
            b.HasKey(x => new { x.SpecialCommitteeId, x.MemberId });
            b.HasOne<SpecialCommittee>().WithMany().HasForeignKey(x => x.SpecialCommitteeId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.MemberId);
        }
    }
}
