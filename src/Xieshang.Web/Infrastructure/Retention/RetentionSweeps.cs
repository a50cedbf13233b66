using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Infrastructure.Retention;

/// <summary>What one retention sweep did: audit entries deleted, studio messages cleared, orphan files deleted.</summary>
/// <param name="AuditRemoved">Audit entries older than the audit period, deleted.</param>
/// <param name="MessagesCleared">Studio messages whose citizen's personal data was cleared.</param>
/// <param name="FilesRemoved">Files removed from the upload folder (orphans and stale temporary files).</param>
public sealed record RetentionResult(int AuditRemoved, int MessagesCleared, int FilesRemoved);

/// <summary>
/// The data retention rules (README "Data retention"), as plain methods the daily <see cref="RetentionJob"/> and the
/// tests call with a clock:
/// <list type="bullet">
/// <item>audit entries with <see cref="AuditEntry.At"/> before now − <see cref="RetentionOptions.AuditLogDays"/> are
/// deleted (the one exception to "the audit log is never deleted"); the sweep then adds one audit entry
/// (<see cref="PurgeAction"/>, actor <c>system</c>) with the numbers;</item>
/// <item>studio messages answered, converted or closed — every one of those times before now −
/// <see cref="RetentionOptions.StudioMessageDays"/> — lose the citizen's personal data: name, phone, photo, client-address
/// key, and the tracking code (replaced by <c>~</c> + id, which no citizen can type); the matter's text, the answer,
/// status and times stay, so the studio's statistics are unchanged. Their old values are also cleared from the audit
/// rows of those messages (<see cref="AuditRedaction"/>). Messages still waiting (<see cref="StudioMessageStatus.New"/>) are never touched;</item>
/// <item>files in the upload folder named like <see cref="FileStore"/> names them (<c>yyyy/MM/&lt;32 hex&gt;</c>) with no
/// <see cref="StoredFile"/> row, and temporary files under <c>.tmp/</c>, last written more than
/// <see cref="RetentionOptions.OrphanFileHours"/> ago, are deleted. Nothing else in the folder is touched.</item>
/// </list>
/// Each rule is idempotent: a second sweep at the same time finds nothing to do.
/// </summary>
public static partial class RetentionSweeps
{
    /// <summary>Lease name (one sweep a day across instances).</summary>
    public const string Lease = "retention";
    /// <summary>How long the lease is held after a sweep: it is not released, so no instance sweeps again within this time.</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromHours(23);
    /// <summary><see cref="AuditEntry.Action"/> of the entry a sweep writes.</summary>
    public const string PurgeAction = "RetentionPurge";
    /// <summary>Prefix of a cleared studio message's tracking code.</summary>
    public const string ClearedTrackingPrefix = "~";

    /// <summary>Studio message properties that are the citizen's personal data.</summary>
    public static readonly IReadOnlySet<string> StudioPersonalFields = new HashSet<string>
    {
        nameof(StudioMessage.Name), nameof(StudioMessage.Phone), nameof(StudioMessage.Photo), nameof(StudioMessage.PhotoContentType),
        nameof(StudioMessage.TrackingCode), nameof(StudioMessage.ClientKey),
    };

    [GeneratedRegex(@"^\d{4}/\d{2}/[0-9a-f]{32}$")]
    private static partial Regex StorageKeyPattern();

