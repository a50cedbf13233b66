using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Consultations;

/// <summary>Type of a consultation (协商, DOMAIN.md §4.5). API codes are in <see cref="ConsultationTypes"/>.</summary>
public enum ConsultationType
{
    /// <summary>全体会议协商, code <c>plenary</c>.</summary>
    Plenary = 1,
    /// <summary>专题协商, code <c>thematic</c>.</summary>
    Thematic = 2,
    /// <summary>对口协商 (with the matching government department), code <c>counterpart</c>.</summary>
    Counterpart = 3,
    /// <summary>界别协商, code <c>sector</c>.</summary>
    Sector = 4,
    /// <summary>提案办理协商, code <c>proposal</c>.</summary>
    ProposalHandling = 5,
    /// <summary>网络议政, code <c>online</c>.</summary>
    Online = 6,
    /// <summary>远程协商, code <c>remote</c>.</summary>
    Remote = 7,
    /// <summary>园区(企业)协商 (grassroots), code <c>park</c>.</summary>
    IndustrialPark = 8,
    /// <summary>院坝协商 (grassroots, village courtyard), code <c>courtyard</c>.</summary>
    Courtyard = 9,
    /// <summary>社区协商 (grassroots), code <c>community</c>.</summary>
    Community = 10,
}

/// <summary>API codes and Chinese names of <see cref="ConsultationType"/>.</summary>
public static class ConsultationTypes
{
    /// <summary>Every type with its API code, Chinese name and whether it is a grassroots type (基层协商, non-members take part).</summary>
    public static readonly IReadOnlyList<(ConsultationType Type, string Code, string Name, bool Grassroots)> All =
    [
        (ConsultationType.Plenary, "plenary", "全体会议协商", false),
        (ConsultationType.Thematic, "thematic", "专题协商", false),
        (ConsultationType.Counterpart, "counterpart", "对口协商", false),
        (ConsultationType.Sector, "sector", "界别协商", false),
        (ConsultationType.ProposalHandling, "proposal", "提案办理协商", false),
        (ConsultationType.Online, "online", "网络议政", false),
        (ConsultationType.Remote, "remote", "远程协商", false),
        (ConsultationType.IndustrialPark, "park", "园区(企业)协商", true),
        (ConsultationType.Courtyard, "courtyard", "院坝协商", true),
        (ConsultationType.Community, "community", "社区协商", true),
    ];

    /// <summary>API code of <paramref name="type"/>.</summary>
    public static string Code(ConsultationType type) => All.First(t => t.Type == type).Code;

    /// <summary>Chinese name of <paramref name="type"/>.</summary>
    public static string Name(ConsultationType type) => All.First(t => t.Type == type).Name;

