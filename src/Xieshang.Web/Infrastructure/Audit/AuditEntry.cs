using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Xieshang.Web.Infrastructure.Audit;

/// <summary>
/// One audited event: a sign-in (successful or not) or a change to an entity. Written by
/// <see cref="AuditInterceptor"/> in the same transaction as the change; never updated or deleted
/// through tracked edits (<see cref="Data.AppDbContext"/> refuses it). Two set-based exceptions, both audited themselves:
/// the retention sweep deletes entries older than <c>Retention:AuditLogDays</c> (<see cref="Retention.RetentionSweeps"/>),
/// and a member's erasure replaces the erased personal values in their rows by 「（已清除）」
/// (<see cref="Features.Members.PersonalData"/>).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>User name of the actor, or <c>system</c> for start-up seeding and jobs.</summary>
    public string UserName { get; set; } = "";
    /// <summary><c>SignIn</c>, <c>SignInFailed</c>, <c>LockedOut</c>, <c>Added</c>, <c>Modified</c>, <c>Deleted</c>.</summary>
    public string Action { get; set; } = "";
    /// <summary>CLR type name of the changed entity, empty for sign-ins.</summary>
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    /// <summary>Scope path of the committee the change belongs to, when known (for scoped audit views).</summary>
    public string? CommitteePath { get; set; }
    /// <summary>JSON object <c>{"Property": {"old": …, "new": …}}</c>; for sign-ins, details such as the client address.</summary>
    public string Changes { get; set; } = "{}";

    internal sealed class Configuration : IEntityTypeConfiguration<AuditEntry>
    {
        public void Configure(EntityTypeBuilder<AuditEntry> b)
        {
            b.Property(x => x.UserName).HasMaxLength(256);
            b.Property(x => x.Action).HasMaxLength(32);
            b.Property(x => x.EntityType).HasMaxLength(64);
            b.Property(x => x.EntityId).HasMaxLength(128);
            b.Property(x => x.CommitteePath).HasMaxLength(64);
            b.HasIndex(x => x.At);
        }
    }
}