    /// <summary>
    /// Runs the sweep once a day across instances: does nothing (returns null) when the <see cref="Lease"/> lease is
    /// held — by another instance now, or by any instance's sweep within the last <see cref="LeaseTime"/>; otherwise takes
    /// it for <see cref="LeaseTime"/> (not released) and sweeps.
    /// </summary>
    public static async Task<RetentionResult?> RunDailyAsync(AppDbContext db, TimeProvider clock, RetentionOptions options, string uploadRoot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await db.JobLeases.AsNoTracking().AnyAsync(l => l.Name == Lease && l.ExpiresAt >= now, ct)) return null;
        if (!await JobLeases.TryAcquireAsync(db, Lease, LeaseTime, clock, ct)) return null;
        return await SweepAsync(db, clock, options, uploadRoot, ct);
    }

    /// <summary>Applies the three rules now (no lease: callers that may run on several instances use <see cref="RunDailyAsync"/>).</summary>
    public static async Task<RetentionResult> SweepAsync(AppDbContext db, TimeProvider clock, RetentionOptions options, string uploadRoot, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var auditCutoff = now.AddDays(-options.AuditLogDays);
        var messageCutoff = now.AddDays(-options.StudioMessageDays);

        var removed = await db.AuditEntries.Where(a => a.At < auditCutoff).ExecuteDeleteAsync(ct);
        var cleared = await ClearStudioMessagesAsync(db, messageCutoff, ct);
        var files = await SweepFilesAsync(db, uploadRoot, now.AddHours(-options.OrphanFileHours), ct);

        if (removed + cleared + files > 0)
        {
            var changes = new Dictionary<string, object>
            {
                ["AuditRemoved"] = new { @new = removed },
                ["AuditCutoff"] = new { @new = auditCutoff },
                ["StudioMessagesCleared"] = new { @new = cleared },
                ["StudioMessageCutoff"] = new { @new = messageCutoff },
                ["OrphanFilesRemoved"] = new { @new = files },
            };
            db.AuditEntries.Add(new AuditEntry
            {
                At = now, UserName = "system", Action = PurgeAction, EntityType = nameof(RetentionSweeps), EntityId = "",
                Changes = JsonSerializer.Serialize(changes, AuditInterceptor.Json),
            });
            await db.SaveChangesAsync(ct);
        }
        return new RetentionResult(removed, cleared, files);
    }

    private static async Task<int> ClearStudioMessagesAsync(AppDbContext db, DateTimeOffset cutoff, CancellationToken ct)
    {
        var ids = await db.StudioMessages.AsNoTracking()
            .Where(m => m.Status != StudioMessageStatus.New
                && (m.AnsweredAt != null || m.ConvertedAt != null || m.ClosedAt != null)
                && (m.AnsweredAt == null || m.AnsweredAt < cutoff)
                && (m.ConvertedAt == null || m.ConvertedAt < cutoff)
                && (m.ClosedAt == null || m.ClosedAt < cutoff)
                && !m.TrackingCode.StartsWith(ClearedTrackingPrefix))
            .Select(m => m.Id).ToListAsync(ct);
        foreach (var batch in ids.Chunk(500))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var id in batch)
            {
                var code = ClearedTrackingPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await db.StudioMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Name, "")
                    .SetProperty(m => m.Phone, "")
                    .SetProperty(m => m.Photo, (byte[]?)null)
                    .SetProperty(m => m.PhotoContentType, "")
                    .SetProperty(m => m.ClientKey, "")
                    .SetProperty(m => m.TrackingCode, code), ct);
            }
            await AuditRedaction.RedactAsync(db, nameof(StudioMessage),
                batch.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), StudioPersonalFields, ct);
            await tx.CommitAsync(ct);
        }
        return ids.Count;
    }

    /// <summary>Deletes orphan and stale temporary files last written before <paramref name="before"/>; returns how many.</summary>
    private static async Task<int> SweepFilesAsync(AppDbContext db, string root, DateTimeOffset before, CancellationToken ct)
    {
        if (!Directory.Exists(root)) return 0;
        var removed = 0;
        var tmp = Path.Combine(root, ".tmp");
        if (Directory.Exists(tmp))
            foreach (var f in Directory.EnumerateFiles(tmp))
                if (File.GetLastWriteTimeUtc(f) < before.UtcDateTime && TryDelete(f)) removed++;

        var candidates = new List<(string Key, string Path)>();
        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/');
            if (!StorageKeyPattern().IsMatch(key) || File.GetLastWriteTimeUtc(f) >= before.UtcDateTime) continue;
            candidates.Add((key, f));
        }
        foreach (var batch in candidates.Chunk(500))
        {
            var keys = batch.Select(c => c.Key).ToList();
            var known = (await db.StoredFiles.AsNoTracking().Where(s => keys.Contains(s.StorageKey)).Select(s => s.StorageKey).ToListAsync(ct)).ToHashSet();
            foreach (var (key, path) in batch)
                if (!known.Contains(key) && TryDelete(path)) removed++;
        }
        return removed;
    }

    private static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Binds <see cref="RetentionOptions"/> (validated on start) and registers the daily <see cref="RetentionJob"/>.</summary>
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<RetentionJob>();
        return builder;
    }
}

/// <summary>
/// Background shell around <see cref="RetentionSweeps.RunDailyAsync"/>: one look five minutes after start, then every
/// hour; the database lease makes the sweep run once a day across all instances. Off with <c>Notifications:Jobs=false</c>
/// (the switch of every scheduled job; the tests turn it off and call the sweep directly).
/// </summary>
public sealed class RetentionJob(
    IServiceScopeFactory scopes, IOptions<NotificationJobOptions> jobs, IOptions<RetentionOptions> options, IOptions<FileStoreOptions> files,
    IWebHostEnvironment env, TimeProvider clock, ILogger<RetentionJob> log) : BackgroundService
{
    /// <summary>Time between two looks.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstLook = TimeSpan.FromMinutes(5);

    /// <summary>The upload folder as <see cref="FileStore"/> resolves it.</summary>
    public static string UploadRoot(IWebHostEnvironment env, FileStoreOptions files) => Path.GetFullPath(Path.Combine(env.ContentRootPath, files.Path));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !jobs.Value.Jobs ? Task.CompletedTask
        : PeriodicJob.RunAsync(clock, Every, runAtStart: true, stop => PeriodicJob.RunSafelyAsync(scopes, log, "retention", async (db, ct) =>
        {
            var r = await RetentionSweeps.RunDailyAsync(db, clock, options.Value, UploadRoot(env, files.Value), ct);
            if (r is not null)
                log.LogInformation("Retention: {Audit} audit entries deleted, {Messages} studio messages cleared, {Files} orphan files deleted",
                    r.AuditRemoved, r.MessagesCleared, r.FilesRemoved);
        }, stop), stoppingToken, firstDelay: FirstLook);
}
