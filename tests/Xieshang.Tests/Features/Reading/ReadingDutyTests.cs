using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Reading;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Reading;

/// <summary>
/// Reading turned into duty records through the rules (ReadingRules → ReadingDuty → DutyLedger) on a fixed clock: the
/// monthly threshold (3 vs 4 check-ins, minutes short, two groups adding up, the China-time month boundary), featured
/// notes (given, removed when unfeatured, removed with the check-in), a committee's rule change recomputing the year, and
/// an ancestor's rule applying to a committee below it. Each test uses members no other test uses and restores the rule rows.
/// </summary>
public abstract class ReadingDutyTests(AppFactory app)
{
    /// <summary>2026-11-20 10:00 China time.</summary>
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private sealed record Committee(int Id, string Code, string Path);

    private Task<Committee> CommitteeAsync(string code) => app.WithDbAsync(db => db.Committees.Where(c => c.Code == code).Select(c => new Committee(c.Id, c.Code, c.Path)).FirstAsync());

    private static CurrentUser Staff(Committee c) => new("staff." + c.Code, new HashSet<string> { Roles.Staff }, c.Id, c.Code, c.Path, null) { DisplayName = "工作人员" };

    private static CurrentUser MemberUser(Committee c, int memberId) => new("m" + memberId, new HashSet<string> { Roles.Member }, c.Id, c.Code, c.Path, memberId) { DisplayName = "委员" + memberId };

