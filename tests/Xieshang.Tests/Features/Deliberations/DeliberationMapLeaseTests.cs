using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Deliberations;
using Xieshang.Web.Infrastructure.Jobs;
using static Xieshang.Tests.Features.Deliberations.DeliberationTestData;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>
/// The per-deliberation lease and the debounce of the opinion-map job, on an app whose own background job is off
/// (<c>Deliberations:MapJob=false</c>): with it on, the job could take the lease or compute the map between two steps of a
/// test and make it fail by chance.
/// </summary>
public abstract class DeliberationMapLeaseTests(AppFactory app)
{
    private Task<(int Id, List<int> Statements)> TwoCampsAsync(int perCamp = 30, DateTimeOffset? at = null) => DeliberationTestData.TwoCampsAsync(app, null, perCamp, at);

    private Task<bool> RecomputeAsync(int id) => DeliberationTestData.RecomputeAsync(app, id);

    [Fact]
    public async Task A_computation_another_instance_holds_the_lease_for_is_skipped()
    {
        var (id, _) = await TwoCampsAsync(10, DateTimeOffset.UtcNow.AddYears(5));
        await app.WithDbAsync(async db =>
        {
            db.JobLeases.Add(new JobLease { Name = DeliberationMaps.LeaseName(id), Holder = "other-instance", ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(1) });
            await db.SaveChangesAsync();
            return 0;
        });
        Assert.False(await app.WithDbAsync(db => DeliberationMaps.RecomputeAsync(db, id, TimeProvider.System, default)));
        Assert.False(await app.WithDbAsync(db => db.DeliberationMaps.AnyAsync(m => m.DeliberationId == id)));
        await app.WithDbAsync(db => db.JobLeases.Where(l => l.Name == DeliberationMaps.LeaseName(id)).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.True(await RecomputeAsync(id));
        Assert.True(await app.WithDbAsync(db => db.DeliberationMaps.AnyAsync(m => m.DeliberationId == id)));
    }

    [Fact]
    public async Task Due_waits_for_a_quiet_moment_but_never_longer_than_the_maximum_delay()
    {
        var id = await OpenAsync(app);
        var statements = await AcceptedAsync(app, id);
        var options = new DeliberationOptions { MapQuietMilliseconds = 400, MapMaxDelayMilliseconds = 1200 };
        var t0 = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await app.WithDbAsync(async db =>
        {
            var p = new DeliberationParticipant { DeliberationId = id, AnonymousKey = "due-test", CreatedAt = t0 };
            db.DeliberationParticipants.Add(p);
            await db.SaveChangesAsync();
            db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[0], Value = 1, UpdatedAt = t0 });
            db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[1], Value = 1, UpdatedAt = t0.AddMilliseconds(1000) });
            await db.SaveChangesAsync();
            return 0;
        });
        async Task<bool> DueAt(int ms) => (await app.WithDbAsync(db => DeliberationMaps.DueAsync(db, t0.AddMilliseconds(ms), options, default))).Contains(id);
        Assert.False(await DueAt(1100));  // last vote 100 ms ago, first 1100 ms ago: wait
        Assert.True(await DueAt(1250));   // first vote 1250 ms ago: the maximum delay is over
        Assert.True(await DueAt(1450));   // quiet for 450 ms

        // One pass of the job computes it (the app's own job is off in this class, so nothing else holds the lease).
        var clock = new FakeTimeProvider(t0.AddMilliseconds(1500));
        var through = await app.WithDbAsync(db => db.DeliberationMaps.Where(m => m.DeliberationId == id).Select(m => (DateTimeOffset?)m.ThroughAt).FirstOrDefaultAsync());
        for (var i = 0; i < 50 && through != t0.AddMilliseconds(1000); i++)
        {
            if (i > 0) await Task.Delay(100);
            await app.WithDbAsync(db => DeliberationMaps.RunOnceAsync(db, clock, options, default));
            through = await app.WithDbAsync(db => db.DeliberationMaps.Where(m => m.DeliberationId == id).Select(m => (DateTimeOffset?)m.ThroughAt).FirstOrDefaultAsync());
        }
        Assert.Equal(t0.AddMilliseconds(1000), through);
        Assert.False(await DueAt(5000));  // the map includes every vote now
    }
}

/// <summary>The SQLite app without the background map job.</summary>
public sealed class SqliteNoMapJobFactory : SqliteAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Deliberations:MapJob", "false");
    }
}

/// <summary>The PostgreSQL app without the background map job.</summary>
public sealed class PostgresNoMapJobFactory : PostgresAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Deliberations:MapJob", "false");
    }
}

public sealed class DeliberationMapLeaseSqliteTests(SqliteNoMapJobFactory app) : DeliberationMapLeaseTests(app), IClassFixture<SqliteNoMapJobFactory>;
public sealed class DeliberationMapLeasePostgresTests(PostgresNoMapJobFactory app) : DeliberationMapLeaseTests(app), IClassFixture<PostgresNoMapJobFactory>;
