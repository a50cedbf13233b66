using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Calendar;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Infrastructure.Audit;

/// <summary>
/// Adds an <see cref="AuditEntry"/> for every added, modified or deleted entity, committed together with the
/// change. Rows of modified and deleted entities go into the same SaveChanges; rows of added entities wait
/// until the database has generated their keys and are saved right after, inside the same transaction (the
/// caller's, or one this interceptor opens and commits), so every audit row names its entity's real id.
/// The actor is the signed-in user of the current request, or <c>system</c>. Secrets (password hashes,
/// security stamps, check-in keys, feed token hashes) are never written, file contents only by size; enum values
/// are written by name. A proposal's search text is derived data and its timeline events are themselves the record
/// of who did what, so neither is copied here.
/// </summary>
public sealed class AuditInterceptor(IHttpContextAccessor http, TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>JSON options for audit rows: Chinese text kept readable, not \u-escaped.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly HashSet<string> Secret =
        [nameof(AppUser.PasswordHash), nameof(AppUser.SecurityStamp), nameof(Activity.CheckInKey), nameof(CalendarFeed.TokenHash)];
    private static readonly HashSet<string> Noise =
    [
        nameof(Member.StrokeKey), nameof(Member.PinyinKey), nameof(Member.PinyinFull), nameof(Member.PinyinInitials), nameof(Member.UpdatedAt),
        nameof(AppUser.AccessFailedCount), nameof(AppUser.FailureWindowStart), nameof(AppUser.ConcurrencyStamp),
        nameof(Features.Proposals.Proposal.SearchText),
    ];

    /// <summary>Audit rows of added entities waiting for their keys, and the transaction opened for them, per context.</summary>
    internal sealed class Pending
    {
        public List<(AuditEntry Row, EntityEntry Entity)> Added { get; } = [];
        public IDbContextTransaction? OwnTransaction { get; set; }
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db && Record(db) && db.Database.CurrentTransaction is null)
            db.PendingAudit!.OwnTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is AppDbContext db && Record(db) && db.Database.CurrentTransaction is null)
            db.PendingAudit!.OwnTransaction = db.Database.BeginTransaction();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext { PendingAudit: { } pending } db)
        {
            db.PendingAudit = null;
            await using var tx = pending.OwnTransaction;
            db.AuditEntries.AddRange(Resolve(pending));
            await db.SaveChangesAsync(cancellationToken);
            if (tx is not null) await tx.CommitAsync(cancellationToken);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is AppDbContext { PendingAudit: { } pending } db)
        {
            db.PendingAudit = null;
            using var tx = pending.OwnTransaction;
            db.AuditEntries.AddRange(Resolve(pending));
            db.SaveChanges();
            tx?.Commit();
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext { PendingAudit: { } pending } db)
        {
            db.PendingAudit = null;
            if (pending.OwnTransaction is { } tx) await tx.DisposeAsync(); // rolls back
        }
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is AppDbContext { PendingAudit: { } pending } db)
        {
            db.PendingAudit = null;
            pending.OwnTransaction?.Dispose();
        }
    }

    private static IEnumerable<AuditEntry> Resolve(Pending pending)
    {
        foreach (var (row, entity) in pending.Added)
        {
            row.EntityId = KeyOf(entity);
            yield return row;
        }
    }

    /// <summary>The actor's user name for audit rows: the signed-in user or <c>system</c>.</summary>
    public static string Actor(ClaimsPrincipal? user) => user?.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "?" : "system";

    /// <summary>Adds the audit rows of this SaveChanges; returns true when rows of added entities wait for their keys.</summary>
    private bool Record(AppDbContext db)
    {
        if (db.SuppressAudit) return false;
        var actor = Actor(http.HttpContext?.User);
        var now = clock.GetUtcNow();
        var entries = db.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            // Not audited: the log itself, infrastructure, and rows derived from audited changes (notices and mail
            // of a publication, duty records of a confirmed attendance, check-ins that carry their own time and actor).
            .Where(e => e.Entity is not (AuditEntry or DataProtectionKey or JobLease or Notification or OutboxMail or DutyRecord or CheckIn
                or Features.Proposals.ProposalEvent))
            .ToList();
        foreach (var e in entries)
        {
            var changes = Describe(e);
            if (e.State == EntityState.Modified && changes.Count == 0) continue;
            var row = new AuditEntry
            {
                At = now,
                UserName = actor,
                Action = e.State.ToString(),
                EntityType = e.Metadata.ClrType.Name,
                EntityId = KeyOf(e),
                CommitteePath = e.Metadata.FindProperty(nameof(Member.CommitteePath)) is not null ? e.Property(nameof(Member.CommitteePath)).CurrentValue as string : null,
                Changes = JsonSerializer.Serialize(changes, Json),
            };
            if (e.State == EntityState.Added && e.Properties.Any(p => p.IsTemporary))
                (db.PendingAudit ??= new Pending()).Added.Add((row, e));
            else
                db.AuditEntries.Add(row);
        }
        return db.PendingAudit is { Added.Count: > 0 };
    }

    private static string KeyOf(EntityEntry e)
    {
        var key = e.Metadata.FindPrimaryKey();
        if (key is null) return "";
        return string.Join(",", key.Properties.Select(p => e.Property(p.Name).CurrentValue?.ToString()));
    }

    private static Dictionary<string, object?> Describe(EntityEntry e)
    {
        var d = new Dictionary<string, object?>();
        foreach (var p in e.Properties)
        {
            var name = p.Metadata.Name;
            if (Noise.Contains(name) || p.IsTemporary) continue;
            var secret = Secret.Contains(name);
            if (!secret && p.Metadata.ClrType == typeof(byte[]))
            {
                // File contents: the size, not the bytes.
                static object? Size(object? v) => v is byte[] b ? $"{b.Length} bytes" : null;
                d[name] = e.State switch
                {
                    EntityState.Added => new { @new = Size(p.CurrentValue) },
                    EntityState.Deleted => new { old = Size(p.OriginalValue) },
                    _ when p.IsModified => new { old = Size(p.OriginalValue), @new = Size(p.CurrentValue) },
                    _ => null,
                };
                if (d[name] is null) d.Remove(name);
                continue;
            }
            switch (e.State)
            {
                case EntityState.Added:
                    if (p.CurrentValue is not null) d[name] = new { @new = secret ? "***" : p.CurrentValue };
                    break;
                case EntityState.Deleted:
                    d[name] = new { old = secret ? "***" : p.OriginalValue };
                    break;
                case EntityState.Modified when p.IsModified && !Equals(p.OriginalValue, p.CurrentValue):
                    d[name] = secret ? new { old = (object?)"***", @new = (object?)"***" } : new { old = p.OriginalValue, @new = p.CurrentValue };
                    break;
            }
        }
        return d;
    }
}
