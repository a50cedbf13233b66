using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Jobs;

/// <summary>
/// A named lease in the database that guards work which must run on one instance at a time
/// (reference-data seeding, scheduled jobs). Works on SQLite and PostgreSQL alike: taking the lease
/// is a single conditional UPDATE, so two instances can never both win.
/// </summary>
public sealed class JobLease
{
    public required string Name { get; set; }
    public string Holder { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<JobLease>
    {
        public void Configure(EntityTypeBuilder<JobLease> b)
        {
            b.HasKey(x => x.Name);
            b.Property(x => x.Name).HasMaxLength(64);
            b.Property(x => x.Holder).HasMaxLength(128);
        }
    }
}

/// <summary>Takes and releases <see cref="JobLease"/>s.</summary>
public static class JobLeases
{
    /// <summary>This process's identity as a lease holder (machine name and process id plus a random part).</summary>
    public static readonly string InstanceId = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 128);

    /// <summary>Expiry written into a free lease: long past, but representable on every provider.</summary>
    private static readonly DateTimeOffset Free = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[^max..];

    /// <summary>
    /// Tries to take the lease <paramref name="name"/> for <paramref name="duration"/>. Returns true when
    /// this instance now holds it (it was free, expired, or already ours); false when another live instance holds it.
    /// </summary>
    public static async Task<bool> TryAcquireAsync(AppDbContext db, string name, TimeSpan duration, TimeProvider clock, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var until = now + duration;
        if (!await db.JobLeases.AnyAsync(x => x.Name == name, ct))
        {
            try
            {
                db.JobLeases.Add(new JobLease { Name = name, Holder = "", ExpiresAt = Free });
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance inserted it first; fall through to the conditional update.
            }
            db.ChangeTracker.Clear();
        }
        var taken = await db.JobLeases
            .Where(x => x.Name == name && (x.ExpiresAt < now || x.Holder == InstanceId))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Holder, InstanceId).SetProperty(x => x.ExpiresAt, until), ct);
        return taken == 1;
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding the lease <paramref name="name"/> (taken for <paramref name="duration"/>,
    /// released afterwards even when the work throws). Returns false, without running it, when another live instance holds
    /// the lease.
    /// </summary>
    public static async Task<bool> RunExclusiveAsync(AppDbContext db, string name, TimeSpan duration, TimeProvider clock,
        Func<Task> work, CancellationToken ct = default)
    {
        if (!await TryAcquireAsync(db, name, duration, clock, ct)) return false;
        try
        {
            await work();
            return true;
        }
        finally
        {
            await ReleaseAsync(db, name, CancellationToken.None);
        }
    }

    /// <summary>Releases a lease this instance holds (no effect otherwise).</summary>
    public static Task ReleaseAsync(AppDbContext db, string name, CancellationToken ct = default) =>
        db.JobLeases.Where(x => x.Name == name && x.Holder == InstanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, Free), ct);
}
