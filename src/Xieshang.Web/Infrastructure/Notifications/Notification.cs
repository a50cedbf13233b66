using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>
/// An in-app inbox message. Addressed to a member (<see cref="MemberId"/>, seen by the account linked to
/// that member, even one created later) or to an account (<see cref="UserId"/>, e.g. a leader asked to decide
/// on leave). Exactly one of the two is set.
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }
    public int? MemberId { get; set; }
    public string? UserId { get; set; }
    /// <summary>Short kind code: <c>activity.published</c>, <c>activity.reminder</c>, <c>leave.requested</c>, ….</summary>
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>Local link inside the platform, e.g. <c>/activities/12</c>.</summary>
    public string Link { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Notification>
    {
        public void Configure(EntityTypeBuilder<Notification> b)
        {
            b.Property(x => x.UserId).HasMaxLength(64);
            b.Property(x => x.Kind).HasMaxLength(32);
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Body).HasMaxLength(2000);
            b.Property(x => x.Link).HasMaxLength(200);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.MemberId, x.Id });
            b.HasIndex(x => new { x.UserId, x.Id });
        }
    }
}

/// <summary>
/// An e-mail waiting to be sent (transactional outbox): written in the same transaction as the change it
/// reports, sent by <c>MailSender</c> through SMTP or into the pickup folder, retried with back-off.
/// </summary>
public sealed class OutboxMail
{
    public long Id { get; set; }
    public string To { get; set; } = "";
    public string ToName { get; set; } = "";
    public string Subject { get; set; } = "";
    /// <summary>Plain-text body.</summary>
    public string Body { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }
    public string LastError { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<OutboxMail>
    {
        public void Configure(EntityTypeBuilder<OutboxMail> b)
        {
            b.Property(x => x.To).HasMaxLength(120);
            b.Property(x => x.ToName).HasMaxLength(64);
            b.Property(x => x.Subject).HasMaxLength(200);
            b.Property(x => x.Body).HasMaxLength(8000);
            b.Property(x => x.LastError).HasMaxLength(500);
            b.HasIndex(x => new { x.SentAt, x.NextAttemptAt });
        }
    }
}
