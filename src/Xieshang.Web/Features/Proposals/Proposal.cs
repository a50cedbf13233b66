using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// State of a proposal in the national workflow (DOMAIN.md §4.3). API codes are the kebab-case names
/// (<c>co-signing</c>, <c>under-review</c>, <c>not-filed</c>…) given by <see cref="ProposalWorkflow.StateCode"/>;
/// the edges between states are the data of <see cref="ProposalWorkflow.Graph"/>.
/// </summary>
public enum ProposalStatus
{
    /// <summary>草稿: being written; seen only by the proposer.</summary>
    Draft = 0,
    /// <summary>联名中: co-signers are asked to sign within <see cref="ProposalOptions.CoSignDays"/> days.</summary>
    CoSigning = 1,
    /// <summary>已提交: waiting for the proposals office.</summary>
    Submitted = 2,
    /// <summary>审查中: the office is reviewing it.</summary>
    UnderReview = 3,
    /// <summary>已立案: filed with an official number, waiting for assignment.</summary>
    Filed = 4,
    /// <summary>不予立案: refused on one of the national grounds (<see cref="NotFiledGrounds"/>).</summary>
    NotFiled = 5,
    /// <summary>已并案: merged into another proposal (<see cref="Proposal.MergedIntoId"/>).</summary>
    Merged = 6,
    /// <summary>退回修改: returned to the proposer for revision.</summary>
    Returned = 7,
    /// <summary>已撤案: withdrawn by the proposer.</summary>
    Withdrawn = 8,
    /// <summary>已交办: assigned to handling units, not yet in hand.</summary>
    Assigned = 9,
    /// <summary>办理中: a unit has contacted the proposer and is handling it.</summary>
    Handling = 10,
    /// <summary>已答复: every replying unit has replied; the proposer rates.</summary>
    Replied = 11,
    /// <summary>已评价: rated satisfied or basically satisfied.</summary>
    Rated = 12,
    /// <summary>重新办理: rated dissatisfied; the unit handles it again within a new 3 months.</summary>
    Rehandling = 13,
    /// <summary>已办结.</summary>
    Closed = 14,
}

/// <summary>Timing kind of a proposal: written for the plenary session (大会提案) or between sessions (平时提案).</summary>
public enum ProposalKind
{
    /// <summary>大会提案, code <c>plenary</c>.</summary>
    Plenary = 1,
    /// <summary>平时提案, code <c>between-session</c>.</summary>
    BetweenSession = 2,
}

/// <summary>Who proposes: a member (with co-signers) or a collective body.</summary>
public enum ProposerType
{
    /// <summary>委员个人 (first proposer, optionally with co-signers).</summary>
    Member = 1,
    /// <summary>民主党派 (a party's committee).</summary>
    Party = 2,
    /// <summary>人民团体 (people's organisation).</summary>
    Organisation = 3,
    /// <summary>专门委员会.</summary>
    SpecialCommittee = 4,
    /// <summary>界别小组 (sector group, during the plenary only).</summary>
    SectorGroup = 5,
}

/// <summary>What a not-filed proposal was converted into, if anything.</summary>
public enum ProposalConversion
{
    None = 0,
    /// <summary>转为社情民意信息.</summary>
    OpinionItem = 1,
    /// <summary>转为来信 (forwarded as a letter).</summary>
    Letter = 2,
}

