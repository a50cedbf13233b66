using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;

namespace Xieshang.Web.Features.Study;

/// <summary>Lifecycle of a course: drafted (staff only), published (audience enrolled and notified), closed (no more quizzes), cancelled.</summary>
public enum CourseStatus
{
    Draft = 0,
    Published = 1,
    Closed = 2,
    Cancelled = 3,
}

/// <summary>What an audience line names: a whole committee, a sector, a special committee, one member, or the new members of a committee.</summary>
public enum CourseAudienceKind
{
    Committee = 0,
    Sector = 1,
    SpecialCommittee = 2,
    Member = 3,
    /// <summary>新委员: active members of the committee <see cref="CourseAudience.TargetId"/> whose roster record was created within the 365 days before the course was published.</summary>
    NewMembers = 4,
}

/// <summary>
/// A training course or seminar (学习培训, DOMAIN.md §4.9): organised by one or several committees, for an audience,
/// in sessions (each an <see cref="Activity"/> of type <see cref="ActivityType.Training"/>, so invitations,
/// check-in and attendance are the activities mechanism), with materials and an optional quiz per session.
/// A member completes the course when they attended at least <see cref="CompletionAttendedPercent"/> per cent of
/// the sessions (rounded up) and, when <see cref="CompletionRequiresQuizzes"/>, passed every session quiz;
/// completion is one duty record <c>study.completed</c> (source <c>course</c>, id of the course).
/// </summary>
public sealed class Course
{
    public int Id { get; set; }
    /// <summary>At most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Description as sanitised HTML, at most 20,000 characters.</summary>
    public string Description { get; set; } = "";
    public CourseStatus Status { get; set; }
    /// <summary>Lead organising committee (first of <see cref="Organizers"/>).</summary>
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the lead organiser's scope path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Share of sessions (0–100, per cent) a member must attend to complete; default 80.</summary>
    public int CompletionAttendedPercent { get; set; } = 80;
    /// <summary>Every session quiz must be passed to complete.</summary>
    public bool CompletionRequiresQuizzes { get; set; } = true;
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    public List<CourseOrganizer> Organizers { get; set; } = [];
    public List<CourseAudience> Audience { get; set; } = [];
    public List<CourseSession> Sessions { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Course>
    {
        public void Configure(EntityTypeBuilder<Course> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Description).HasMaxLength(20000);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Organizers).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Audience).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Sessions).WithOne().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>An organising committee of a course (several allowed); the course counts in each organiser's scope.</summary>
