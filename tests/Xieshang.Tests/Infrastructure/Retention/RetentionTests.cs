using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Retention;

namespace Xieshang.Tests.Infrastructure.Retention;

/// <summary>
/// The retention sweep (<see cref="RetentionSweeps"/>) with a fake clock: audit entries and studio messages exactly at
/// the boundary kept, one second older removed/cleared; orphan files older than 24 h removed and nothing else; a second
/// sweep does nothing; a held lease means no sweep; the audit period cannot be set under six months.
/// </summary>
public abstract class RetentionTests(AppFactory app)
{
    /// <summary>"Now" of the tests: whole seconds, near the real time so the app's own audit rows are recent.</summary>
    private static readonly DateTimeOffset Now = new(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
    private static readonly RetentionOptions Options = new();
    private static readonly DateTimeOffset AuditCutoff = Now.AddDays(-Options.AuditLogDays);
    private static readonly DateTimeOffset MessageCutoff = Now.AddDays(-Options.StudioMessageDays);

    private readonly string _tag = Guid.NewGuid().ToString("N")[..12];

    private async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> work) => await app.WithDbAsync(work);

    private async Task<long> AuditAsync(DateTimeOffset at, string id) => await DbAsync(async db =>
    {
        var row = new AuditEntry { At = at, UserName = "test", Action = "Modified", EntityType = "RetentionProbe", EntityId = $"{_tag}-{id}", Changes = "{}" };
        db.AuditEntries.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    });

    private async Task<int> StudioAsync() => await DbAsync(async db =>
    {
        var c = await db.Committees.FirstAsync(x => x.Code == "520201");
        var s = new Studio
        {
            CommitteeId = c.Id, CommitteePath = c.Path, Name = $"保留期测试工作室{_tag}", TownshipCode = "520201001", TownshipName = "测试街道",
            CountyCode = "520201", CreatedBy = "test", CreatedAt = Now.AddYears(-5), UpdatedAt = Now.AddYears(-5),
        };
        db.Studios.Add(s);
        await db.SaveChangesAsync();
        return s.Id;
    });

    /// <summary>A message with personal data, its state set directly; also an audit row holding its name and phone.</summary>
    private async Task<int> MessageAsync(int studioId, StudioMessageStatus status, DateTimeOffset? answered = null, DateTimeOffset? closed = null, DateTimeOffset? converted = null)
    {
        var id = await DbAsync(async db =>
        {
            var m = new StudioMessage
            {
                StudioId = studioId, CommitteePath = "", TrackingCode = Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), Name = "王𬱖",
                Phone = "13985850001", Content = "小区路灯坏了三个月，请帮忙反映。", Photo = [1, 2, 3], PhotoContentType = "image/png", Status = status,
                CreatedAt = Now.AddYears(-4), AnsweredAt = answered, ClosedAt = closed, ConvertedAt = converted, Answer = answered is null ? "" : "已转交街道办。",
                ClientKey = new string('a', 64), ChallengeNonce = Guid.NewGuid().ToString("N"),
            };
            db.StudioMessages.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        return id;
    }

    private string File(string key, TimeSpan age)
    {
        var path = Path.Combine(app.UploadPath, key.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, [1, 2, 3]);
        System.IO.File.SetLastWriteTimeUtc(path, (Now - age).UtcDateTime);
        return path;
    }

    private static string Key() => $"2024/03/{Guid.NewGuid():N}";

    [Fact]
    public async Task The_sweep_removes_exactly_what_is_past_each_period_and_a_second_sweep_does_nothing()
    {
        var clock = new FakeTimeProvider(Now);
        var older = await AuditAsync(AuditCutoff.AddSeconds(-1), "older");
        var atCutoff = await AuditAsync(AuditCutoff, "at");
        var newer = await AuditAsync(AuditCutoff.AddSeconds(1), "newer");

        var studio = await StudioAsync();
        var answeredBefore = await MessageAsync(studio, StudioMessageStatus.Answered, answered: MessageCutoff.AddSeconds(-1));
        var answeredAt = await MessageAsync(studio, StudioMessageStatus.Answered, answered: MessageCutoff);
        var closedBefore = await MessageAsync(studio, StudioMessageStatus.Closed, closed: MessageCutoff.AddDays(-10));
        var convertedBefore = await MessageAsync(studio, StudioMessageStatus.Converted, converted: MessageCutoff.AddDays(-3));
        var closedAfterAnswer = await MessageAsync(studio, StudioMessageStatus.Closed, answered: MessageCutoff.AddDays(-30), closed: MessageCutoff.AddDays(1));
        var waiting = await MessageAsync(studio, StudioMessageStatus.New);
        var messageAudit = await DbAsync(db => db.AuditEntries.Where(a => a.EntityType == nameof(StudioMessage) && a.EntityId == answeredBefore.ToString()).Select(a => a.Id).SingleAsync());
        var statsBefore = await DbAsync(db => StudioRules.ResponseStatsAsync(db, [studio], clock, CancellationToken.None));

        var orphanOld = File(Key(), TimeSpan.FromHours(25));
        var orphanYoung = File(Key(), TimeSpan.FromHours(23));
        var tmpOld = File($".tmp/{Guid.NewGuid():N}", TimeSpan.FromHours(30));
        var foreignOld = File("notes/readme.txt", TimeSpan.FromDays(400));
        var knownKey = Key();
        var knownOld = File(knownKey, TimeSpan.FromDays(400));
        await DbAsync(async db =>
        {
            db.StoredFiles.Add(new StoredFile { StorageKey = knownKey, FileName = "课件.pdf", ContentType = "application/pdf", Size = 3, Sha256 = new string('0', 64), Owner = "course", UploadedBy = "test", UploadedAt = Now.AddDays(-400) });
            return await db.SaveChangesAsync();
        });

        var expectedAudit = await DbAsync(db => db.AuditEntries.CountAsync(a => a.At < AuditCutoff));
        var purgesBefore = await DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == RetentionSweeps.PurgeAction));