/// <summary>
/// A proposal (提案). Scope copies (<see cref="CommitteeId"/>, <see cref="CommitteePath"/>, <see cref="SectorId"/>) are
/// taken from the committee and first proposer at creation. <see cref="Term"/>/<see cref="Session"/> come from the
/// committee's current <see cref="ProposalSession"/>; <see cref="Sequence"/> is the filed number inside them, unique
/// per committee, term and session, shown as <see cref="Number"/> (e.g. <c>九届二次会议第0123号</c>).
/// <see cref="Version"/> is the optimistic-concurrency token: every action increments it, so two people acting
/// on the same proposal at once cannot both win. <see cref="SearchText"/> holds the segmented title, body and replies
/// (space-separated words) that full-text search and similar-proposal detection read.
/// </summary>
public sealed class Proposal
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Scope path of the committee the proposal is addressed to, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    public ProposalStatus Status { get; set; }
    public ProposalKind Kind { get; set; }
    public ProposerType ProposerType { get; set; }
    /// <summary>First proposer (null for a collective proposal).</summary>
    public int? ProposerMemberId { get; set; }
    public Member? ProposerMember { get; set; }
    /// <summary>Name of the collective proposer (e.g. <c>民盟六盘水市委员会</c>); for a member, the member's name at creation.</summary>
    public string ProposerName { get; set; } = "";
    /// <summary>Account that created the proposal (the member, or staff entering a collective proposal).</summary>
    public string CreatedByUserId { get; set; } = "";
    /// <summary>First proposer's sector (界别) when known: statistics by sector.</summary>
    public int? SectorId { get; set; }
    /// <summary>Title, at most 100 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Body as sanitised HTML (situation, analysis, concrete suggestions), at most 20,000 characters.</summary>
    public string Body { get; set; } = "";
    /// <summary>Term number (届), e.g. 9.</summary>
    public int Term { get; set; }
    /// <summary>Session number within the term (次会议), e.g. 2.</summary>
    public int Session { get; set; }
    /// <summary>Calendar year of the session (statistics by year).</summary>
    public int Year { get; set; }
    /// <summary>Filed number within committee, term and session (1-based), null until filed.</summary>
    public int? Sequence { get; set; }
    /// <summary>Official number, e.g. <c>九届二次会议第0123号</c>; empty until filed.</summary>
    public string Number { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When it reached the proposals office (co-signing over, or resubmitted after revision); null before.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? FiledAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>End of the co-signing window (co-signers who have not answered by then expire).</summary>
    public DateTimeOffset? CoSignDeadline { get; set; }
    /// <summary>Code of the national not-filed ground (<see cref="NotFiledGrounds"/>), empty otherwise.</summary>
    public string NotFiledGround { get; set; } = "";
    /// <summary>Explanation given to the proposer when not filed or returned.</summary>
    public string ReviewNote { get; set; } = "";
    public ProposalConversion ConvertedTo { get; set; }
    /// <summary>The public-opinion item this proposal was converted into, if any.</summary>
    public int? ConvertedOpinionId { get; set; }
    /// <summary>The proposal this one was merged into (并案), if any; the reverse link is the set of proposals with this id.</summary>
    public int? MergedIntoId { get; set; }
    /// <summary>Assignment mode once assigned.</summary>
    public AssignmentMode? AssignmentMode { get; set; }
    /// <summary>Key proposal (重点提案) chosen by the chairpersons' council.</summary>
    public bool IsKey { get; set; }
    /// <summary>Supervising leader's account (督办领导) of a key proposal.</summary>
    public string? KeyLeaderUserId { get; set; }
    /// <summary>Supervising leader's display name, kept for lists and documents.</summary>
    public string KeyLeaderName { get; set; } = "";
    /// <summary>Year in which the proposal was awarded excellent (优秀提案), if it was.</summary>
    public int? ExcellentYear { get; set; }
    /// <summary>Segmented words of title, body and replies, separated by single spaces (search and similarity).</summary>
    public string SearchText { get; set; } = "";
    /// <summary>Last change of anything search reads (the similarity index refreshes from it).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic-concurrency token, incremented by every action.</summary>
    public int Version { get; set; }

    public List<ProposalCoSigner> CoSigners { get; set; } = [];
    public List<Assignment> Assignments { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Proposal>
    {
        public void Configure(EntityTypeBuilder<Proposal> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.ProposerName).HasMaxLength(100);
            b.Property(x => x.CreatedByUserId).HasMaxLength(64);
            b.Property(x => x.Title).HasMaxLength(100);
            b.Property(x => x.Body).HasMaxLength(40000);
            b.Property(x => x.Number).HasMaxLength(40);
            b.Property(x => x.NotFiledGround).HasMaxLength(32);
            b.Property(x => x.ReviewNote).HasMaxLength(2000);
            b.Property(x => x.KeyLeaderUserId).HasMaxLength(64);
            b.Property(x => x.KeyLeaderName).HasMaxLength(64);
            b.Property(x => x.Version).IsConcurrencyToken();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.ProposerMember).WithMany().HasForeignKey(x => x.ProposerMemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.CoSigners).WithOne().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Assignments).WithOne().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            // Numbers: unique per committee, term and session (null until filed).
            b.HasIndex(x => new { x.CommitteeId, x.Term, x.Session, x.Sequence }).IsUnique();
            // Lists: scope prefix then newest first; by status; by proposer.
            b.HasIndex(x => new { x.CommitteePath, x.Status, x.Id });
            // What the office sees (ProposalAccess.VisibleTo's staff branch), so its scoped lists count from the index alone.
            b.HasIndex(x => new { x.CommitteePath, x.Id }, "IX_Proposals_Office").HasFilter("\"SubmittedAt\" IS NOT NULL OR \"ProposerMemberId\" IS NULL");
            b.HasIndex(x => new { x.Status, x.Id });
            b.HasIndex(x => x.ProposerMemberId);
            b.HasIndex(x => x.MergedIntoId);
            b.HasIndex(x => x.UpdatedAt);
            // Full-text search (ProposalSearch.Matching), PostgreSQL only — its model is the one with Npgsql's annotations:
            // a stored generated to_tsvector('simple', "SearchText") column with a GIN index. SQLite matches tokens instead.
            if (b.Metadata.Model.GetAnnotations().Any(a => a.Name.StartsWith("Npgsql:", StringComparison.Ordinal)))
            {
                b.Property<NpgsqlTypes.NpgsqlTsVector>(ProposalSearch.SearchVectorColumn).IsGeneratedTsVectorColumn("simple", nameof(SearchText));
                b.HasIndex(ProposalSearch.SearchVectorColumn).HasMethod("gin");
            }
        }
    }
}