public sealed class CourseOrganizer
{
    public int CourseId { get; set; }
    public int CommitteeId { get; set; }
    /// <summary>Copy of the organiser's scope path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>0 for the lead organiser, then 1, 2, …</summary>
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CourseOrganizer>
    {
        public void Configure(EntityTypeBuilder<CourseOrganizer> b)
        {
            b.HasKey(x => new { x.CourseId, x.CommitteeId });
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.HasOne<Committee>().WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>One line of a course's audience as staff wrote it; resolved into <see cref="CourseEnrolment"/> rows on publishing.</summary>
public sealed class CourseAudience
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public CourseAudienceKind Kind { get; set; }
    /// <summary>Id of the committee, sector, special committee or member named by <see cref="Kind"/> (the committee for <see cref="CourseAudienceKind.NewMembers"/>).</summary>
    public int TargetId { get; set; }
}

/// <summary>
/// A member enrolled in a course (from its audience) and where they stand: sessions attended, quizzes passed,
/// completion. Recomputed by the course rules after a check-in, an attendance confirmation or a quiz attempt.
/// </summary>
public sealed class CourseEnrolment
{
    public int CourseId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    /// <summary>Copy of the member's committee path (scope of lists and exports).</summary>
    public string CommitteePath { get; set; } = "";
    public int SessionsAttended { get; set; }
    public int QuizzesPassed { get; set; }
    /// <summary>When the completion rules were first met (null = not complete).</summary>
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset EnrolledAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CourseEnrolment>
    {
        public void Configure(EntityTypeBuilder<CourseEnrolment> b)
        {
            b.HasKey(x => new { x.CourseId, x.MemberId });
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.HasOne<Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.MemberId);
        }
    }
}

/// <summary>
/// A session of a course: one <see cref="Activity"/> (type training) for time, place, invitations and attendance,
/// plus an optional quiz (<see cref="QuizQuestion"/>s) with a pass mark.
/// </summary>
public sealed class CourseSession
{
    public int Id { get; set; }
    public int CourseId { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    /// <summary>1, 2, … in course order.</summary>
    public int SortOrder { get; set; }
    /// <summary>Quiz pass mark, per cent of the questions answered right (0–100); default 60.</summary>
    public int PassPercent { get; set; } = 60;
    /// <summary>Attempts a member may make at the quiz (1–10); default 3. The best attempt counts.</summary>
    public int MaxAttempts { get; set; } = 3;

    public List<QuizQuestion> Questions { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<CourseSession>
    {
        public void Configure(EntityTypeBuilder<CourseSession> b)
        {
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.ActivityId).IsUnique();
            b.HasMany(x => x.Questions).WithOne().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A quiz question of a session: single or multiple choice; right when the chosen options equal <see cref="Correct"/> exactly.</summary>
public sealed class QuizQuestion
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public int SortOrder { get; set; }
    /// <summary>Question text (plain), at most 500 characters.</summary>
    public string Text { get; set; } = "";
    /// <summary>Options (2–8, each at most 200 characters), stored as a JSON array of strings.</summary>
    public List<string> Options { get; set; } = [];
    /// <summary>Zero-based indexes of the right options (at least one), ascending.</summary>
    public List<int> Correct { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<QuizQuestion>
    {
        public void Configure(EntityTypeBuilder<QuizQuestion> b)
        {
            b.Property(x => x.Text).HasMaxLength(500);
            b.PrimitiveCollection(x => x.Options);
            b.PrimitiveCollection(x => x.Correct);
        }
    }
}

/// <summary>A member's attempt at a session quiz: answers as given, score, passed. Never changed after it is stored.</summary>
public sealed class QuizAttempt
{
    public int Id { get; set; }
    public int SessionId { get; set; }
    public int MemberId { get; set; }
    /// <summary>1, 2, … per (session, member); unique, so two tabs cannot both make the last attempt.</summary>
    public int AttemptNumber { get; set; }
    /// <summary>Chosen option indexes per question, JSON <c>{"questionId":[0,2],…}</c>.</summary>
    public string AnswersJson { get; set; } = "";
    /// <summary>Per cent of the questions answered right, 0–100 (rounded down).</summary>
    public int ScorePercent { get; set; }
    public bool Passed { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<QuizAttempt>
    {
        public void Configure(EntityTypeBuilder<QuizAttempt> b)
        {
            b.Property(x => x.AnswersJson).HasMaxLength(8000);
            b.HasOne<CourseSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.SessionId, x.MemberId, x.AttemptNumber }).IsUnique();
            b.HasIndex(x => x.MemberId);
        }
    }
}

/// <summary>Kind of a study material.</summary>
public enum MaterialKind
{
    /// <summary>An uploaded document (PDF, Word, Excel, PowerPoint) or image.</summary>
    Document = 0,
    /// <summary>A video stored with the platform (MP4/WebM), played in the page.</summary>
    Video = 1,
    /// <summary>A link (http/https) to a page on the intranet.</summary>
    Link = 2,
}

/// <summary>
/// A material of a course (optionally of one of its sessions) or of a lecture (slides, notes, recording): exactly one
/// of <see cref="CourseId"/> and <see cref="LectureId"/> is set. Documents and videos are <see cref="StoredFile"/>s
/// streamed by the owning slice after its access check; links are URLs.
/// </summary>
public sealed class StudyMaterial
{
    public int Id { get; set; }
    public int? CourseId { get; set; }
    public int? SessionId { get; set; }
    public int? LectureId { get; set; }
    public MaterialKind Kind { get; set; }
    /// <summary>At most 200 characters.</summary>
    public string Title { get; set; } = "";
    public int? StoredFileId { get; set; }
    public StoredFile? StoredFile { get; set; }
    /// <summary>http/https URL of a link, empty otherwise; at most 500 characters.</summary>
    public string Url { get; set; } = "";
    public int SortOrder { get; set; }
    public string AddedBy { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<StudyMaterial>
    {
        public void Configure(EntityTypeBuilder<StudyMaterial> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Url).HasMaxLength(500);
            b.Property(x => x.AddedBy).HasMaxLength(64);
            b.HasOne<Course>().WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<CourseSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull);
            b.HasOne<Lectures.Lecture>().WithMany().HasForeignKey(x => x.LectureId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.StoredFile).WithMany().HasForeignKey(x => x.StoredFileId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CourseId);
            b.HasIndex(x => x.LectureId);
        }
    }
}
