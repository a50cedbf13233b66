using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// The kinds of work item that can stand in a chain from a citizen's message or a research trip to an implemented
/// measure (DOMAIN.md §4.8). Used by <see cref="Outcome.SourceType"/> and both ends of a <see cref="WorkLink"/>.
/// API codes are the lower-case, hyphenated names (<c>research</c>, <c>studio-message</c>, …).
/// </summary>
public enum WorkItemType
{
    /// <summary>调研/视察 project (<c>ResearchProject</c>), code <c>research</c>.</summary>
    Research = 1,
    /// <summary>A citizen's message to a members' studio (<c>StudioMessage</c>), code <c>studio-message</c>.</summary>
    StudioMessage = 2,
    /// <summary>A proposal (<see cref="Proposal"/>), code <c>proposal</c>.</summary>
    Proposal = 3,
    /// <summary>A public-opinion item (<see cref="OpinionItem"/>), code <c>opinion</c>.</summary>
    OpinionItem = 4,
    /// <summary>A consultation (<c>Consultation</c>), code <c>consultation</c>.</summary>
    Consultation = 5,
    /// <summary>An outcome (<see cref="Outcome"/>), code <c>outcome</c>.</summary>
    Outcome = 6,
    /// <summary>An activity (field work, reception day), code <c>activity</c>.</summary>
    Activity = 7,
    /// <summary>A claimed topic (<c>ResearchTopic</c>), code <c>topic</c>.</summary>
    Topic = 8,
    /// <summary>A members' studio (<c>Studio</c>), code <c>studio</c>.</summary>
    Studio = 9,
}

/// <summary>Kind of an outcome (成果): what produced it.</summary>
public enum OutcomeKind
{
    /// <summary>协商建议: a recommendation of a consultation or of a research project (建议案).</summary>
    Recommendation = 0,
    /// <summary>调研/视察报告: an approved research or inspection report sent to the Party committee or government.</summary>
    ResearchReport = 1,
    /// <summary>协商成果: the overall result of a consultation (its consensus as sent on).</summary>
    ConsultationResult = 2,
    /// <summary>提案答复: a proposal answered in class A (solved or adopted) or B (planned), to be implemented.</summary>
    ProposalReply = 3,
    /// <summary>社情民意: an adopted public-opinion item.</summary>
    OpinionItem = 4,
}

/// <summary>Adoption of an outcome (codes <c>pending</c> = submitted, <c>adopted</c>, <c>partly</c>, <c>not-adopted</c>).</summary>
public enum AdoptionStatus
{
    /// <summary>报送待采纳: submitted, no decision yet.</summary>
    Pending = 0,
    Adopted = 1,
    PartlyAdopted = 2,
    NotAdopted = 3,
}

/// <summary>
/// One result of the committee's work followed until it is implemented (成果转化, DOMAIN.md §4.8): a research report, a
/// recommendation, a consultation result, a proposal reply in class A or B, an adopted public-opinion item. It carries the
/// adoption status and adopting body, leader instructions (<see cref="OutcomeInstruction"/>), and implementation progress
/// (<see cref="Percent"/> 0–100, <see cref="OutcomeMilestone"/>s, <see cref="OutcomeProgress"/> updates with evidence files).
/// Where it came from is <see cref="SourceType"/> + <see cref="SourceId"/> (e.g. <c>Consultation 12</c>); the scope is the
/// committee of that source (<see cref="CommitteePath"/>). <see cref="ResponsibleUnitId"/> is the government department whose
/// account may report progress. <see cref="MemberIds"/> are the members credited (duty records for leader instructions).
/// </summary>
public sealed class Outcome
{
    public int Id { get; set; }
    public OutcomeKind Kind { get; set; }
    public WorkItemType SourceType { get; set; }
    public int SourceId { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's <see cref="Committee.Path"/>, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Order among the outcomes of one source (1-based).</summary>
    public int SortOrder { get; set; }
    /// <summary>At most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Plain text, at most 4,000 characters.</summary>
    public string Text { get; set; } = "";
    /// <summary>China date it was submitted (报送) to the adopting side.</summary>
    public DateOnly? SubmittedOn { get; set; }
    public AdoptionStatus Adoption { get; set; }
    /// <summary>The body that adopted it (采纳单位), e.g. 六盘水市人民政府; at most 100 characters.</summary>
    public string AdoptingBody { get; set; } = "";
    public DateOnly? AdoptedOn { get; set; }
    public string AdoptionNote { get; set; } = "";
    /// <summary>The government department responsible for implementing it (its unit account may report progress); optional.</summary>
    public int? ResponsibleUnitId { get; set; }
    public HandlingUnit? ResponsibleUnit { get; set; }
    /// <summary>Implementation progress in percent (0–100).</summary>
    public int Percent { get; set; }
    /// <summary>Evidence of implementation (落实情况), plain text, at most 4,000 characters.</summary>
    public string Evidence { get; set; } = "";
    /// <summary>Day it was fully implemented (set when <see cref="Percent"/> reaches 100).</summary>
    public DateOnly? ImplementedOn { get; set; }
    public string Feedback { get; set; } = "";
    public DateOnly? FeedbackOn { get; set; }
    public List<int> MemberIds { get; set; } = [];
    /// <summary>Last progress report or adoption change (for "stalled": no progress for a configured number of days).</summary>
    public DateTimeOffset? LastProgressAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Outcome>
    {
        public void Configure(EntityTypeBuilder<Outcome> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Text).HasMaxLength(4000);
            b.Property(x => x.AdoptingBody).HasMaxLength(100);
            b.Property(x => x.AdoptionNote).HasMaxLength(1000);
            b.Property(x => x.Evidence).HasMaxLength(4000);
            b.Property(x => x.Feedback).HasMaxLength(2000);
            b.PrimitiveCollection(x => x.MemberIds);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.ResponsibleUnit).WithMany().HasForeignKey(x => x.ResponsibleUnitId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.SourceType, x.SourceId });
            b.HasIndex(x => x.CommitteePath);
            b.HasIndex(x => x.ResponsibleUnitId);
        }
    }
}

