using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>Answer of an invited committee to a same-topic research: codes <c>invited</c>, <c>joined</c>, <c>declined</c>.</summary>
public enum JointInvitationStatus
{
    /// <summary>已邀请, no answer yet.</summary>
    Invited = 0,
    /// <summary>已参加: the committee runs a sub-project (<see cref="JointResearchInvitation.SubProjectId"/>).</summary>
    Joined = 1,
    /// <summary>不参加.</summary>
    Declined = 2,
}

/// <summary>
/// An invitation of a lower committee to a same-topic research (同题调研邀请, DOMAIN.md §4.6): the higher committee's staff
/// invite the committees below the parent project's organiser; the invited committee's staff join (a sub-project is created,
/// <see cref="SubProjectId"/>) or decline. A committee the parent's staff add directly gets a row in state joined, so the board
/// and the combined report list every committee asked and its answer. One row per parent and committee.
/// </summary>
public sealed class JointResearchInvitation
{
    public int Id { get; set; }
    /// <summary>The same-topic parent project (<see cref="ResearchProject.IsJoint"/>).</summary>
    public int ParentId { get; set; }
    public ResearchProject? Parent { get; set; }
    /// <summary>The invited committee (strictly below the parent's organiser).</summary>
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the invited committee's <see cref="Committee.Path"/>.</summary>
    public string CommitteePath { get; set; } = "";
    public JointInvitationStatus Status { get; set; }
    public DateTimeOffset InvitedAt { get; set; }
    /// <summary>User name of the staff who invited (or added) the committee.</summary>
    public string InvitedBy { get; set; } = "";
    /// <summary>When the committee joined or declined (null while invited).</summary>
    public DateTimeOffset? AnsweredAt { get; set; }
    public string AnsweredBy { get; set; } = "";
    /// <summary>The committee's sub-project once joined.</summary>
    public int? SubProjectId { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<JointResearchInvitation>
    {
        public void Configure(EntityTypeBuilder<JointResearchInvitation> b)
        {
            b.ToTable("JointResearchInvitations");
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.InvitedBy).HasMaxLength(64);
            b.Property(x => x.AnsweredBy).HasMaxLength(64);
            b.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<ResearchProject>().WithMany().HasForeignKey(x => x.SubProjectId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => new { x.ParentId, x.CommitteeId }).IsUnique();
            b.HasIndex(x => x.CommitteePath);
        }
    }
}
