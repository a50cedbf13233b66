using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Lectures;

/// <summary>Which lecture hall a series belongs to (DOMAIN.md §4.9). API codes: <c>cppcc</c>, <c>ethics</c>, <c>law</c>, <c>other</c>.</summary>
public enum LectureHall
{
    /// <summary>政协讲堂.</summary>
    Cppcc = 0,
    /// <summary>道德讲堂.</summary>
    Ethics = 1,
    /// <summary>法治讲堂.</summary>
    Law = 2,
    /// <summary>Another named series (e.g. 委员讲堂).</summary>
    Other = 3,
}

/// <summary>Who gives a lecture. API codes: <c>expert</c>, <c>leader</c>, <c>staff</c>, <c>member</c>.</summary>
public enum SpeakerKind
{
    /// <summary>专家学者授课 (expert or scholar teaching).</summary>
    Expert = 0,
    /// <summary>领导干部谈体会 (leader sharing insights).</summary>
    Leader = 1,
    /// <summary>机关干部交流经验 (staff exchanging experience).</summary>
    Staff = 2,
    /// <summary>委员传递共识 (member passing on consensus); the speaker is a member and earns the speaker duty record.</summary>
    Member = 3,
}

/// <summary>
/// A lecture series of one committee, e.g. 六盘水市政协讲堂. Lectures of a series marked <see cref="IsPublic"/> appear
/// in the public archive (title, speaker, date, summary only) once held.
/// </summary>
public sealed class LectureSeries
{
    public int Id { get; set; }
    /// <summary>At most 100 characters.</summary>
    public string Name { get; set; } = "";
    public LectureHall Hall { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's scope path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Plain text, at most 2,000 characters.</summary>
    public string Description { get; set; } = "";
    public bool IsPublic { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<LectureSeries>
    {
        public void Configure(EntityTypeBuilder<LectureSeries> b)
        {
            b.Property(x => x.Name).HasMaxLength(100);
            b.Property(x => x.Description).HasMaxLength(2000);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>
/// A lecture of a series: topic, speaker (name, title, kind; a member when <see cref="SpeakerKind.Member"/> or when a
/// member speaks in another capacity), summary, slides/notes (<see cref="Study.StudyMaterial"/> rows with
/// <c>LectureId</c>), and an <see cref="Activity"/> of type <see cref="ActivityType.Lecture"/> for time, place,
/// invitations, check-in and attendance (attend.study through the activities mechanism). A member speaker earns the
/// <c>speaker</c> duty record once, when the lecture has been held.
/// </summary>
public sealed class Lecture
{
    public int Id { get; set; }
    public int SeriesId { get; set; }
    public LectureSeries? Series { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    /// <summary>Copy of the series' committee path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Topic (题目), at most 200 characters.</summary>
    public string Topic { get; set; } = "";
    /// <summary>Speaker's name as shown (a member's roster name when <see cref="SpeakerMemberId"/> is set), at most 50 characters.</summary>
    public string SpeakerName { get; set; } = "";
    /// <summary>Speaker's title and unit, e.g. 贵州大学经济学院教授; at most 100 characters.</summary>
    public string SpeakerTitle { get; set; } = "";
    public SpeakerKind SpeakerKind { get; set; }
    public int? SpeakerMemberId { get; set; }
    public Member? SpeakerMember { get; set; }
    /// <summary>Summary as sanitised HTML, at most 20,000 characters; shown in the public archive for public series.</summary>
    public string Summary { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Lecture>
    {
        public void Configure(EntityTypeBuilder<Lecture> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Topic).HasMaxLength(200);
            b.Property(x => x.SpeakerName).HasMaxLength(50);
            b.Property(x => x.SpeakerTitle).HasMaxLength(100);
            b.Property(x => x.Summary).HasMaxLength(20000);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Series).WithMany().HasForeignKey(x => x.SeriesId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.SpeakerMember).WithMany().HasForeignKey(x => x.SpeakerMemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.ActivityId).IsUnique();
            b.HasIndex(x => x.SeriesId);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}