    /// <summary>Parses an API code (case-insensitive); null when unknown.</summary>
    public static ConsultationType? Parse(string? code) =>
        All.FirstOrDefault(t => string.Equals(t.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Code: not null } hit ? hit.Type : null;
}

/// <summary>
/// Step of a consultation (DOMAIN.md §4.5): topic → research → notice → meeting → minutes/recommendations → adoption →
/// implementation → feedback → closed. The edges are data in <see cref="ConsultationWorkflow"/>.
/// </summary>
public enum ConsultationStatus
{
    /// <summary>议题确定, code <c>topic</c>.</summary>
    Topic = 0,
    /// <summary>调研, code <c>research</c>.</summary>
    Research = 1,
    /// <summary>会议通知已发, code <c>notice</c> (the meeting activity is published).</summary>
    Notice = 2,
    /// <summary>会议已召开, code <c>meeting</c>.</summary>
    Meeting = 3,
    /// <summary>纪要、建议已形成, code <c>minutes</c>.</summary>
    Minutes = 4,
    /// <summary>建议报送采纳, code <c>adoption</c>.</summary>
    Adoption = 5,
    /// <summary>落实中, code <c>implementation</c>.</summary>
    Implementation = 6,
    /// <summary>反馈, code <c>feedback</c>.</summary>
    Feedback = 7,
    /// <summary>办结, code <c>closed</c>.</summary>
    Closed = 8,
}

/// <summary>
/// A consultation (协商) held by one committee (<see cref="CommitteeId"/>, scope path copied to <see cref="CommitteePath"/>).
/// Its meeting is an <see cref="Activity"/> of type <see cref="ActivityType.Consultation"/> (<see cref="ActivityId"/>), which
/// carries invitations, attendance and duty records. An online deliberation (网络议政) may be attached to it.
/// Deadlines are counted in working days (<see cref="Proposals.WorkCalendar"/>) from the meeting day: the notice
/// <see cref="NoticeDays"/> and the materials <see cref="MaterialsDays"/> before it, the minutes <see cref="MinutesDays"/> after it.
/// </summary>
public sealed class Consultation
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's <see cref="Committee.Path"/>, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Topic (协商议题), at most 200 characters.</summary>
    public string Title { get; set; } = "";
    public ConsultationType Type { get; set; }
    public ConsultationStatus Status { get; set; }
    /// <summary>Background and aims (plain text, at most 4,000 characters).</summary>
    public string Summary { get; set; } = "";
    /// <summary>The topic of the yearly plan this consultation carries out (null: outside the plan).</summary>
    public int? PlanTopicId { get; set; }
    public ConsultationPlanTopic? PlanTopic { get; set; }
    /// <summary>The counterpart government department (对口部门), a handling unit; optional.</summary>
    public int? HandlingUnitId { get; set; }
    public HandlingUnit? HandlingUnit { get; set; }
    /// <summary>
    /// Planned meeting start (an instant) before the meeting activity exists. Once <see cref="ActivityId"/> is set the activity's
    /// <see cref="Activity.StartsAt"/> is the meeting time (postponements follow it): this is then only a copy, refreshed from the
    /// activity by <see cref="ConsultationQueries.UseActivityMeetingAsync"/> wherever the meeting time is used.
    /// </summary>
    public DateTimeOffset? MeetingAt { get; set; }
    /// <summary>Planned meeting end; the activity's <see cref="Activity.EndsAt"/> once it exists (see <see cref="MeetingAt"/>).</summary>
    public DateTimeOffset? MeetingEndsAt { get; set; }
    /// <summary>Meeting place (会场), at most 200 characters; the activity's <see cref="Activity.Place"/> once it exists.</summary>
    public string Place { get; set; } = "";
    /// <summary>Working days before the meeting by which the notice is due (default 15).</summary>
    public int NoticeDays { get; set; } = 15;
    /// <summary>Working days before the meeting by which the materials are due (default 10).</summary>
    public int MaterialsDays { get; set; } = 10;
    /// <summary>Working days after the meeting within which minutes or recommendations are due (default 7).</summary>
    public int MinutesDays { get; set; } = 7;
    /// <summary>When the notice went out (the meeting activity was published).</summary>
    public DateTimeOffset? NoticeSentAt { get; set; }
    /// <summary>When staff marked the materials as sent to participants.</summary>
    public DateTimeOffset? MaterialsSentAt { get; set; }
    /// <summary>Minutes (会议纪要) as sanitised HTML (<see cref="Infrastructure.Text.RichText"/>).</summary>
    public string Minutes { get; set; } = "";
    public DateTimeOffset? MinutesAt { get; set; }
    /// <summary>Consensus found at the meeting (达成的共识), plain text typed by staff.</summary>
    public string Consensus { get; set; } = "";
    /// <summary>Divergences that remain (存在的分歧), plain text typed by staff.</summary>
    public string Divergences { get; set; } = "";
    /// <summary>Feedback to participants (反馈), plain text.</summary>
    public string Feedback { get; set; } = "";
    /// <summary>The meeting as an activity (attendance, duty records); null until the meeting is scheduled.</summary>
    public int? ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Consultation>
    {
        public void Configure(EntityTypeBuilder<Consultation> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.Property(x => x.Summary).HasMaxLength(4000);
            b.Property(x => x.Place).HasMaxLength(200);
            b.Property(x => x.Minutes).HasMaxLength(40000);
            b.Property(x => x.Consensus).HasMaxLength(4000);
            b.Property(x => x.Divergences).HasMaxLength(4000);
            b.Property(x => x.Feedback).HasMaxLength(4000);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.PlanTopic).WithMany().HasForeignKey(x => x.PlanTopicId).OnDelete(DeleteBehavior.SetNull);
            b.HasOne(x => x.HandlingUnit).WithMany().HasForeignKey(x => x.HandlingUnitId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CommitteePath);
            b.HasIndex(x => x.ActivityId);
        }
    }
}

