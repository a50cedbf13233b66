using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>Kind of a field-work trip: 走访 (code <c>visit</c>), 座谈 (<c>meeting</c>), 问卷 (<c>questionnaire</c>).</summary>
public enum FieldWorkKind
{
    Visit = 0,
    Meeting = 1,
    Questionnaire = 2,
}

/// <summary>
/// One field-work trip of a project (实地调研): an <see cref="Activity"/> of type research or inspection created through
/// <see cref="ActivityRules"/> with the team's members as invitees, so invitations, check-in, attendance and the
/// attendance duty records are the activities mechanism's. This row only ties the activity to the project.
/// </summary>
public sealed class ResearchFieldWork
{
    public int Id { get; set; }
    public int ResearchProjectId { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public FieldWorkKind Kind { get; set; }
    /// <summary>What the trip is for (走访对象、座谈范围), plain text, at most 1,000 characters.</summary>
    public string Note { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchFieldWork>
    {
        public void Configure(EntityTypeBuilder<ResearchFieldWork> b)
        {
            b.ToTable("ResearchFieldWork");
            b.Property(x => x.Note).HasMaxLength(1000);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne<ResearchProject>().WithMany().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.ResearchProjectId);
            b.HasIndex(x => x.ActivityId).IsUnique();
        }
    }
}

/// <summary>
/// A record or photo of a project (调研记录、照片), stored in the database; optionally of one field-work trip. Size and type
/// are checked on upload (<see cref="ResearchRules.MaxFileBytes"/>, <see cref="ResearchRules.FileTypes"/>).
/// </summary>
public sealed class ResearchFile
{
    public int Id { get; set; }
    public int ResearchProjectId { get; set; }
    public int? FieldWorkId { get; set; }
    /// <summary>File name as uploaded (path parts removed), at most 200 characters.</summary>
    public string FileName { get; set; } = "";
    /// <summary>Content type decided on the server from the extension and the file's first bytes.</summary>
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
    /// <summary>Bytes.</summary>
    public long Size { get; set; }
    /// <summary>Caption, at most 200 characters.</summary>
    public string Caption { get; set; } = "";
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    /// <summary>True for an image (shown as a thumbnail).</summary>
    public bool IsImage => ContentType.StartsWith("image/", StringComparison.Ordinal);

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchFile>
    {
        public void Configure(EntityTypeBuilder<ResearchFile> b)
        {
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(120);
            b.Property(x => x.Caption).HasMaxLength(200);
            b.Property(x => x.UploadedBy).HasMaxLength(64);
            b.Ignore(x => x.IsImage);
            b.HasOne<ResearchProject>().WithMany().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<ResearchFieldWork>().WithMany().HasForeignKey(x => x.FieldWorkId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => x.ResearchProjectId);
        }
    }
}

/// <summary>
/// One step on a project's timeline: an action code (<c>create</c>, <c>plan-submit</c>, <c>plan-approve</c>,
/// <c>plan-return</c>, <c>report-save</c>, <c>report-submit</c>, <c>report-approve</c>, <c>report-return</c>,
/// <c>report-send</c>, <c>fieldwork</c>, <c>file</c>, <c>output</c>), who (display name), when, and a note.
/// </summary>
public sealed class ResearchEvent
{
    public int Id { get; set; }
    public int ResearchProjectId { get; set; }
    public string Action { get; set; } = "";
    public string ByUserId { get; set; } = "";
    public string ByName { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>Plain text, at most 1,000 characters (a return reason, where the report was sent, …).</summary>
    public string Note { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchEvent>
    {
        public void Configure(EntityTypeBuilder<ResearchEvent> b)
        {
            b.Property(x => x.Action).HasMaxLength(32);
            b.Property(x => x.ByUserId).HasMaxLength(64);
            b.Property(x => x.ByName).HasMaxLength(100);
            b.Property(x => x.Note).HasMaxLength(1000);
            b.HasIndex(x => x.ResearchProjectId);
        }
    }
}

/// <summary>Kind of a project output: 提案 (<c>proposal</c>), 社情民意 (<c>opinion</c>), 建议 (<c>recommendation</c>), 大会发言 (<c>speech</c>).</summary>
public enum ResearchOutputKind
{
    Proposal = 0,
    Opinion = 1,
    Recommendation = 2,
    Speech = 3,
}

/// <summary>
/// What a project produced (调研成果). A proposal, an opinion item or a recommendation lives in its own slice
/// (<see cref="TargetId"/> = the proposal, opinion item or <c>Outcome</c> id; a <c>WorkLink</c> Research → item records the
/// chain); a plenary speech (大会发言) keeps its title and text here (<see cref="TargetId"/> null).
/// </summary>
public sealed class ResearchOutput
{
    public int Id { get; set; }
    public int ResearchProjectId { get; set; }
    public ResearchOutputKind Kind { get; set; }
    public int? TargetId { get; set; }
    /// <summary>At most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>A speech's text, plain, at most 20,000 characters (empty for the other kinds).</summary>
    public string Text { get; set; } = "";
    /// <summary>Speaker of a speech (member), optional.</summary>
    public int? MemberId { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ResearchOutput>
    {
        public void Configure(EntityTypeBuilder<ResearchOutput> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Text).HasMaxLength(20000);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne<ResearchProject>().WithMany().HasForeignKey(x => x.ResearchProjectId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ResearchProjectId);
        }
    }
}