/// <summary>A leader's instruction (领导批示) on an outcome: leader, level, China date, text.</summary>
public sealed class OutcomeInstruction
{
    public int Id { get; set; }
    public int OutcomeId { get; set; }
    public string LeaderName { get; set; } = "";
    public OpinionLevel Level { get; set; }
    public string Text { get; set; } = "";
    public DateOnly On { get; set; }
    public string RecordedBy { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<OutcomeInstruction>
    {
        public void Configure(EntityTypeBuilder<OutcomeInstruction> b)
        {
            b.Property(x => x.LeaderName).HasMaxLength(64);
            b.Property(x => x.Text).HasMaxLength(2000);
            b.Property(x => x.RecordedBy).HasMaxLength(64);
            b.HasOne<Outcome>().WithMany().HasForeignKey(x => x.OutcomeId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.OutcomeId);
        }
    }
}

/// <summary>A milestone of an outcome's implementation (落实节点): what, due when, done when.</summary>
public sealed class OutcomeMilestone
{
    public int Id { get; set; }
    public int OutcomeId { get; set; }
    public string Title { get; set; } = "";
    public DateOnly? DueOn { get; set; }
    public DateOnly? DoneOn { get; set; }
    public string Note { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<OutcomeMilestone>
    {
        public void Configure(EntityTypeBuilder<OutcomeMilestone> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Note).HasMaxLength(1000);
            b.HasOne<Outcome>().WithMany().HasForeignKey(x => x.OutcomeId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.OutcomeId);
        }
    }
}

/// <summary>
/// One progress report on an outcome (落实进展): the percent reached, what was done, by whom (staff or the responsible
/// department's account), when; evidence files hang off it (<see cref="OutcomeFile"/>).
/// </summary>
public sealed class OutcomeProgress
{
    public int Id { get; set; }
    public int OutcomeId { get; set; }
    /// <summary>Percent reached with this report (0–100).</summary>
    public int Percent { get; set; }
    /// <summary>Plain text, at most 2,000 characters.</summary>
    public string Note { get; set; } = "";
    /// <summary>China date the reported step happened.</summary>
    public DateOnly On { get; set; }
    public string ByUserId { get; set; } = "";
    /// <summary>Display name of the reporter, e.g. 市交通运输局 or a staff member's name.</summary>
    public string ByName { get; set; } = "";
    public DateTimeOffset At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OutcomeProgress>
    {
        public void Configure(EntityTypeBuilder<OutcomeProgress> b)
        {
            b.Property(x => x.Note).HasMaxLength(2000);
            b.Property(x => x.ByUserId).HasMaxLength(64);
            b.Property(x => x.ByName).HasMaxLength(100);
            b.HasOne<Outcome>().WithMany().HasForeignKey(x => x.OutcomeId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.OutcomeId);
        }
    }
}

/// <summary>An evidence file (落实佐证) of an outcome, stored in the database (at most the configured upload size).</summary>
public sealed class OutcomeFile
{
    public int Id { get; set; }
    public int OutcomeId { get; set; }
    /// <summary>The progress report it came with (null: added on its own).</summary>
    public int? ProgressId { get; set; }
    public OutcomeProgress? Progress { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public long Size { get; set; }
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OutcomeFile>
    {
        public void Configure(EntityTypeBuilder<OutcomeFile> b)
        {
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(120);
            b.Property(x => x.UploadedBy).HasMaxLength(64);
            b.HasOne<Outcome>().WithMany().HasForeignKey(x => x.OutcomeId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Progress).WithMany().HasForeignKey(x => x.ProgressId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => x.OutcomeId);
        }
    }
}

/// <summary>
/// A directed link between two work items (<c>From</c> led to <c>To</c>), e.g. studio message → proposal, research project →
/// opinion item, proposal → outcome. The chain view follows links both ways. Written by the code that creates the second
/// item (conversion, "create proposal from research"), never by hand. <see cref="CommitteePath"/> is the scope of the
/// <c>From</c> item at the time of linking.
/// </summary>
public sealed class WorkLink
{
    public int Id { get; set; }
    public WorkItemType FromType { get; set; }
    public int FromId { get; set; }
    public WorkItemType ToType { get; set; }
    public int ToId { get; set; }
    public string CommitteePath { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<WorkLink>
    {
        public void Configure(EntityTypeBuilder<WorkLink> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasIndex(x => new { x.FromType, x.FromId, x.ToType, x.ToId }).IsUnique();
            b.HasIndex(x => new { x.ToType, x.ToId });
        }
    }
}