        var result = await DbAsync(db => RetentionSweeps.SweepAsync(db, clock, Options, app.UploadPath, CancellationToken.None));

        Assert.Equal(expectedAudit, result.AuditRemoved);
        Assert.True(result.AuditRemoved >= 1);
        var remaining = await DbAsync(db => db.AuditEntries.Where(a => new[] { older, atCutoff, newer }.Contains(a.Id)).Select(a => a.Id).ToListAsync());
        Assert.Equal([atCutoff, newer], remaining.Order());

        Assert.Equal(3, result.MessagesCleared);
        var messages = await DbAsync(db => db.StudioMessages.AsNoTracking().Where(m => m.StudioId == studio).ToDictionaryAsync(m => m.Id));
        foreach (var id in new[] { answeredBefore, closedBefore, convertedBefore })
        {
            var m = messages[id];
            Assert.Equal(("", "", null, "", ""), (m.Name, m.Phone, m.Photo, m.PhotoContentType, m.ClientKey));
            Assert.Equal($"~{id}", m.TrackingCode);
            Assert.Equal("小区路灯坏了三个月，请帮忙反映。", m.Content);
        }
        foreach (var id in new[] { answeredAt, closedAfterAnswer, waiting })
            Assert.Equal(("王𬱖", "13985850001"), (messages[id].Name, messages[id].Phone));
        Assert.Equal("已转交街道办。", messages[answeredBefore].Answer);
        var statsAfter = await DbAsync(db => StudioRules.ResponseStatsAsync(db, [studio], clock, CancellationToken.None));
        Assert.Equal(statsBefore[studio], statsAfter[studio]);
        var redacted = await DbAsync(db => db.AuditEntries.Where(a => a.Id == messageAudit).Select(a => a.Changes).SingleAsync());
        Assert.DoesNotContain("13985850001", redacted);
        Assert.DoesNotContain("王𬱖", redacted);
        Assert.Contains("小区路灯坏了三个月", redacted);

        Assert.Equal(2, result.FilesRemoved);
        Assert.False(System.IO.File.Exists(orphanOld));
        Assert.False(System.IO.File.Exists(tmpOld));
        Assert.True(System.IO.File.Exists(orphanYoung));
        Assert.True(System.IO.File.Exists(foreignOld));
        Assert.True(System.IO.File.Exists(knownOld));

