using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>Kind of a project: 调研 (code <c>research</c>) or 视察 (code <c>inspection</c>).</summary>
public enum ResearchKind
{
    Research = 0,
    Inspection = 1,
}

/// <summary>
/// Stage of a project (DOMAIN.md §4.6): topic set → plan submitted → plan approved by a leader → field work → report (its own
/// workflow, <see cref="ReportStatus"/>) → done once the report is sent. A project can be cancelled before its report is sent.
/// </summary>
public enum ResearchStatus
{
    /// <summary>立项: topic and team being put together, plan not yet approved.</summary>
    Planning = 0,
    /// <summary>方案待审批: the plan waits for a leader.</summary>
    PlanSubmitted = 1,
    /// <summary>方案已批准: field work may start.</summary>
    PlanApproved = 2,
    /// <summary>实地调研: field work under way.</summary>
    FieldWork = 3,
    /// <summary>撰写报告: report being written or reviewed.</summary>
    Reporting = 4,
    /// <summary>已完成: report sent.</summary>
    Completed = 5,
    /// <summary>已取消.</summary>
    Cancelled = 6,
}

/// <summary>Report workflow: draft → submitted → approved → sent, or returned (back to the author) from submitted.</summary>
public enum ReportStatus
{
    /// <summary>起草中.</summary>
    Draft = 0,
    /// <summary>已提交待审.</summary>
    Submitted = 1,
    /// <summary>已审定.</summary>
    Approved = 2,
    /// <summary>已报送 (to the Party committee, the government or the parent committee).</summary>
    Sent = 3,
    /// <summary>已退回修改.</summary>
    Returned = 4,
}

/// <summary>
/// A research or inspection project (调研/视察项目). Organised by one or several committees (<see cref="Organizers"/>; the
/// lead is <see cref="CommitteeId"/>, scope path <see cref="CommitteePath"/>). A same-topic research (同题调研) is a parent
/// project whose sub-projects (<see cref="ParentId"/> set) are run by the lower committees that join, each with its own team,
/// schedule and report. A project may come from a claimed topic (<see cref="TopicClaimId"/>).
/// Field work trips are activities (<c>ResearchFieldWork</c> rows), so attendance and duty records follow the activities
/// mechanism.
/// </summary>
public sealed class ResearchProject
{
    public int Id { get; set; }
    public ResearchKind Kind { get; set; }
    /// <summary>Topic (调研课题), at most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Background and aims, plain text, at most 4,000 characters.</summary>
    public string Background { get; set; } = "";
    public ResearchStatus Status { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the lead committee's <see cref="Committee.Path"/>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>The same-topic parent project (null for a stand-alone or parent project).</summary>
    public int? ParentId { get; set; }
    public ResearchProject? Parent { get; set; }
    /// <summary>True for a same-topic research (同题调研) that lower committees are invited to join.</summary>
    public bool IsJoint { get; set; }
    /// <summary>The claim this project carries out (领题调研), null otherwise.</summary>
    public int? TopicClaimId { get; set; }
    /// <summary>Plan (调研方案), plain text, at most 8,000 characters.</summary>
    public string Plan { get; set; } = "";
    public DateTimeOffset? PlanSubmittedAt { get; set; }
    public DateTimeOffset? PlanApprovedAt { get; set; }
    /// <summary>Name of the leader who approved the plan.</summary>
    public string PlanApprovedBy { get; set; } = "";
    /// <summary>Schedule: planned first and last day (China dates).</summary>
    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public ReportStatus ReportStatus { get; set; }
    /// <summary>Report title, at most 200 characters.</summary>
    public string ReportTitle { get; set; } = "";
    /// <summary>Report body as sanitised HTML (<see cref="Infrastructure.Text.RichText"/>), at most 100,000 characters.</summary>
    public string ReportBody { get; set; } = "";
    /// <summary>Findings (主要问题/发现), plain text — the part a combined same-topic report quotes.</summary>
    public string Findings { get; set; } = "";
    /// <summary>Suggestions (意见建议), plain text — the part a combined same-topic report quotes.</summary>
    public string Suggestions { get; set; } = "";
    /// <summary>Where the report was sent (报送单位), e.g. 市委、市政府.</summary>
    public string SentTo { get; set; } = "";
    public DateTimeOffset? ReportSubmittedAt { get; set; }
    public DateTimeOffset? ReportApprovedAt { get; set; }
    public DateTimeOffset? ReportSentAt { get; set; }
    /// <summary>Why the report was last returned.</summary>
    public string ReturnReason { get; set; } = "";
    /// <summary>A sub-project's report is visible to sibling committees only once shared (null = not shared).</summary>
    public DateTimeOffset? SharedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public List<ResearchOrganizer> Organizers { get; set; } = [];
    public List<ResearchTeamMember> Team { get; set; } = [];
    /// <summary>The timeline (<see cref="ResearchEvent"/>), oldest first by <see cref="ResearchEvent.At"/>.</summary>
    public List<ResearchEvent> Events { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchProject>
    {
        public void Configure(EntityTypeBuilder<ResearchProject> b)
        {
            b.ToTable("ResearchProjects");
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Background).HasMaxLength(4000);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Plan).HasMaxLength(8000);
            b.Property(x => x.PlanApprovedBy).HasMaxLength(64);
            b.Property(x => x.ReportTitle).HasMaxLength(200);
            b.Property(x => x.ReportBody).HasMaxLength(100000);
            b.Property(x => x.Findings).HasMaxLength(8000);
            b.Property(x => x.Suggestions).HasMaxLength(8000);
            b.Property(x => x.SentTo).HasMaxLength(200);
            b.Property(x => x.ReturnReason).HasMaxLength(1000);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Organizers).WithOne().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Team).WithOne().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath);
            b.HasIndex(x => x.ParentId);
            // One sub-project per committee and parent.
            b.HasIndex(x => new { x.ParentId, x.CommitteeId }).IsUnique().HasFilter("\"ParentId\" IS NOT NULL");
        }
    }
}

/// <summary>An organising committee of a project (several for a joint project, 联合调研); the first is the lead.</summary>
public sealed class ResearchOrganizer
{
    public int ResearchProjectId { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the organiser's scope path: the project is visible in each organiser's scope.</summary>
    public string CommitteePath { get; set; } = "";
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchOrganizer>
    {
        public void Configure(EntityTypeBuilder<ResearchOrganizer> b)
        {
            b.HasKey(x => new { x.ResearchProjectId, x.CommitteeId });
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>Role in a project team: 组长 (code <c>leader</c>), 成员 (<c>member</c>), 执笔人 (<c>author</c>), 工作人员 (<c>staff</c>).</summary>
public enum TeamRole
{
    Leader = 0,
    Member = 1,
    Author = 2,
    Staff = 3,
}

/// <summary>
/// A person on a project team: a member (<see cref="MemberId"/>) or a staff person named in <see cref="Name"/>. Duty records go
/// to members through the duty ledger; the author (执笔人) weighs more than a team member.
/// </summary>
public sealed class ResearchTeamMember
{
    public int Id { get; set; }
    public int ResearchProjectId { get; set; }
    public TeamRole Role { get; set; }
    public int? MemberId { get; set; }
    public Member? Member { get; set; }
    /// <summary>Display name (the member's name, or a staff person's), at most 64 characters.</summary>
    public string Name { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchTeamMember>
    {
        public void Configure(EntityTypeBuilder<ResearchTeamMember> b)
        {
            b.Property(x => x.Name).HasMaxLength(64);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.ResearchProjectId, x.MemberId, x.Role }).IsUnique().HasFilter("\"MemberId\" IS NOT NULL");
        }
    }
}
