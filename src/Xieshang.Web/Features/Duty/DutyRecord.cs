using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>Category of a duty record, for the totals of the duty file (履职档案) and the dashboards.</summary>
public enum DutyCategory
{
    /// <summary>会议活动: attending meetings and activities.</summary>
    Attendance = 1,
    /// <summary>发言与执笔: speaking, lecturing, writing a report.</summary>
    Speech = 2,
    /// <summary>提案.</summary>
    Proposal = 3,
    /// <summary>社情民意.</summary>
    OpinionItem = 4,
    /// <summary>调研视察.</summary>
    Research = 5,
    /// <summary>学习培训.</summary>
    Study = 6,
    /// <summary>志愿服务与社会公益.</summary>
    Volunteer = 7,
    /// <summary>荣誉与表彰.</summary>
    Honour = 8,
    /// <summary>纪律: unexcused absence and other deductions (negative points).</summary>
    Discipline = 9,
    /// <summary>其他.</summary>
    Other = 10,
}

/// <summary>
/// One duty event in a member's yearly duty file (履职档案). Written only through <see cref="DutyLedger"/>,
/// the single entry point every capability uses (activities today; proposals, opinion items, research and
/// study later). <see cref="Points"/> = the scoring rule's points (<see cref="ScoringRule"/>, by
/// <see cref="RuleCode"/>, in effect on <see cref="OccurredAt"/> for the member's committee) × <see cref="Quantity"/>.
/// (<see cref="Source"/>, <see cref="SourceId"/>, <see cref="MemberId"/>, <see cref="RuleCode"/>) is unique, so
/// recording the same event twice changes nothing.
/// </summary>
public sealed class DutyRecord
{
    public long Id { get; set; }
    public int MemberId { get; set; }
    /// <summary>Member's committee when the duty was performed.</summary>
    public int CommitteeId { get; set; }
    public string CommitteePath { get; set; } = "";
    public int SectorId { get; set; }
    /// <summary>Calendar year of <see cref="OccurredAt"/> in China Standard Time.</summary>
    public int Year { get; set; }
    public DutyCategory Category { get; set; }
    /// <summary>Code of the scoring rule, e.g. <c>attend.plenary</c>.</summary>
    public string RuleCode { get; set; } = "";
    /// <summary>Multiplier of the rule's points (1 for most events; hours or items for some).</summary>
    public decimal Quantity { get; set; } = 1;
    public decimal Points { get; set; }
    /// <summary>Kind of the originating object: <c>activity</c>, <c>claim</c>, later <c>proposal</c>, <c>opinion</c>, ….</summary>
    public string Source { get; set; } = "";
    /// <summary>Id of the originating object within <see cref="Source"/>.</summary>
    public int SourceId { get; set; }
    /// <summary>What was done, e.g. the activity's title.</summary>
    public string Title { get; set; } = "";
    /// <summary>Evidence: a link inside the platform (<c>/activities/12</c>) or the claim's description.</summary>
    public string Evidence { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<DutyRecord>
    {
        public void Configure(EntityTypeBuilder<DutyRecord> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.RuleCode).HasMaxLength(64);
            b.Property(x => x.Source).HasMaxLength(32);
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Evidence).HasMaxLength(500);
            b.Property(x => x.Quantity).HasPrecision(9, 2);
            b.Property(x => x.Points).HasPrecision(9, 2);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            // PostgreSQL: leave 20 % of each page free so a rule change rewrites points in place (HOT updates, no index
            // writes): a national rule change over 19.5 M records 47 s → 11 s, WAL 12.3 → 3.4 GB (docs/benchmarks.md).
            b.HasStorageParameter("fillfactor", 80);
            b.HasIndex(x => new { x.Source, x.SourceId, x.MemberId, x.RuleCode }).IsUnique();
            b.HasIndex(x => new { x.MemberId, x.Year });
            b.HasIndex(x => new { x.Year, x.CommitteePath, x.MemberId });
            b.HasIndex(x => new { x.Year, x.RuleCode });
        }
    }
}