        var purge = await DbAsync(db => db.AuditEntries.Where(a => a.Action == RetentionSweeps.PurgeAction).OrderByDescending(a => a.Id).FirstAsync());
        Assert.Equal(purgesBefore + 1, await DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == RetentionSweeps.PurgeAction)));
        Assert.Equal("system", purge.UserName);
        Assert.Equal(Now, purge.At);
        using var doc = JsonDocument.Parse(purge.Changes);
        Assert.Equal(result.AuditRemoved, doc.RootElement.GetProperty("AuditRemoved").GetProperty("new").GetInt32());
        Assert.Equal(result.MessagesCleared, doc.RootElement.GetProperty("StudioMessagesCleared").GetProperty("new").GetInt32());

        var again = await DbAsync(db => RetentionSweeps.SweepAsync(db, clock, Options, app.UploadPath, CancellationToken.None));
        Assert.Equal(new RetentionResult(0, 0, 0), again);
        Assert.Equal(purgesBefore + 1, await DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == RetentionSweeps.PurgeAction)));
    }

    [Fact]
    public async Task A_held_lease_means_no_sweep_and_a_sweep_holds_it_for_the_rest_of_the_day()
    {
        var clock = new FakeTimeProvider(Now);
        var old = await AuditAsync(AuditCutoff.AddDays(-1), "lease");
        await DbAsync(async db =>
        {
            await JobLeases.TryAcquireAsync(db, RetentionSweeps.Lease, TimeSpan.Zero, clock); // make sure the row exists
            return await db.JobLeases.Where(l => l.Name == RetentionSweeps.Lease)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, "other-instance").SetProperty(l => l.ExpiresAt, Now.AddHours(1)));
        });

        Assert.Null(await DbAsync(db => RetentionSweeps.RunDailyAsync(db, clock, Options, app.UploadPath, CancellationToken.None)));
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.Id == old)));

        clock.Advance(TimeSpan.FromHours(2)); // the other instance's lease has expired
        var ran = await DbAsync(db => RetentionSweeps.RunDailyAsync(db, clock, Options, app.UploadPath, CancellationToken.None));
        Assert.NotNull(ran);
        Assert.False(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.Id == old)));

        var later = await AuditAsync(AuditCutoff.AddDays(-1), "later");
        clock.Advance(TimeSpan.FromHours(12));
        Assert.Null(await DbAsync(db => RetentionSweeps.RunDailyAsync(db, clock, Options, app.UploadPath, CancellationToken.None)));
        Assert.True(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.Id == later)));
        clock.Advance(TimeSpan.FromHours(12)); // a day after the sweep: the next one runs
        Assert.NotNull(await DbAsync(db => RetentionSweeps.RunDailyAsync(db, clock, Options, app.UploadPath, CancellationToken.None)));
        Assert.False(await DbAsync(db => db.AuditEntries.AnyAsync(a => a.Id == later)));
    }
}

public sealed class RetentionSqliteTests(SqliteAppFactory app) : RetentionTests(app), IClassFixture<SqliteAppFactory>;
public sealed class RetentionPostgresTests(PostgresAppFactory app) : RetentionTests(app), IClassFixture<PostgresAppFactory>;

/// <summary>The retention options: defaults, and the six-month floor of the audit period checked when the app starts.</summary>
public sealed class RetentionOptionsTests
{
    private static RetentionOptions Bind(params (string Key, string Value)[] settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.BuildServiceProvider().GetRequiredService<IOptions<RetentionOptions>>().Value;
    }

    [Fact]
    public void Defaults_are_three_years_of_audit_log_and_two_years_of_studio_contacts()
    {
        var o = Bind();
        Assert.Equal((1095, 730, 24), (o.AuditLogDays, o.StudioMessageDays, o.OrphanFileHours));
        Assert.Equal(180, Bind(("Retention:AuditLogDays", "180")).AuditLogDays);
    }

    [Fact]
    public void An_audit_period_under_six_months_is_refused_citing_the_cybersecurity_law()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind(("Retention:AuditLogDays", "179")));
        Assert.Contains("网络安全法", e.Message);
        Assert.Throws<OptionsValidationException>(() => Bind(("Retention:StudioMessageDays", "0")));
    }
}