/// <summary>One step taken on a consultation (its timeline, and the process section of the report).</summary>
public sealed class ConsultationEvent
{
    public int Id { get; set; }
    public int ConsultationId { get; set; }
    /// <summary>Action code (<c>create</c>, a workflow action, <c>minutes</c>, <c>materials</c> …).</summary>
    public string Action { get; set; } = "";
    public ConsultationStatus From { get; set; }
    public ConsultationStatus To { get; set; }
    public string Note { get; set; } = "";
    public string By { get; set; } = "";
    public DateTimeOffset At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationEvent>
    {
        public void Configure(EntityTypeBuilder<ConsultationEvent> b)
        {
            b.Property(x => x.Action).HasMaxLength(32);
            b.Property(x => x.Note).HasMaxLength(1000);
            b.Property(x => x.By).HasMaxLength(64);
            b.HasOne<Consultation>().WithMany().HasForeignKey(x => x.ConsultationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ConsultationId);
        }
    }
}

/// <summary>State of a consultation plan: drafted by staff, or published to the committee's members and leaders.</summary>
public enum PlanStatus
{
    Draft = 0,
    Published = 1,
}

/// <summary>The yearly consultation plan (年度协商计划) of one committee: one per committee and year.</summary>
public sealed class ConsultationPlan
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    public string CommitteePath { get; set; } = "";
    public int Year { get; set; }
    public PlanStatus Status { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationPlan>
    {
        public void Configure(EntityTypeBuilder<ConsultationPlan> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.PublishedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.CommitteeId, x.Year }).IsUnique();
            b.HasIndex(x => new { x.CommitteePath, x.Year });
        }
    }
}

/// <summary>Who suggested a plan topic: a party, a special committee, a sector or a lower committee (codes in <see cref="ConsultationWorkflow.SuggesterKinds"/>).</summary>
public enum SuggesterKind
{
    /// <summary>民主党派、工商联, code <c>party</c>.</summary>
    Party = 1,
    /// <summary>专门委员会, code <c>special</c>.</summary>
    SpecialCommittee = 2,
    /// <summary>界别, code <c>sector</c>.</summary>
    Sector = 3,
    /// <summary>下级政协, code <c>lower</c>.</summary>
    LowerCommittee = 4,
}

/// <summary>State of a plan topic: suggested, approved, rejected (with a reason), scheduled (month, type, lead special committee).</summary>
public enum PlanTopicStatus
{
    Suggested = 0,
    Approved = 1,
    Rejected = 2,
    Scheduled = 3,
}

/// <summary>A topic of a yearly plan (协商议题建议), suggested by <see cref="SuggesterKind"/>/<see cref="SuggesterId"/> and reviewed by staff.</summary>
public sealed class ConsultationPlanTopic
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public ConsultationPlan? Plan { get; set; }
    public string Title { get; set; } = "";
    /// <summary>Why it matters (plain text, at most 2,000 characters).</summary>
    public string Reason { get; set; } = "";
    public SuggesterKind SuggesterKind { get; set; }
    /// <summary>Id of the special committee, sector or committee that suggested it (0 for a party, named by <see cref="SuggesterName"/>).</summary>
    public int SuggesterId { get; set; }
    /// <summary>Its name at the time (shown without joins).</summary>
    public string SuggesterName { get; set; } = "";
    public PlanTopicStatus Status { get; set; }
    public string RejectReason { get; set; } = "";
    /// <summary>Planned month (1–12) once scheduled.</summary>
    public int? PlannedMonth { get; set; }
    /// <summary>Planned day, when known.</summary>
    public DateOnly? PlannedOn { get; set; }
    public ConsultationType? Type { get; set; }
    /// <summary>The special committee that leads (牵头) it.</summary>
    public int? LeadSpecialCommitteeId { get; set; }
    public SpecialCommittee? LeadSpecialCommittee { get; set; }
    public string ReviewedBy { get; set; } = "";
    public DateTimeOffset? ReviewedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationPlanTopic>
    {
        public void Configure(EntityTypeBuilder<ConsultationPlanTopic> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Reason).HasMaxLength(2000);
            b.Property(x => x.SuggesterName).HasMaxLength(100);
            b.Property(x => x.RejectReason).HasMaxLength(1000);
            b.Property(x => x.ReviewedBy).HasMaxLength(64);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Plan).WithMany().HasForeignKey(x => x.PlanId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.LeadSpecialCommittee).WithMany().HasForeignKey(x => x.LeadSpecialCommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.PlanId);
        }
    }
}