/// <summary>
/// A scoring rule (积分规则): points for one kind of duty event, for a committee and every committee below it,
/// between two dates. The rule that applies to a member is the one with the longest <see cref="CommitteePath"/>
/// that is a prefix of the member's committee path (platform defaults have an empty path), in effect on the day
/// of the event. Staff edit their committee's rules; a change recomputes the affected year.
/// </summary>
public sealed class ScoringRule
{
    public int Id { get; set; }
    /// <summary>Committee that set the rule; null for the platform's default rule set.</summary>
    public int? CommitteeId { get; set; }
    /// <summary>Scope path of <see cref="CommitteeId"/>, empty for defaults.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Rule code, e.g. <c>attend.plenary</c>, <c>absent.plenary</c>, <c>speaker</c>.</summary>
    public string Code { get; set; } = "";
    public DutyCategory Category { get; set; }
    /// <summary>Chinese name shown in the duty file, e.g. 出席全体会议.</summary>
    public string Name { get; set; } = "";
    /// <summary>Points per event (negative for deductions).</summary>
    public decimal Points { get; set; }
    /// <summary>First day in effect (China Standard Time).</summary>
    public DateOnly EffectiveFrom { get; set; }
    /// <summary>Last day in effect; null = open-ended.</summary>
    public DateOnly? EffectiveTo { get; set; }
    /// <summary>Why this value (the published local rule it follows).</summary>
    public string Rationale { get; set; } = "";
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ScoringRule>
    {
        public void Configure(EntityTypeBuilder<ScoringRule> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Code).HasMaxLength(64);
            b.Property(x => x.Name).HasMaxLength(64);
            b.Property(x => x.Points).HasPrecision(9, 2);
            b.Property(x => x.Rationale).HasMaxLength(500);
            b.Property(x => x.UpdatedBy).HasMaxLength(64);
            b.HasIndex(x => new { x.CommitteePath, x.Code, x.EffectiveFrom });
        }
    }
}

/// <summary>State of a member-submitted duty (<see cref="DutyClaim"/>).</summary>
public enum DutyClaimStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
}

/// <summary>
/// A duty a member reports themselves (volunteer service, an honour, a speech elsewhere) with evidence;
/// staff of the member's committee approve it (it then becomes a <see cref="DutyRecord"/> through
/// <see cref="DutyLedger"/>) or reject it with a note.
/// </summary>
public sealed class DutyClaim
{
    public int Id { get; set; }
    public int MemberId { get; set; }
    public string CommitteePath { get; set; } = "";
    /// <summary>Scoring rule code the claim asks for, e.g. <c>claim.volunteer</c>.</summary>
    public string RuleCode { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public DateOnly OccurredOn { get; set; }
    /// <summary>Hours or items for rules counted per unit; 1 otherwise.</summary>
    public decimal Quantity { get; set; } = 1;
    public string EvidenceFileName { get; set; } = "";
    public string EvidenceContentType { get; set; } = "";
    public byte[]? EvidenceContent { get; set; }
    public DutyClaimStatus Status { get; set; }
    public string ReviewedBy { get; set; } = "";
    public DateTimeOffset? ReviewedAt { get; set; }
    public string ReviewNote { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<DutyClaim>
    {
        public void Configure(EntityTypeBuilder<DutyClaim> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.RuleCode).HasMaxLength(64);
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Description).HasMaxLength(2000);
            b.Property(x => x.Quantity).HasPrecision(9, 2);
            b.Property(x => x.EvidenceFileName).HasMaxLength(200);
            b.Property(x => x.EvidenceContentType).HasMaxLength(120);
            b.Property(x => x.ReviewedBy).HasMaxLength(64);
            b.Property(x => x.ReviewNote).HasMaxLength(500);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.CommitteePath, x.Status });
            b.HasIndex(x => x.MemberId);
        }
    }
}
