using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Calendar;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Deliberations;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Infrastructure.Data;

/// <summary>
/// The one database context: Identity tables, Data Protection keys, audit log and every feature's
/// entities. Each provider has a subclass (<see cref="SqliteAppDbContext"/>,
/// <see cref="PostgresAppDbContext"/>) that owns its migrations; code depends on this base type.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<JobLease> JobLeases => Set<JobLease>();
    public DbSet<Committee> Committees => Set<Committee>();
    public DbSet<Sector> Sectors => Set<Sector>();
    public DbSet<SpecialCommittee> SpecialCommittees => Set<SpecialCommittee>();
    public DbSet<EthnicGroup> EthnicGroups => Set<EthnicGroup>();
    public DbSet<Party> Parties => Set<Party>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<SpecialCommitteeMember> SpecialCommitteeMembers => Set<SpecialCommitteeMember>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<ActivityOrganizer> ActivityOrganizers => Set<ActivityOrganizer>();
    public DbSet<ActivityInviteeRule> ActivityInviteeRules => Set<ActivityInviteeRule>();
    public DbSet<ActivityMaterial> ActivityMaterials => Set<ActivityMaterial>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<DutyRecord> DutyRecords => Set<DutyRecord>();
    public DbSet<ScoringRule> ScoringRules => Set<ScoringRule>();
    public DbSet<DutyClaim> DutyClaims => Set<DutyClaim>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<OutboxMail> OutboxMails => Set<OutboxMail>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<Proposal> Proposals => Set<Proposal>();
    public DbSet<ProposalCoSigner> ProposalCoSigners => Set<ProposalCoSigner>();
    public DbSet<ProposalEvent> ProposalEvents => Set<ProposalEvent>();
    public DbSet<ProposalFile> ProposalFiles => Set<ProposalFile>();
    public DbSet<ProposalSession> ProposalSessions => Set<ProposalSession>();
    public DbSet<HandlingUnit> HandlingUnits => Set<HandlingUnit>();
    public DbSet<Assignment> Assignments => Set<Assignment>();
    public DbSet<ContactLog> ContactLogs => Set<ContactLog>();
    public DbSet<Reply> Replies => Set<Reply>();
    public DbSet<Rating> Ratings => Set<Rating>();
    public DbSet<Supervision> Supervisions => Set<Supervision>();
    public DbSet<WorkCalendarDay> WorkCalendarDays => Set<WorkCalendarDay>();
    public DbSet<Features.Studios.Studio> Studios => Set<Features.Studios.Studio>();
    public DbSet<Features.Studios.StudioMember> StudioMembers => Set<Features.Studios.StudioMember>();
    public DbSet<Features.Studios.StudioActivity> StudioActivities => Set<Features.Studios.StudioActivity>();
    public DbSet<Features.Studios.StudioMessage> StudioMessages => Set<Features.Studios.StudioMessage>();
    public DbSet<OpinionItem> OpinionItems => Set<OpinionItem>();
    public DbSet<OpinionCoAuthor> OpinionCoAuthors => Set<OpinionCoAuthor>();
    public DbSet<OpinionEvent> OpinionEvents => Set<OpinionEvent>();
    public DbSet<OpinionOutcome> OpinionOutcomes => Set<OpinionOutcome>();
    public DbSet<OpinionBulletin> OpinionBulletins => Set<OpinionBulletin>();
    public DbSet<OpinionBulletinItem> OpinionBulletinItems => Set<OpinionBulletinItem>();
    public DbSet<Consultation> Consultations => Set<Consultation>();
    public DbSet<Deliberation> Deliberations => Set<Deliberation>();
    public DbSet<DeliberationInvitee> DeliberationInvitees => Set<DeliberationInvitee>();
    public DbSet<DeliberationParticipant> DeliberationParticipants => Set<DeliberationParticipant>();
    public DbSet<DeliberationStatement> DeliberationStatements => Set<DeliberationStatement>();
    public DbSet<DeliberationVote> DeliberationVotes => Set<DeliberationVote>();
    public DbSet<DeliberationMapSnapshot> DeliberationMaps => Set<DeliberationMapSnapshot>();
    public DbSet<ConsultationEvent> ConsultationEvents => Set<ConsultationEvent>();
    public DbSet<ConsultationPlan> ConsultationPlans => Set<ConsultationPlan>();
    public DbSet<ConsultationPlanTopic> ConsultationPlanTopics => Set<ConsultationPlanTopic>();
    public DbSet<ConsultationParticipant> ConsultationParticipants => Set<ConsultationParticipant>();
    public DbSet<ConsultationInviteLink> ConsultationInviteLinks => Set<ConsultationInviteLink>();
    public DbSet<ConsultationFile> ConsultationFiles => Set<ConsultationFile>();
    public DbSet<Outcome> Outcomes => Set<Outcome>();
    public DbSet<OutcomeInstruction> OutcomeInstructions => Set<OutcomeInstruction>();
    public DbSet<OutcomeMilestone> OutcomeMilestones => Set<OutcomeMilestone>();
    public DbSet<OutcomeProgress> OutcomeProgress => Set<OutcomeProgress>();
    public DbSet<OutcomeFile> OutcomeFiles => Set<OutcomeFile>();
    public DbSet<WorkLink> WorkLinks => Set<WorkLink>();
    public DbSet<ResearchProject> ResearchProjects => Set<ResearchProject>();
    public DbSet<ResearchOrganizer> ResearchOrganizers => Set<ResearchOrganizer>();
    public DbSet<ResearchTeamMember> ResearchTeamMembers => Set<ResearchTeamMember>();
    public DbSet<ResearchFieldWork> ResearchFieldWork => Set<ResearchFieldWork>();
    public DbSet<ResearchFile> ResearchFiles => Set<ResearchFile>();
    public DbSet<ResearchEvent> ResearchEvents => Set<ResearchEvent>();
    public DbSet<ResearchOutput> ResearchOutputs => Set<ResearchOutput>();
    public DbSet<JointResearchInvitation> JointResearchInvitations => Set<JointResearchInvitation>();
    public DbSet<ResearchTopic> ResearchTopics => Set<ResearchTopic>();
    public DbSet<TopicClaim> TopicClaims => Set<TopicClaim>();
    public DbSet<Infrastructure.Files.StoredFile> StoredFiles => Set<Infrastructure.Files.StoredFile>();
    public DbSet<Features.Study.Course> Courses => Set<Features.Study.Course>();
    public DbSet<Features.Study.CourseOrganizer> CourseOrganizers => Set<Features.Study.CourseOrganizer>();
    public DbSet<Features.Study.CourseAudience> CourseAudience => Set<Features.Study.CourseAudience>();
    public DbSet<Features.Study.CourseEnrolment> CourseEnrolments => Set<Features.Study.CourseEnrolment>();
    public DbSet<Features.Study.CourseSession> CourseSessions => Set<Features.Study.CourseSession>();
    public DbSet<Features.Study.QuizQuestion> QuizQuestions => Set<Features.Study.QuizQuestion>();
    public DbSet<Features.Study.QuizAttempt> QuizAttempts => Set<Features.Study.QuizAttempt>();
    public DbSet<Features.Study.StudyMaterial> StudyMaterials => Set<Features.Study.StudyMaterial>();
    public DbSet<Features.Lectures.LectureSeries> LectureSeries => Set<Features.Lectures.LectureSeries>();
    public DbSet<Features.Lectures.Lecture> Lectures => Set<Features.Lectures.Lecture>();
    public DbSet<Features.Reading.ReadingGroup> ReadingGroups => Set<Features.Reading.ReadingGroup>();
    public DbSet<Features.Reading.ReadingGroupMember> ReadingGroupMembers => Set<Features.Reading.ReadingGroupMember>();
    public DbSet<Features.Reading.ReadingBook> ReadingBooks => Set<Features.Reading.ReadingBook>();
    public DbSet<Features.Reading.ReadingCheckIn> ReadingCheckIns => Set<Features.Reading.ReadingCheckIn>();
    public DbSet<Features.Reading.ReadingComment> ReadingComments => Set<Features.Reading.ReadingComment>();
    public DbSet<Features.Reading.ReadingDutyRule> ReadingDutyRules => Set<Features.Reading.ReadingDutyRule>();

    /// <summary>When true, <see cref="Audit.AuditInterceptor"/> records nothing (bulk reference-data loading at first start).</summary>
    public bool SuppressAudit { get; set; }

    /// <summary>Audit rows of this context's current SaveChanges that wait for generated keys (owned by <see cref="Audit.AuditInterceptor"/>).</summary>
    internal Audit.AuditInterceptor.Pending? PendingAudit { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        builder.Entity<AppUser>(b =>
        {
            b.Property(x => x.DisplayName).HasMaxLength(64);
            b.HasIndex(x => x.CommitteeId);
            b.HasIndex(x => x.MemberId);
            b.HasIndex(x => x.HandlingUnitId);
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditEdits();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditEdits();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RefuseAuditEdits()
    {
        if (ChangeTracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("The audit log is append-only.");
    }
}

/// <summary>SQLite flavour (the embedded default). DateTimeOffset is stored as UTC ticks so it sorts and compares in SQL.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}

/// <summary>PostgreSQL flavour (production and scale). Ordinal columns use the "C" collation so key order is byte order.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            if (property.FindAnnotation(ModelExtensions.OrdinalAnnotation) is not null)
                property.SetCollation("C");
    }
}

/// <summary>Model-building helpers shared by the feature configurations.</summary>
public static class ModelExtensions
{
    internal const string OrdinalAnnotation = "Xieshang:Ordinal";

    /// <summary>
    /// Marks a string column as compared byte by byte (sort keys, scope paths, pinyin). SQLite's default
    /// BINARY collation already is; PostgreSQL gets <c>COLLATE "C"</c>, which also lets LIKE 'prefix%' use the index.
    /// </summary>
    public static PropertyBuilder<string> UseOrdinalCollation(this PropertyBuilder<string> b) =>
        b.HasAnnotation(OrdinalAnnotation, true);
}
