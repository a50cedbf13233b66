using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>State of a published topic: codes <c>published</c> (open for claims until its deadline) and <c>closed</c> (closed by staff).</summary>
public enum TopicStatus
{
    /// <summary>已发布.</summary>
    Published = 0,
    /// <summary>已关闭: no more claims.</summary>
    Closed = 1,
}

/// <summary>Who claimed a topic: code <c>sector</c> (界别), <c>special</c> (专门委员会) or <c>member</c> (委员).</summary>
public enum ClaimantKind
{
    Sector = 0,
    SpecialCommittee = 1,
    Member = 2,
}

/// <summary>
/// A research topic published for claiming (领题调研, DOMAIN.md §4.6): a key task of the Party committee and government
/// (党委政府中心工作) that a committee's staff publish with a deadline (China date, claims accepted through that day) and a
/// number of claims allowed (<see cref="MaxClaims"/>). Sectors, special committees and members of the committee claim it
/// (<see cref="TopicClaim"/>); each claim becomes a research project.
/// </summary>
public sealed class ResearchTopic
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's <see cref="Committee.Path"/>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Topic, at most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Background and what is expected, plain text, at most 4,000 characters.</summary>
    public string Background { get; set; } = "";
    /// <summary>Where the task comes from, e.g. 市委经济工作会议部署 (default 党委政府中心工作), at most 200 characters.</summary>
    public string Source { get; set; } = "";
    /// <summary>Last China day on which the topic may be claimed.</summary>
    public DateOnly Deadline { get; set; }
    /// <summary>How many claims are allowed (1–50).</summary>
    public int MaxClaims { get; set; }
    public TopicStatus Status { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public List<TopicClaim> Claims { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchTopic>
    {
        public void Configure(EntityTypeBuilder<ResearchTopic> b)
        {
            b.ToTable("ResearchTopics");
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Background).HasMaxLength(4000);
            b.Property(x => x.Source).HasMaxLength(200);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Claims).WithOne(x => x.Topic).HasForeignKey(x => x.TopicId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>
/// A claim of a <see cref="ResearchTopic"/> by exactly one of a sector, a special committee or a member (a check constraint
/// holds it). <see cref="ClaimNumber"/> is the slot taken (1 … <see cref="ResearchTopic.MaxClaims"/>); the unique index on
/// (topic, slot) makes the database refuse a second claim of the same slot, so the limit holds under concurrent claims.
/// Unique indexes also refuse a second claim by the same claimant. The claim's research project is
/// <see cref="ResearchProjectId"/> (its <see cref="ResearchProject.TopicClaimId"/> points back).
/// </summary>
public sealed class TopicClaim
{
    public int Id { get; set; }
    public int TopicId { get; set; }
    public ResearchTopic? Topic { get; set; }
    /// <summary>Slot taken, 1-based, at most the topic's <see cref="ResearchTopic.MaxClaims"/>.</summary>
    public int ClaimNumber { get; set; }
    public int? SectorId { get; set; }
    public Sector? Sector { get; set; }
    public int? SpecialCommitteeId { get; set; }
    public SpecialCommittee? SpecialCommittee { get; set; }
    public int? MemberId { get; set; }
    public Member? Member { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
    /// <summary>User name of the account that claimed (the member, or the staff acting for a sector or special committee).</summary>
    public string ClaimedBy { get; set; } = "";
    /// <summary>The research project the claim became.</summary>
    public int? ResearchProjectId { get; set; }
    public ResearchProject? ResearchProject { get; set; }

    /// <summary>Which kind of claimant holds the claim.</summary>
    public ClaimantKind Kind => MemberId is not null ? ClaimantKind.Member : SpecialCommitteeId is not null ? ClaimantKind.SpecialCommittee : ClaimantKind.Sector;

    internal sealed class Configuration : IEntityTypeConfiguration<TopicClaim>
    {
        public void Configure(EntityTypeBuilder<TopicClaim> b)
        {
            b.ToTable("TopicClaims", t => t.HasCheckConstraint("CK_TopicClaims_OneClaimant",
                "(CASE WHEN \"SectorId\" IS NULL THEN 0 ELSE 1 END) + (CASE WHEN \"SpecialCommitteeId\" IS NULL THEN 0 ELSE 1 END) + (CASE WHEN \"MemberId\" IS NULL THEN 0 ELSE 1 END) = 1"));
            b.Property(x => x.ClaimedBy).HasMaxLength(64);
            b.Ignore(x => x.Kind);
            b.HasOne(x => x.Sector).WithMany().HasForeignKey(x => x.SectorId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.SpecialCommittee).WithMany().HasForeignKey(x => x.SpecialCommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.ResearchProject).WithMany().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.SetNull);
            // The claim limit and "one claim per claimant" are the database's to enforce, not a check-then-insert.
            b.HasIndex(x => new { x.TopicId, x.ClaimNumber }).IsUnique();
            b.HasIndex(x => new { x.TopicId, x.SectorId }).IsUnique().HasFilter("\"SectorId\" IS NOT NULL");
            b.HasIndex(x => new { x.TopicId, x.SpecialCommitteeId }).IsUnique().HasFilter("\"SpecialCommitteeId\" IS NOT NULL");
            b.HasIndex(x => new { x.TopicId, x.MemberId }).IsUnique().HasFilter("\"MemberId\" IS NOT NULL");
        }
    }
}