/// <summary>Category of a non-member participant of a consultation (codes in <see cref="ConsultationWorkflow.ParticipantCategories"/>).</summary>
public enum ParticipantCategory
{
    /// <summary>党政部门干部, code <c>official</c>.</summary>
    Official = 1,
    /// <summary>企业家, code <c>entrepreneur</c>.</summary>
    Entrepreneur = 2,
    /// <summary>金融机构人员, code <c>banker</c>.</summary>
    Banker = 3,
    /// <summary>村（居）民, code <c>villager</c>.</summary>
    Villager = 4,
    /// <summary>专家学者, code <c>expert</c>.</summary>
    Expert = 5,
    /// <summary>其他, code <c>other</c>.</summary>
    Other = 9,
}

/// <summary>
/// A non-member taking part in a consultation (officials, entrepreneurs, bankers, villagers): entered by staff or
/// self-registered through an invitation link (<see cref="InviteLinkId"/>). Members take part through the meeting's
/// activity invitations instead.
/// </summary>
public sealed class ConsultationParticipant
{
    public int Id { get; set; }
    public int ConsultationId { get; set; }
    /// <summary>Name as written (may hold <c>·</c> and characters beyond the BMP), at most 50 UTF-16 units.</summary>
    public string Name { get; set; } = "";
    public string Organization { get; set; } = "";
    /// <summary>Role or identity (职务/身份), e.g. 村党支部书记.</summary>
    public string Role { get; set; } = "";
    public ParticipantCategory Category { get; set; }
    /// <summary>Mobile phone, optional.</summary>
    public string Phone { get; set; } = "";
    /// <summary>The invitation link used to register (null: entered by staff).</summary>
    public int? InviteLinkId { get; set; }
    /// <summary>Attended the meeting (null: not yet recorded).</summary>
    public bool? Attended { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationParticipant>
    {
        public void Configure(EntityTypeBuilder<ConsultationParticipant> b)
        {
            b.Property(x => x.Name).HasMaxLength(50);
            b.Property(x => x.Organization).HasMaxLength(100);
            b.Property(x => x.Role).HasMaxLength(50);
            b.Property(x => x.Phone).HasMaxLength(20);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne<Consultation>().WithMany().HasForeignKey(x => x.ConsultationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<ConsultationInviteLink>().WithMany().HasForeignKey(x => x.InviteLinkId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => x.ConsultationId);
        }
    }
}

/// <summary>
/// An invitation link for non-members to register (<c>/c/{Token}</c>, no sign-in): a random token (32 bytes,
/// base64url), bounded to <see cref="MaxRegistrations"/> registrations, refused once <see cref="RevokedAt"/> is set or
/// the consultation's meeting has ended.
/// </summary>
public sealed class ConsultationInviteLink
{
    public int Id { get; set; }
    public int ConsultationId { get; set; }
    public Consultation? Consultation { get; set; }
    public string Token { get; set; } = "";
    /// <summary>Who it was given to (e.g. 大湾镇海坪村), shown to staff.</summary>
    public string Label { get; set; } = "";
    public int MaxRegistrations { get; set; } = 100;
    public DateTimeOffset? RevokedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationInviteLink>
    {
        public void Configure(EntityTypeBuilder<ConsultationInviteLink> b)
        {
            b.Property(x => x.Token).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Label).HasMaxLength(100);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Consultation).WithMany().HasForeignKey(x => x.ConsultationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.Token).IsUnique();
        }
    }
}

/// <summary>
/// A material (会议材料) of a consultation. Evidence of a recommendation's implementation is an <see cref="OutcomeFile"/> of
/// the recommendation's <see cref="Outcome"/>.
/// </summary>
public sealed class ConsultationFile
{
    public int Id { get; set; }
    public int ConsultationId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public long Size { get; set; }
    public byte[] Content { get; set; } = [];
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ConsultationFile>
    {
        public void Configure(EntityTypeBuilder<ConsultationFile> b)
        {
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(120);
            b.Property(x => x.UploadedBy).HasMaxLength(64);
            b.HasOne<Consultation>().WithMany().HasForeignKey(x => x.ConsultationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ConsultationId);
        }
    }
}