/// <summary>Answer of a co-signer (联名) invitation.</summary>
public enum CoSignStatus
{
    Pending = 0,
    Signed = 1,
    Declined = 2,
    /// <summary>Did not answer before <see cref="Proposal.CoSignDeadline"/>.</summary>
    Expired = 3,
}

/// <summary>A co-signer (联名提案人) of a member's proposal, or a co-proposer who joined through a merge (<see cref="FromMerge"/>).</summary>
public sealed class ProposalCoSigner
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    public CoSignStatus Status { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    /// <summary>True for proposers of a merged proposal who became co-proposers of this one.</summary>
    public bool FromMerge { get; set; }
    /// <summary>Position in the proposal's co-signer list (0-based).</summary>
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProposalCoSigner>
    {
        public void Configure(EntityTypeBuilder<ProposalCoSigner> b)
        {
            b.HasIndex(x => new { x.ProposalId, x.MemberId }).IsUnique();
            b.HasIndex(x => new { x.MemberId, x.Status });
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>
/// One recorded transition or action of a proposal (the timeline): who, when, which action, from and to which
/// state, the comment, and the action's data as JSON (e.g. the not-filed ground, the units assigned).
/// Attachments of the step are <see cref="ProposalFile"/> rows pointing here.
/// </summary>
public sealed class ProposalEvent
{
    public long Id { get; set; }
    public int ProposalId { get; set; }
    public Proposal? Proposal { get; set; }
    /// <summary>Action code, e.g. <c>file</c>; <c>create</c>, <c>edit</c> and system steps such as <c>co-sign-expired</c> too.</summary>
    public string Action { get; set; } = "";
    public ProposalStatus FromStatus { get; set; }
    public ProposalStatus ToStatus { get; set; }
    /// <summary>Account id, empty for the system.</summary>
    public string UserId { get; set; } = "";
    /// <summary>Display name of the actor at the time (e.g. <c>张三</c>, <c>市教育局</c>, <c>系统</c>).</summary>
    public string ActorName { get; set; } = "";
    /// <summary>Actor role used (<see cref="ProposalActors"/>).</summary>
    public string Actor { get; set; } = "";
    public string Comment { get; set; } = "";
    /// <summary>Action data as JSON (for the timeline and audits), at most 8,000 characters.</summary>
    public string Data { get; set; } = "";
    /// <summary>When set, only the office, the proposer and this unit see the event (a unit never sees another unit's step).</summary>
    public int? HandlingUnitId { get; set; }
    public DateTimeOffset At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProposalEvent>
    {
        public void Configure(EntityTypeBuilder<ProposalEvent> b)
        {
            b.Property(x => x.Action).HasMaxLength(32);
            b.Property(x => x.UserId).HasMaxLength(64);
            b.Property(x => x.ActorName).HasMaxLength(100);
            b.Property(x => x.Actor).HasMaxLength(16);
            b.Property(x => x.Comment).HasMaxLength(4000);
            b.Property(x => x.Data).HasMaxLength(8000);
            b.HasOne(x => x.Proposal).WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.ProposalId, x.Id });
        }
    }
}

/// <summary>An attachment of a proposal, a step or a reply (bytes in the database, like activity materials).</summary>
public sealed class ProposalFile
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    /// <summary>The step it was attached to (null: the proposal itself).</summary>
    public long? EventId { get; set; }
    public ProposalEvent? Event { get; set; }
    /// <summary>The reply it belongs to (null otherwise).</summary>
    public int? ReplyId { get; set; }
    public Reply? Reply { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public long Size { get; set; }
    public string UploadedByUserId { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProposalFile>
    {
        public void Configure(EntityTypeBuilder<ProposalFile> b)
        {
            b.Property(x => x.FileName).HasMaxLength(200);
            b.Property(x => x.ContentType).HasMaxLength(100);
            b.Property(x => x.UploadedByUserId).HasMaxLength(64);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Event).WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Reply).WithMany().HasForeignKey(x => x.ReplyId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ProposalId);
        }
    }
}

