using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>State of a deliberation: prepared by staff, open for statements and votes, closed (read only).</summary>
public enum DeliberationStatus
{
    /// <summary>Being prepared (code <c>draft</c>): staff add seed statements; nobody else sees it.</summary>
    Draft = 0,
    /// <summary>Open (code <c>open</c>): participants vote and add statements.</summary>
    Open = 1,
    /// <summary>Closed (code <c>closed</c>): the map and the statements stay readable, nothing changes.</summary>
    Closed = 2,
}

/// <summary>Who may take part in a deliberation.</summary>
public enum DeliberationVisibility
{
    /// <summary>Code <c>members</c>: members of the deliberation's committee (staff and leaders in scope may also take part).</summary>
    Members = 1,
    /// <summary>Code <c>invited</c>: the accounts listed in <see cref="DeliberationInvitee"/> only.</summary>
    Invited = 2,
    /// <summary>Code <c>public</c>: anyone who has the invitation link (<see cref="Deliberation.InviteToken"/>).</summary>
    PublicLink = 3,
}

/// <summary>Moderation state of a statement.</summary>
public enum StatementStatus
{
    /// <summary>Waiting in the moderation queue; not shown for voting.</summary>
    Pending = 0,
    /// <summary>Accepted: shown for voting.</summary>
    Accepted = 1,
    /// <summary>Rejected with a reason; kept (never deleted) and passed to the maths as moderated out.</summary>
    Rejected = 2,
}

