using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Reading;

/// <summary>
/// Concurrent writes of the same duty record on PostgreSQL (read committed, the unique index on Source, SourceId,
/// MemberId, RuleCode): eight check-ins of one member at once in two groups all answer 201 and leave exactly one
/// <c>reading.monthly</c> record counting all eight; a leader and staff featuring the same note at once all succeed with
/// one <c>reading.featured</c> record, unfeaturing at once leaves none; and <see cref="DutyLedger.SaveRecomputedAsync"/>
/// itself, inside a transaction, retries after another context wrote the record first.
/// </summary>
public sealed class ReadingRacePostgresTests(PostgresAppFactory app) : IClassFixture<PostgresAppFactory>
{
    private const string Staff = "staff.520201";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Active members of 520201 in no reading group, without an account and without reading records, lowest ids first.</summary>
    private Task<List<int>> FreshMembersAsync(int n) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == "520201" && m.IsActive && !db.ReadingGroupMembers.Any(x => x.MemberId == m.Id) && !db.Users.Any(u => u.MemberId == m.Id)
            && !db.DutyRecords.Any(r => r.MemberId == m.Id && r.RuleCode.StartsWith("reading.")))
        .OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private async Task<HttpClient> AsMemberAsync(int id)
    {
        await TestAccounts.EnsureAsync(app, $"race.{id}", Roles.Member, "520201", id);
        return await app.ClientAsAsync($"race.{id}");
    }

    private async Task<int> GroupAsync(string name, int leader, params int[] members)
    {
        var res = await (await app.ClientAsAsync(Staff)).PostAsJsonAsync("/api/reading-groups", new { name, committeeCode = "520201", leaderId = leader, memberIds = members });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    private Task<List<DutyRecord>> RecordsAsync(int memberId, string code) => app.WithDbAsync(db => db.DutyRecords.AsNoTracking()
        .Where(r => r.MemberId == memberId && r.RuleCode == code).ToListAsync());

    [Fact]
    public async Task Eight_check_ins_of_one_member_at_once_in_two_groups_all_succeed_with_one_monthly_record()
    {
        var m = await FreshMembersAsync(3);
        var a = await GroupAsync("并发打卡甲组", m[0], m[1]);
        var b = await GroupAsync("并发打卡乙组", m[2], m[1]);
        var reader = await AsMemberAsync(m[1]);

        // A double tap on 打卡 in two groups at once: 4 + 4 requests started together.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            reader.PostAsJsonAsync($"/api/reading-groups/{(i % 2 == 0 ? a : b)}/checkins", new { book = "乡土中国", progress = $"第{i + 1}章", minutes = 60 })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(8, await app.WithDbAsync(db => db.ReadingCheckIns.CountAsync(c => c.MemberId == m[1])));
        var records = await RecordsAsync(m[1], "reading.monthly");
        var record = Assert.Single(records);
        // The record counts every check-in: the last recomputation saw all eight (no stale count from a parallel request).
        Assert.Contains("本月打卡 8 次，阅读 480 分钟", record.Evidence);
        Assert.Single(records.Select(r => r.Source).Distinct());
    }

    [Fact]
    public async Task Featuring_and_unfeaturing_the_same_note_at_once_leaves_one_record_then_none()
    {
        var m = await FreshMembersAsync(2);
        var g = await GroupAsync("并发精选小组", m[0], m[1]);
        var leader = await AsMemberAsync(m[0]);
        var reader = await AsMemberAsync(m[1]);
        var staff = await app.ClientAsAsync(Staff);
        var created = await reader.PostAsJsonAsync($"/api/reading-groups/{g}/checkins", new { book = "乡土中国", progress = "全书", minutes = 60, note = "<p>差序格局</p>" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = $"/api/reading-groups/{g}/checkins/{(await Json(created)).GetProperty("id").GetInt32()}/feature";

        var featured = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? leader : staff).PostAsync(url, null)));
        Assert.All(featured, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode} {r.Content.ReadAsStringAsync().Result}"));
        Assert.Single(await RecordsAsync(m[1], "reading.featured"));

        var unfeatured = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? leader : staff).DeleteAsync(url)));
        Assert.All(unfeatured, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}"));
        Assert.Empty(await RecordsAsync(m[1], "reading.featured"));
    }

    [Fact]
    public async Task SaveRecomputedAsync_retries_inside_a_transaction_after_another_context_wrote_the_record_first()
    {
        var member = (await FreshMembersAsync(1))[0];
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 2, 0, 0, TimeSpan.Zero));
        DutyEvent Event(string evidence) => new(member, "reading.monthly", "test.race", member, "并发测试", evidence, clock.GetUtcNow());
        var attempts = 0;
        await app.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await DutyLedger.SaveRecomputedAsync(db, async () =>
            {
                attempts++;
                await DutyLedger.ReplaceAsync(db, "test.race", member, [Event($"第{attempts}次")], clock, default);
                // The first time, another request inserts the same record and commits before this one saves.
                if (attempts == 1)
                    await app.WithDbAsync(async other =>
                    {
                        await DutyLedger.ReplaceAsync(other, "test.race", member, [Event("另一请求")], clock, default);
                        return await other.SaveChangesAsync();
                    });
            }, default);
            await tx.CommitAsync();
            return 0;
        });

        Assert.Equal(2, attempts);
        var record = Assert.Single(await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == "test.race" && r.SourceId == member).ToListAsync()));
        Assert.Equal("第2次", record.Evidence);
        await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "test.race").ExecuteDeleteAsync());
    }
}
