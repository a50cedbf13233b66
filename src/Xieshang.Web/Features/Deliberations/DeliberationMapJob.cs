using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Consensus;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// Computes and stores opinion maps (<see cref="DeliberationMapSnapshot"/>): <see cref="RecomputeAsync"/> for one
/// deliberation (under a per-deliberation <see cref="JobLease"/>, so one computation at a time across app instances, warm
/// from the stored <see cref="ConsensusState"/>), <see cref="DueAsync"/> for the debounce, <see cref="RunOnceAsync"/> for
/// one pass of the job. Plain methods: the tests call them directly; <see cref="DeliberationMapJob"/> calls them in a loop.
/// </summary>
public static class DeliberationMaps
{
    /// <summary>Lease name of deliberation <paramref name="id"/>'s map computation.</summary>
    public static string LeaseName(int id) => $"deliberation-map:{id}";

    /// <summary>How long a computation may hold its lease (a crashed instance frees it after this).</summary>
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Deliberations whose map is out of date and due: open (or closed within the last hour) with a vote or moderation newer
    /// than the stored map, and either quiet for <see cref="DeliberationOptions.MapQuietMilliseconds"/> or waiting since
    /// <see cref="DeliberationOptions.MapMaxDelayMilliseconds"/>.
    /// </summary>
    public static async Task<IReadOnlyList<int>> DueAsync(AppDbContext db, DateTimeOffset now, DeliberationOptions options, CancellationToken ct)
    {
        var recentlyClosed = now.AddHours(-1);
        var rows = await db.Deliberations.AsNoTracking()
            .Where(d => d.Status == DeliberationStatus.Open || (d.Status == DeliberationStatus.Closed && d.ClosedAt >= recentlyClosed))
            .Select(d => new
            {
                d.Id,
                LastVote = db.DeliberationVotes.Where(v => v.DeliberationId == d.Id).Max(v => (DateTimeOffset?)v.UpdatedAt),
                LastModeration = db.DeliberationStatements.Where(s => s.DeliberationId == d.Id).Max(s => s.ModeratedAt),
                MapAt = db.DeliberationMaps.Where(m => m.DeliberationId == d.Id).Select(m => (DateTimeOffset?)m.ThroughAt).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var due = new List<int>();
        foreach (var r in rows)
        {
            var last = Max(r.LastVote, r.LastModeration);
            if (last is null || (r.MapAt is { } m && last <= m)) continue;
            if (now - last >= TimeSpan.FromMilliseconds(options.MapQuietMilliseconds)) { due.Add(r.Id); continue; }
            var since = r.MapAt ?? DateTimeOffset.MinValue;
            var first = await db.DeliberationVotes.Where(v => v.DeliberationId == r.Id && v.UpdatedAt > since).MinAsync(v => (DateTimeOffset?)v.UpdatedAt, ct);
            if (first is null || now - first >= TimeSpan.FromMilliseconds(options.MapMaxDelayMilliseconds)) due.Add(r.Id);
        }
        return due;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);

    /// <summary>
    /// One pass of the job: recomputes every due deliberation's map. Returns the ids recomputed (those whose lease another
    /// instance holds are skipped).
    /// </summary>
    public static async Task<IReadOnlyList<int>> RunOnceAsync(AppDbContext db, TimeProvider clock, DeliberationOptions options, CancellationToken ct)
    {
        var done = new List<int>();
        foreach (var id in await DueAsync(db, clock.GetUtcNow(), options, ct))
            if (await RecomputeAsync(db, id, clock, ct)) done.Add(id);
        return done;
    }

    /// <summary>
    /// Recomputes deliberation <paramref name="deliberationId"/>'s map and stores it, warm from the stored state. Returns
    /// false when another instance holds the lease (it is computing the same map).
    /// </summary>
    public static async Task<bool> RecomputeAsync(AppDbContext db, int deliberationId, TimeProvider clock, CancellationToken ct)
    {
        // The lease excludes other instances; within this one (the job and a direct call share the lease holder's id) the
        // set of running computations does.
        var key = $"{db.Database.GetConnectionString()}|{deliberationId}";
        if (!Running.TryAdd(key, 0)) return false;
        try
        {
            return await JobLeases.RunExclusiveAsync(db, LeaseName(deliberationId), LeaseTime, clock,
                () => ComputeAndStoreAsync(db, deliberationId, clock, ct), ct);
        }
        finally
        {
            Running.TryRemove(key, out _);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Running = new();

    private static async Task ComputeAndStoreAsync(AppDbContext db, int deliberationId, TimeProvider clock, CancellationToken ct)
    {
        // What the map includes is read first: a vote arriving while we read is newer than ThroughAt and triggers the next run.
        var lastVote = await db.DeliberationVotes.Where(v => v.DeliberationId == deliberationId).MaxAsync(v => (DateTimeOffset?)v.UpdatedAt, ct);
        var lastModeration = await db.DeliberationStatements.Where(s => s.DeliberationId == deliberationId).MaxAsync(s => s.ModeratedAt, ct);
        var through = Max(lastVote, lastModeration) ?? clock.GetUtcNow();

        var statements = await db.DeliberationStatements.AsNoTracking().Where(s => s.DeliberationId == deliberationId)
            .Select(s => new { s.Id, s.Status }).ToListAsync(ct);
        var accepted = statements.Where(s => s.Status == StatementStatus.Accepted).Select(s => s.Id).ToHashSet();
        var rejected = statements.Where(s => s.Status == StatementStatus.Rejected).Select(s => s.Id).ToHashSet();
        // Votes in the order they were first cast (row id), as Polis's clustering starts from the first arrivals.
        var votes = await db.DeliberationVotes.AsNoTracking().Where(v => v.DeliberationId == deliberationId).OrderBy(v => v.Id)
            .Select(v => new { v.ParticipantId, v.StatementId, v.Value }).ToListAsync(ct);
        // Pending statements have no votes; only accepted and moderated-out statements that were voted on are columns.
        votes.RemoveAll(v => !accepted.Contains(v.StatementId) && !rejected.Contains(v.StatementId));

        var snapshot = await db.DeliberationMaps.FirstOrDefaultAsync(m => m.DeliberationId == deliberationId, ct);
        if (snapshot is null)
        {
            snapshot = new DeliberationMapSnapshot { DeliberationId = deliberationId };
            db.DeliberationMaps.Add(snapshot);
        }
        var now = clock.GetUtcNow();
        snapshot.ComputedAt = now;
        snapshot.ThroughAt = through;
        if (votes.Count == 0)
        {
            snapshot.Participants = snapshot.Votes = 0;
            snapshot.Seconds = 0;
            snapshot.Data = JsonSerializer.Serialize(new MapData(now, 0, 0, 0, 0, [], [], [], [], []), DeliberationMapData.Json);
            snapshot.Points = JsonSerializer.Serialize(new MapPoints([], [], [], []), DeliberationMapData.Json);
            snapshot.Priorities = "{}";
            snapshot.State = "";
        }
        else
        {
            var votedOut = votes.Where(v => rejected.Contains(v.StatementId)).Select(v => (long)v.StatementId).Distinct().ToList();
            var matrix = VoteMatrix.Build(votes.Select(v => new Vote(v.ParticipantId, v.StatementId, (sbyte)v.Value)), null, votedOut);
            var previous = DeliberationMapData.DeserializeState(snapshot.State);
            var map = ConsensusEngine.Compute(matrix, previous);
            var overall = votes.GroupBy(v => v.StatementId).ToDictionary(g => g.Key,
                g => (g.Count(v => v.Value > 0), g.Count(v => v.Value < 0), g.Count()));
            var data = DeliberationMapData.Build(map, accepted, overall, now);
            snapshot.Participants = map.ParticipantIds.Length;
            snapshot.Votes = map.VoteCount;
            snapshot.Seconds = map.Seconds;
            snapshot.Data = JsonSerializer.Serialize(data, DeliberationMapData.Json);
            snapshot.Points = JsonSerializer.Serialize(DeliberationMapData.Points(map), DeliberationMapData.Json);
            snapshot.Priorities = JsonSerializer.Serialize(DeliberationMapData.Priorities(map), DeliberationMapData.Json);
            snapshot.State = DeliberationMapData.SerializeState(map.State);
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>
/// Background shell around <see cref="DeliberationMaps.RunOnceAsync"/>: every <see cref="DeliberationOptions.MapPollMilliseconds"/>
/// it recomputes the maps that new votes made stale (debounced, see <see cref="DeliberationMaps.DueAsync"/>), so a map is
/// at most about two seconds behind the votes. Off with <c>Deliberations:MapJob=false</c>. On its first run in a demo it
/// seeds <see cref="DemoDeliberation"/>.
/// </summary>
public sealed class DeliberationMapJob(IServiceScopeFactory scopes, IOptions<DeliberationOptions> options, IConfiguration config, TimeProvider clock,
    ILogger<DeliberationMapJob> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MapJob) return;
        // The demo's deliberation (DemoDeliberation), with the demo's consultations (Bootstrap:Demo and Bootstrap:DemoProposals).
        if (config.GetValue("Bootstrap:Demo", false) && config.GetValue("Bootstrap:DemoProposals", true))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await DemoDeliberation.SeedAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), clock, stoppingToken) is { } id)
                    log.LogInformation("Demo deliberation {Id} created", id);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Demo deliberation could not be created");
            }
        }
        // Every tick after the first period; a failing computation is logged and tried again at the next tick.
        await PeriodicJob.RunAsync(clock, TimeSpan.FromMilliseconds(options.Value.MapPollMilliseconds), runAtStart: false,
            stop => PeriodicJob.RunSafelyAsync(scopes, log, "opinion-maps", async (db, ct) =>
            {
                var done = await DeliberationMaps.RunOnceAsync(db, clock, options.Value, ct);
                if (done.Count > 0) log.LogDebug("Opinion maps recomputed: {Ids}", done);
            }, stop), stoppingToken);
    }
}