/// <summary>
/// A term's plenary session (届次会议) of a committee: proposals take their term, session and year from the session
/// that is current when they are submitted (the latest with <see cref="OpensOn"/> on or before that day), and filed
/// numbers count within it.
/// </summary>
public sealed class ProposalSession
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    /// <summary>Term number (届), e.g. 9.</summary>
    public int Term { get; set; }
    /// <summary>Session number in the term (次), 1–5 (more in a longer term).</summary>
    public int Session { get; set; }
    public int Year { get; set; }
    /// <summary>First day of the plenary session (China date); between-session proposals after it count toward it.</summary>
    public DateOnly OpensOn { get; set; }
    /// <summary>Last day of the plenary session: plenary-kind proposals are written up to this day.</summary>
    public DateOnly ClosesOn { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ProposalSession>
    {
        public void Configure(EntityTypeBuilder<ProposalSession> b)
        {
            b.HasIndex(x => new { x.CommitteeId, x.Term, x.Session }).IsUnique();
            b.HasOne<Committee>().WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>
/// A handling unit (承办单位): a government department that answers proposals, with its own accounts
/// (<see cref="Infrastructure.Auth.AppUser.HandlingUnitId"/>). <see cref="Code"/> is the committee code, a dot and a
/// short name, e.g. <c>520200.edu</c>; the API addresses units by it.
/// </summary>
public sealed class HandlingUnit
{
    public int Id { get; set; }
    public required string Code { get; set; }
    /// <summary>Full name, e.g. <c>六盘水市教育局</c>.</summary>
    public required string Name { get; set; }
    /// <summary>The committee whose proposals this unit answers (the government at the same level).</summary>
    public int CommitteeId { get; set; }
    public string CommitteePath { get; set; } = "";
    public bool IsActive { get; set; } = true;

    internal sealed class Configuration : IEntityTypeConfiguration<HandlingUnit>
    {
        public void Configure(EntityTypeBuilder<HandlingUnit> b)
        {
            b.Property(x => x.Code).HasMaxLength(40).UseOrdinalCollation();
            b.HasIndex(x => x.Code).IsUnique();
            b.Property(x => x.Name).HasMaxLength(100);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.HasIndex(x => x.CommitteePath);
            b.HasOne<Committee>().WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>How a proposal is assigned (交办方式).</summary>
public enum AssignmentMode
{
    /// <summary>单办: one unit, code <c>single</c>.</summary>
    Single = 1,
    /// <summary>分办: several units, each replies separately, code <c>separate</c>.</summary>
    Separate = 2,
    /// <summary>主办/会办: a lead unit replies, co-units give it their views, code <c>lead</c>.</summary>
    Lead = 3,
}

/// <summary>A unit's role in an assignment.</summary>
public enum AssignmentRole
{
    /// <summary>单办.</summary>
    Single = 1,
    /// <summary>分办.</summary>
    Separate = 2,
    /// <summary>主办: replies for all.</summary>
    Lead = 3,
    /// <summary>会办: sends views to the lead unit within <see cref="ProposalOptions.CoUnitMonths"/> month.</summary>
    CoUnit = 4,
}

/// <summary>State of one unit's assignment.</summary>
public enum AssignmentStatus
{
    /// <summary>In hand (assigned, contacted or handling).</summary>
    Active = 0,
    /// <summary>Returned by the unit as misassigned (with a reason); the office reassigns.</summary>
    Returned = 1,
    /// <summary>Replied (replying units) or views sent (co-units).</summary>
    Done = 2,
}

/// <summary>
/// One unit's assignment (交办) of a proposal. Deadlines are China dates computed with the working-day calendar
/// (<see cref="WorkCalendar"/>): reply 3 months after assignment (extendable to 6), co-unit views 1 month, return
/// as misassigned within 10 working days; re-handling sets a new reply deadline 3 months after the dissatisfied rating.
/// <see cref="Round"/> is 1 for the first handling, 2 after a dissatisfied rating.
/// </summary>
public sealed class Assignment
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public int HandlingUnitId { get; set; }
    public HandlingUnit? HandlingUnit { get; set; }
    public AssignmentRole Role { get; set; }
    public AssignmentStatus Status { get; set; }
    public int Round { get; set; } = 1;
    public DateTimeOffset AssignedAt { get; set; }
    /// <summary>Last day to return the assignment as misassigned.</summary>
    public DateOnly ReturnDueOn { get; set; }
    /// <summary>Last day to reply (replying units) or to send views to the lead (co-units).</summary>
    public DateOnly DueOn { get; set; }
    /// <summary>Outer limit the office may extend <see cref="DueOn"/> to (6 months after assignment).</summary>
    public DateOnly LatestDueOn { get; set; }
    public string ReturnReason { get; set; } = "";
    public DateTimeOffset? ReturnedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    /// <summary>Co-unit's views for the lead unit (会办意见), sanitised HTML.</summary>
    public string Views { get; set; } = "";
    /// <summary>Days before <see cref="DueOn"/> for which a reminder was already sent (e.g. <c>"14,3"</c>), so each goes once.</summary>
    public string RemindersSent { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<Assignment>
    {
        public void Configure(EntityTypeBuilder<Assignment> b)
        {
            b.Property(x => x.ReturnReason).HasMaxLength(2000);
            b.Property(x => x.Views).HasMaxLength(20000);
            b.Property(x => x.RemindersSent).HasMaxLength(64);
            b.HasOne(x => x.HandlingUnit).WithMany().HasForeignKey(x => x.HandlingUnitId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.HandlingUnitId, x.Status, x.ProposalId });
            b.HasIndex(x => new { x.Status, x.DueOn });
            b.HasIndex(x => x.ProposalId);
        }
    }
}

/// <summary>How a unit contacted the proposer before replying (办前面商).</summary>
public enum ContactMethod
{
    /// <summary>当面, code <c>face-to-face</c>.</summary>
    FaceToFace = 1,
    /// <summary>电话, code <c>phone</c>.</summary>
    Phone = 2,
    /// <summary>信函, code <c>letter</c>.</summary>
    Letter = 3,
    /// <summary>电子邮件, code <c>email</c>.</summary>
    Email = 4,
    /// <summary>走访, code <c>visit</c>.</summary>
    Visit = 5,
}

/// <summary>A contact with the proposer logged by a unit (required before its reply in each round).</summary>
public sealed class ContactLog
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public int AssignmentId { get; set; }
    public int HandlingUnitId { get; set; }
    public ContactMethod Method { get; set; }
    /// <summary>China date of the contact.</summary>
    public DateOnly ContactedOn { get; set; }
    /// <summary>Who was contacted and by whom, e.g. <c>张三委员；局办公室李四</c>.</summary>
    public string Persons { get; set; } = "";
    public string Summary { get; set; } = "";
    public int Round { get; set; } = 1;
    public DateTimeOffset RecordedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ContactLog>
    {
        public void Configure(EntityTypeBuilder<ContactLog> b)
        {
            b.Property(x => x.Persons).HasMaxLength(200);
            b.Property(x => x.Summary).HasMaxLength(4000);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Assignment>().WithMany().HasForeignKey(x => x.AssignmentId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ProposalId);
        }
    }
}

/// <summary>Reply class (答复类别): A solved or adopted, B being solved or planned, C kept for reference.</summary>
public enum ReplyClass
{
    /// <summary>A: 已解决或采纳.</summary>
    A = 1,
    /// <summary>B: 正在解决或列入计划.</summary>
    B = 2,
    /// <summary>C: 因条件限制留作参考.</summary>
    C = 3,
}

/// <summary>A unit's reply (答复). <see cref="Round"/> 2 is the reply after re-handling.</summary>
public sealed class Reply
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public int AssignmentId { get; set; }
    public int HandlingUnitId { get; set; }
    public HandlingUnit? HandlingUnit { get; set; }
    public ReplyClass Class { get; set; }
    /// <summary>Reply text as sanitised HTML.</summary>
    public string Text { get; set; } = "";
    /// <summary>Whether the reply may be shown publicly (公开答复).</summary>
    public bool IsPublic { get; set; }
    public int Round { get; set; } = 1;
    public DateTimeOffset RepliedAt { get; set; }
    /// <summary>True when it was given by <see cref="Assignment.DueOn"/>.</summary>
    public bool OnTime { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Reply>
    {
        public void Configure(EntityTypeBuilder<Reply> b)
        {
            b.Property(x => x.Text).HasMaxLength(40000);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.HandlingUnit).WithMany().HasForeignKey(x => x.HandlingUnitId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.ProposalId);
            b.HasIndex(x => new { x.HandlingUnitId, x.RepliedAt });
        }
    }
}

/// <summary>The proposer's rating of a reply.</summary>
public enum Satisfaction
{
    /// <summary>满意, code <c>satisfied</c>.</summary>
    Satisfied = 1,
    /// <summary>基本满意, code <c>basically-satisfied</c>.</summary>
    BasicallySatisfied = 2,
    /// <summary>不满意, code <c>dissatisfied</c>: the unit handles it again.</summary>
    Dissatisfied = 3,
}

/// <summary>The proposer's rating (评价) of one reply.</summary>
public sealed class Rating
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public int ReplyId { get; set; }
    public int HandlingUnitId { get; set; }
    public Satisfaction Satisfaction { get; set; }
    public string Comment { get; set; } = "";
    public int Round { get; set; } = 1;
    public DateTimeOffset RatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Rating>
    {
        public void Configure(EntityTypeBuilder<Rating> b)
        {
            b.Property(x => x.Comment).HasMaxLength(2000);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ReplyId).IsUnique();
            b.HasIndex(x => x.ProposalId);
        }
    }
}

/// <summary>A supervision record (督办记录) of a key proposal by its supervising leader or the office.</summary>
public sealed class Supervision
{
    public int Id { get; set; }
    public int ProposalId { get; set; }
    public string UserId { get; set; } = "";
    public string ActorName { get; set; } = "";
    /// <summary>China date of the supervision (meeting, visit, call).</summary>
    public DateOnly On { get; set; }
    public string Text { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Supervision>
    {
        public void Configure(EntityTypeBuilder<Supervision> b)
        {
            b.Property(x => x.UserId).HasMaxLength(64);
            b.Property(x => x.ActorName).HasMaxLength(100);
            b.Property(x => x.Text).HasMaxLength(4000);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.ProposalId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ProposalId);
        }
    }
}

/// <summary>The ten national grounds for not filing a proposal (不予立案), by API code.</summary>
public static class NotFiledGrounds
{
    /// <summary>Every ground: code and Chinese wording.</summary>
    public static readonly IReadOnlyList<(string Code, string Name)> All =
    [
        ("state-secret", "涉及党和国家秘密的"),
        ("prohibited", "涉及国家法律法规禁止的事项的"),
        ("personnel", "涉及党政机关内部人事安排的"),
        ("party-internal", "涉及民主党派、人民团体内部事务的"),
        ("litigation", "属于诉讼、仲裁或者党政机关正在依法处理的案件的"),
        ("academic", "属于学术探讨的"),
        ("personal", "属于提案人或者其亲属个人事务的"),
        ("promotion", "为宣传、推介具体作品、产品的"),
        ("accusation", "对具体人员的检举、控告的"),
        ("no-suggestion", "没有具体建议的"),
    ];

    /// <summary>Chinese wording of a ground code, or null when unknown.</summary>
    public static string? Name(string? code) => All.FirstOrDefault(g => g.Code == code).Name;
}

/// <summary>
/// A day that differs from the Monday–Friday rule in the working-day calendar (工作日历): a public holiday on a weekday
/// (<see cref="IsWorkingDay"/> false) or an adjusted working day on a weekend (调休, true). Seeded from the State
/// Council General Office's notice on the year's public holidays; editable by administrators.
/// </summary>
public sealed class WorkCalendarDay
{
    /// <summary>China date.</summary>
    public DateOnly Date { get; set; }
    public bool IsWorkingDay { get; set; }
    /// <summary>Holiday name (e.g. <c>春节</c>) or the reason for the adjusted working day (e.g. <c>春节调休上班</c>).</summary>
    public string Name { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<WorkCalendarDay>
    {
        public void Configure(EntityTypeBuilder<WorkCalendarDay> b)
        {
            b.HasKey(x => x.Date);
            b.Property(x => x.Name).HasMaxLength(32);
        }
    }
}