    /// <summary>Active members of the committee in no reading group yet and with no reading record, lowest ids first.</summary>
    private Task<List<int>> FreshMembersAsync(string code, int n) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !db.ReadingGroupMembers.Any(x => x.MemberId == m.Id) && !db.DutyRecords.Any(r => r.MemberId == m.Id && r.RuleCode.StartsWith("reading.")))
        .OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private async Task<T> RunAsync<T>(Func<AppDbContext, Task<T>> work) => await app.WithDbAsync(work);

    private Task<int> GroupAsync(Committee c, List<int> members, string name = "读书小组") => RunAsync(async db =>
    {
        var (id, refused, errors) = await ReadingRules.CreateAsync(db, new(name, c.Code, null, members[0], members), Staff(c), new FakeTimeProvider(Noon), default);
        Assert.Null(refused);
        Assert.Empty(errors);
        return id;
    });

    private Task<int> CheckInAsync(Committee c, int groupId, int memberId, int minutes, DateTimeOffset at, string? day = null, string? note = null) => RunAsync(async db =>
    {
        var (g, _) = await ReadingAccess.FindAsync(db, groupId, MemberUser(c, memberId), default);
        var (id, refused, errors) = await ReadingRules.CheckInAsync(db, g!, new("乡土中国", "第1章", minutes, note, null, day), MemberUser(c, memberId), new FakeTimeProvider(at), default);
        Assert.Null(refused);
        Assert.Empty(errors);
        return id;
    });

    private Task<List<DutyRecord>> RecordsAsync(int memberId) => app.WithDbAsync(db => db.DutyRecords.AsNoTracking()
        .Where(r => r.MemberId == memberId && r.RuleCode.StartsWith("reading.")).OrderBy(r => r.Source).ToListAsync());

    private Task SetRuleAsync(Committee c, int checkIns, int minutes, bool featured = true) => RunAsync(async db =>
    {
        var (refused, errors) = await ReadingRules.SetRuleAsync(db, c.Code, new(checkIns, minutes, featured), Staff(c), new FakeTimeProvider(Noon), default);
        Assert.Null(refused);
        Assert.Empty(errors);
        return 0;
    });

    private Task RemoveRuleAsync(Committee c) => RunAsync(async db =>
    {
        await db.ReadingDutyRules.Where(r => r.CommitteeId == c.Id).ExecuteDeleteAsync();
        await ReadingDuty.RecomputeCommitteeYearAsync(db, c.Path, 2026, new FakeTimeProvider(Noon), default);
        await db.SaveChangesAsync();
        return 0;
    });

    [Fact]
    public async Task Three_check_ins_earn_nothing_the_fourth_earns_the_month_and_minutes_short_earn_nothing()
    {
        var c = await CommitteeAsync("520201");
        var m = await FreshMembersAsync("520201", 2);
        var g = await GroupAsync(c, m);
        for (var i = 0; i < 3; i++) await CheckInAsync(c, g, m[0], 40, Noon.AddDays(-i));
        Assert.Empty(await RecordsAsync(m[0]));
        await CheckInAsync(c, g, m[0], 10, Noon.AddDays(-3));
        var r = Assert.Single(await RecordsAsync(m[0]));
        Assert.Equal(("reading.monthly", "reading.202611", m[0], 1m, 2026), (r.RuleCode, r.Source, r.SourceId, r.Points, r.Year));
        Assert.Contains("2026年11月", r.Title);
        // Occurred on the day of the check-in that met the rule: by reading day 11-17 (10 min), 11-18, 11-19, 11-20 — the fourth, 11-20, brought 130 minutes.
        Assert.Equal(new DateOnly(2026, 11, 20), Web.Infrastructure.ChinaTime.DayOf(r.OccurredAt));

        // Four check-ins but 4 × 20 = 80 minutes < 120: nothing.
        for (var i = 0; i < 4; i++) await CheckInAsync(c, g, m[1], 20, Noon.AddDays(-i));
        Assert.Empty(await RecordsAsync(m[1]));
        // Another 40 minutes: 120, the rule is met.
        await CheckInAsync(c, g, m[1], 40, Noon);
        Assert.Equal("reading.monthly", Assert.Single(await RecordsAsync(m[1])).RuleCode);
    }

    [Fact]
    public async Task Check_ins_in_two_groups_add_up_and_deleting_one_the_same_day_takes_the_record_away()
    {
        var c = await CommitteeAsync("520201");
        var m = await FreshMembersAsync("520201", 2);
        var g1 = await GroupAsync(c, m, "甲组");
        var g2 = await GroupAsync(c, m, "乙组");
        await CheckInAsync(c, g1, m[0], 30, Noon.AddDays(-1));
        await CheckInAsync(c, g1, m[0], 30, Noon.AddDays(-2));
        await CheckInAsync(c, g2, m[0], 30, Noon.AddDays(-3));
        Assert.Empty(await RecordsAsync(m[0]));
        var last = await CheckInAsync(c, g2, m[0], 30, Noon);
        var r = Assert.Single(await RecordsAsync(m[0]));
        Assert.Contains("打卡 4 次，阅读 120 分钟", r.Evidence);
        await RunAsync(async db =>
        {
            var (g, _) = await ReadingAccess.FindAsync(db, g2, MemberUser(c, m[0]), default);
            var (ci, _) = await ReadingRules.CheckInOfAsync(db, g!, last, default);
            // Another member may not delete it; its owner may, the same day.
            Assert.Equal(403, (await ReadingRules.DeleteCheckInAsync(db, g!, ci!, MemberUser(c, m[1]), new FakeTimeProvider(Noon), default))!.Status);
            Assert.Equal(409, (await ReadingRules.DeleteCheckInAsync(db, g!, ci!, MemberUser(c, m[0]), new FakeTimeProvider(Noon.AddDays(1)), default))!.Status);
            Assert.Null(await ReadingRules.DeleteCheckInAsync(db, g!, ci!, MemberUser(c, m[0]), new FakeTimeProvider(Noon), default));
            return 0;
        });
        Assert.Empty(await RecordsAsync(m[0]));
    }

    [Fact]
    public async Task The_month_is_the_China_month_a_check_in_at_1_am_on_1_November_China_time_counts_for_November()
    {
        var c = await CommitteeAsync("520201");
        var m = await FreshMembersAsync("520201", 1);
        var g = await GroupAsync(c, m);
        // 2026-10-31T17:00Z is 1 November 01:00 in China: the default day is 11-01.
        var lateOctoberUtc = new DateTimeOffset(2026, 10, 31, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 11, 1), ReadingRules.Today(new FakeTimeProvider(lateOctoberUtc)));
        // Three in October (back-dated 1–3 days) and one today: neither month reaches four.
        for (var i = 1; i <= 3; i++) await CheckInAsync(c, g, m[0], 60, lateOctoberUtc, day: $"2026-10-{31 - i + 1:D2}");
        await CheckInAsync(c, g, m[0], 60, lateOctoberUtc);
        Assert.Empty(await RecordsAsync(m[0]));
        var days = await app.WithDbAsync(db => db.ReadingCheckIns.Where(x => x.MemberId == m[0]).OrderBy(x => x.Day).Select(x => x.Day).ToListAsync());
        Assert.Equal([new(2026, 10, 29), new(2026, 10, 30), new(2026, 10, 31), new(2026, 11, 1)], days);
        // A fourth October day makes October, not November.
        await CheckInAsync(c, g, m[0], 60, lateOctoberUtc, day: "2026-10-28");
        var r = Assert.Single(await RecordsAsync(m[0]));
        Assert.Equal("reading.202610", r.Source);
        Assert.Equal(new DateOnly(2026, 10, 31), Web.Infrastructure.ChinaTime.DayOf(r.OccurredAt));
        Assert.Equal(2026, r.Year);
    }

    [Fact]
    public async Task A_featured_note_earns_a_record_unfeaturing_removes_it_and_a_check_in_without_a_note_cannot_be_featured()
    {
        var c = await CommitteeAsync("520201");
        var m = await FreshMembersAsync("520201", 2);
        var g = await GroupAsync(c, m);
        var withNote = await CheckInAsync(c, g, m[1], 30, Noon, note: "<p>读后感：<b>差序格局</b></p>");
        var without = await CheckInAsync(c, g, m[1], 30, Noon);
        async Task<int?> Feature(int id, bool on, CurrentUser who) => await RunAsync(async db =>
        {
            var (grp, _) = await ReadingAccess.FindAsync(db, g, who, default);
            var (ci, _) = await ReadingRules.CheckInOfAsync(db, grp!, id, default);
            return (await ReadingRules.FeatureAsync(db, grp!, ci!, on, who, new FakeTimeProvider(Noon), default))?.Status;
        });
        // A plain member (not the leader) may not feature; the leader (m[0]) may.
        Assert.Equal(403, await Feature(withNote, true, MemberUser(c, m[1])));
        Assert.Empty(await RecordsAsync(m[1]));
        Assert.Equal(409, await Feature(without, true, MemberUser(c, m[0])));
        Assert.Null(await Feature(withNote, true, MemberUser(c, m[0])));
        var r = Assert.Single(await RecordsAsync(m[1]));
        Assert.Equal(("reading.featured", ReadingDuty.NoteSource, withNote, 2m), (r.RuleCode, r.Source, r.SourceId, r.Points));
        Assert.Contains("乡土中国", r.Title);
        Assert.Null(await Feature(withNote, false, Staff(c)));
        Assert.Empty(await RecordsAsync(m[1]));
    }

    [Fact]
    public async Task Changing_a_committees_rule_recomputes_its_members_months_and_featured_notes()
    {
        var c = await CommitteeAsync("520204");
        var m = await FreshMembersAsync("520204", 2);
        var g = await GroupAsync(c, m);
        try
        {
            for (var i = 0; i < 3; i++) await CheckInAsync(c, g, m[1], 30, Noon.AddDays(-i));
            var noted = await CheckInAsync(c, g, m[1], 5, Noon.AddDays(-20), note: "笔记");
            // 4 check-ins, 95 minutes: short of 120.
            Assert.Empty(await RecordsAsync(m[1]));
            await SetRuleAsync(c, 3, 90);
            Assert.Equal("reading.202611", Assert.Single(await RecordsAsync(m[1])).Source);
            await RunAsync(async db =>
            {
                var (grp, _) = await ReadingAccess.FindAsync(db, g, Staff(c), default);
                var (ci, _) = await ReadingRules.CheckInOfAsync(db, grp!, noted, default);
                Assert.Null(await ReadingRules.FeatureAsync(db, grp!, ci!, true, Staff(c), new FakeTimeProvider(Noon), default));
                return 0;
            });
            Assert.Equal(["reading.202611", ReadingDuty.NoteSource], (await RecordsAsync(m[1])).Select(r => r.Source).ToArray());
            // Stricter, and featured notes no longer count: both go.
            await SetRuleAsync(c, 5, 90, featured: false);
            Assert.Empty(await RecordsAsync(m[1]));
            var row = await app.WithDbAsync(db => db.ReadingDutyRules.SingleAsync(r => r.CommitteeId == c.Id));
            Assert.Equal((5, 90, false, c.Path), (row.MonthlyMinCheckIns, row.MonthlyMinMinutes, row.FeaturedNoteCounts, row.CommitteePath));
        }
        finally
        {
            await RemoveRuleAsync(c);
        }
        // Back on the defaults: featured counts again, the month (4 × … = 95 minutes) does not.
        Assert.Equal([ReadingDuty.NoteSource], (await RecordsAsync(m[1])).Select(r => r.Source).ToArray());
    }

    [Fact]
    public async Task An_ancestors_rule_applies_to_a_committee_below_until_that_committee_has_its_own()
    {
        var city = await CommitteeAsync("520200");
        var c = await CommitteeAsync("520203");
        var m = await FreshMembersAsync("520203", 1);
        var g = await GroupAsync(c, m);
        try
        {
            await CheckInAsync(c, g, m[0], 30, Noon);
            await CheckInAsync(c, g, m[0], 30, Noon.AddDays(-1));
            Assert.Empty(await RecordsAsync(m[0]));
            await SetRuleAsync(city, 2, 60);
            Assert.Equal("reading.monthly", Assert.Single(await RecordsAsync(m[0])).RuleCode);
            var rule = await app.WithDbAsync(db => ReadingDuty.RuleForAsync(db, c.Path, default));
            Assert.Equal((2, 60, "520200"), (rule.MonthlyMinCheckIns, rule.MonthlyMinMinutes, rule.FromCode));
            // The district's own rule wins over the city's.
            await SetRuleAsync(c, 3, 60);
            Assert.Empty(await RecordsAsync(m[0]));
        }
        finally
        {
            await RemoveRuleAsync(c);
            await RemoveRuleAsync(city);
        }
        Assert.Empty(await RecordsAsync(m[0]));
        Assert.Equal(ReadingDuty.Defaults, await app.WithDbAsync(db => ReadingDuty.RuleForAsync(db, c.Path, default)));
    }
}

public sealed class ReadingDutySqliteTests(SqliteAppFactory app) : ReadingDutyTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ReadingDutyPostgresTests(PostgresAppFactory app) : ReadingDutyTests(app), IClassFixture<PostgresAppFactory>;