/// <summary>
/// An online deliberation (网络议政) of one <see cref="Consultation"/> (at most one per consultation): a question, short
/// statements, agree / disagree / pass votes and the opinion map computed from them (<see cref="DeliberationMapSnapshot"/>).
/// Committee and scope path are copied from the consultation.
/// </summary>
public sealed class Deliberation
{
    public int Id { get; set; }
    public int ConsultationId { get; set; }
    public Consultation? Consultation { get; set; }
    public int CommitteeId { get; set; }
    /// <summary>Copy of the consultation's committee path, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>The question put to the participants, at most 500 characters.</summary>
    public string Question { get; set; } = "";
    public DeliberationStatus Status { get; set; }
    public DeliberationVisibility Visibility { get; set; }
    /// <summary>Public-link deliberations: people without an account may take part (cookie identity, per-IP cap).</summary>
    public bool AllowAnonymous { get; set; }
    /// <summary>Unguessable token of the public link <c>/d/{token}</c> (32 url-safe characters).</summary>
    public string InviteToken { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Deliberation>
    {
        public void Configure(EntityTypeBuilder<Deliberation> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Question).HasMaxLength(500);
            b.Property(x => x.InviteToken).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Consultation).WithMany().HasForeignKey(x => x.ConsultationId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.ConsultationId).IsUnique();
            b.HasIndex(x => x.InviteToken).IsUnique();
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>An account invited to an <see cref="DeliberationVisibility.Invited"/> deliberation.</summary>
public sealed class DeliberationInvitee
{
    public int Id { get; set; }
    public int DeliberationId { get; set; }
    /// <summary>Identity user id of the invited account.</summary>
    public string UserId { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<DeliberationInvitee>
    {
        public void Configure(EntityTypeBuilder<DeliberationInvitee> b)
        {
            b.Property(x => x.UserId).HasMaxLength(450);
            b.HasOne<Deliberation>().WithMany().HasForeignKey(x => x.DeliberationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.DeliberationId, x.UserId }).IsUnique();
        }
    }
}

/// <summary>
/// A person taking part: an account (<see cref="UserId"/>, member link if the account is a member's) or an anonymous
/// browser (<see cref="AnonymousKey"/> from a signed cookie). One row per deliberation and account or key.
/// </summary>
public sealed class DeliberationParticipant
{
    public int Id { get; set; }
    public int DeliberationId { get; set; }
    public string? UserId { get; set; }
    public string? AnonymousKey { get; set; }
    public int? MemberId { get; set; }
    public string? DisplayName { get; set; }
    /// <summary>Anonymous participants: hash of the client address, for the per-address cap of new participants.</summary>
    public string? AddressHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<DeliberationParticipant>
    {
        public void Configure(EntityTypeBuilder<DeliberationParticipant> b)
        {
            b.Property(x => x.UserId).HasMaxLength(450);
            b.Property(x => x.AnonymousKey).HasMaxLength(64);
            b.Property(x => x.DisplayName).HasMaxLength(64);
            b.Property(x => x.AddressHash).HasMaxLength(64);
            b.HasOne<Deliberation>().WithMany().HasForeignKey(x => x.DeliberationId).OnDelete(DeleteBehavior.Cascade);
            // NULLs are distinct in unique indexes on both providers: one row per account, one per anonymous key.
            b.HasIndex(x => new { x.DeliberationId, x.UserId }).IsUnique();
            b.HasIndex(x => new { x.DeliberationId, x.AnonymousKey }).IsUnique();
            b.HasIndex(x => new { x.DeliberationId, x.AddressHash, x.CreatedAt });
        }
    }
}

/// <summary>
/// A short statement (at most <see cref="DeliberationRules.MaxStatementLength"/> characters counted as text elements).
/// Seed statements by staff are accepted at once; the others wait for moderation. Rejected ones are kept.
/// </summary>
public sealed class DeliberationStatement
{
    public int Id { get; set; }
    public int DeliberationId { get; set; }
    public string Text { get; set; } = "";
    /// <summary>The participant who wrote it; null for seed statements by staff.</summary>
    public int? AuthorParticipantId { get; set; }
    /// <summary>Account name of the author (staff for seeds); empty for anonymous authors.</summary>
    public string CreatedBy { get; set; } = "";
    public bool IsSeed { get; set; }
    public StatementStatus Status { get; set; }
    public string RejectReason { get; set; } = "";
    public string ModeratedBy { get; set; } = "";
    public DateTimeOffset? ModeratedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<DeliberationStatement>
    {
        public void Configure(EntityTypeBuilder<DeliberationStatement> b)
        {
            b.ToTable("DeliberationStatements");
            b.Property(x => x.Text).HasMaxLength(600);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.Property(x => x.RejectReason).HasMaxLength(200);
            b.Property(x => x.ModeratedBy).HasMaxLength(64);
            b.HasOne<Deliberation>().WithMany().HasForeignKey(x => x.DeliberationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<DeliberationParticipant>().WithMany().HasForeignKey(x => x.AuthorParticipantId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.DeliberationId, x.Status });
        }
    }
}

/// <summary>
/// A participant's vote on a statement: +1 agree, −1 disagree, 0 pass. The unique index (participant, statement) keeps
/// one vote per pair; a change updates the row (the latest is kept).
/// </summary>
public sealed class DeliberationVote
{
    public int Id { get; set; }
    public int DeliberationId { get; set; }
    public int ParticipantId { get; set; }
    public int StatementId { get; set; }
    public short Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<DeliberationVote>
    {
        public void Configure(EntityTypeBuilder<DeliberationVote> b)
        {
            b.HasOne<Deliberation>().WithMany().HasForeignKey(x => x.DeliberationId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<DeliberationParticipant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<DeliberationStatement>().WithMany().HasForeignKey(x => x.StatementId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.ParticipantId, x.StatementId }).IsUnique();
            b.HasIndex(x => new { x.DeliberationId, x.UpdatedAt });
            b.HasIndex(x => x.StatementId);
        }
    }
}

/// <summary>
/// The latest opinion map of a deliberation (one row each, replaced by every recompute): what the pages need as compact
/// JSON (<see cref="Data"/>: groups, distinct, consensus, divisive and ranked statements; <see cref="Points"/>: participant
/// positions and groups; <see cref="Priorities"/>: comment-routing priorities) and the engine's serialized
/// <see cref="State"/> for the next warm start. <see cref="ThroughAt"/> is the newest vote or statement change included.
/// </summary>
public sealed class DeliberationMapSnapshot
{
    public int Id { get; set; }
    public int DeliberationId { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public DateTimeOffset ThroughAt { get; set; }
    public int Participants { get; set; }
    public int Votes { get; set; }
    public double Seconds { get; set; }
    public string Data { get; set; } = "";
    public string Points { get; set; } = "";
    public string Priorities { get; set; } = "";
    public string State { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<DeliberationMapSnapshot>
    {
        public void Configure(EntityTypeBuilder<DeliberationMapSnapshot> b)
        {
            b.ToTable("DeliberationMaps");
            b.HasOne<Deliberation>().WithMany().HasForeignKey(x => x.DeliberationId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.DeliberationId).IsUnique();
        }
    }
}
