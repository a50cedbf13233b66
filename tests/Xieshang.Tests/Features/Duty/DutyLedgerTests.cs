using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using static Xieshang.Tests.Features.Duty.DutyTestData;

namespace Xieshang.Tests.Features.Duty;

/// <summary>The one entry point for duty records (<see cref="DutyLedger"/>) against a real database, on both providers.</summary>
public abstract class DutyLedgerTests(AppFactory app)
{
    [Fact]
    public async Task Replacing_twice_keeps_the_same_records_and_a_dropped_event_loses_its_record()
    {
        var m = await MembersAsync(app, "520203", 3);
        DutyEvent[] events = [.. m.Select(id => Event(id, "attend.plenary", "ledger-test", 1, Day(2024, 3, 10), "第九届四次全体会议")), Event(m[0], "speaker", "ledger-test", 1, Day(2024, 3, 10))];
        await RecordAsync(app, "ledger-test", 1, events);
        var first = await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == "ledger-test").OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(4, first.Count);
        Assert.All(first.Where(r => r.RuleCode == "attend.plenary"), r => Assert.Equal(8m, r.Points));
        Assert.Equal(8m, first.Single(r => r.RuleCode == "speaker").Points);
        Assert.All(first, r => Assert.Equal(2024, r.Year));
        Assert.All(first, r => Assert.Equal("/CN/520000/520200/520203/", r.CommitteePath));

        await RecordAsync(app, "ledger-test", 1, events);
        var second = await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == "ledger-test").OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(first.Select(r => (r.Id, r.MemberId, r.RuleCode, r.Points)), second.Select(r => (r.Id, r.MemberId, r.RuleCode, r.Points)));

        // The speaker turn and the third member's presence are no longer produced: their records go, the others stay.
        await RecordAsync(app, "ledger-test", 1, events[..2]);
        var third = await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == "ledger-test").OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(first.Take(2).Select(r => r.Id), third.Select(r => r.Id));

        // Another source object of the same kind is separate.
        await RecordAsync(app, "ledger-test", 2, Event(m[2], "attend.plenary", "ledger-test", 2, Day(2024, 9, 1)));
        await RecordAsync(app, "ledger-test", 1);
        var left = await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.Source == "ledger-test").ToListAsync());
        Assert.Equal((m[2], 2), (Assert.Single(left).MemberId, left[0].SourceId));
    }

    [Fact]
    public async Task Points_follow_the_rule_of_the_members_committee_on_the_day_and_a_new_rule_recomputes_only_its_subtree_and_year()
    {
        var zhongshan = await MembersAsync(app, "520201", 1, skip: 5);
        var shuicheng = await MembersAsync(app, "520204", 1, skip: 5);
        var (a, b) = (zhongshan[0], shuicheng[0]);
        // attend.standing defaults to 4; the city sets 6 for the first half of 2021.
        await AddRuleAsync(app, "520200", "attend.standing", 6, new(2021, 1, 1), new(2021, 6, 30));
        await RecordAsync(app, "ledger-rule", 1, Event(a, "attend.standing", "ledger-rule", 1, Day(2021, 3, 1)), Event(b, "attend.standing", "ledger-rule", 1, Day(2021, 3, 1)));
        await RecordAsync(app, "ledger-rule", 2, Event(a, "attend.standing", "ledger-rule", 2, Day(2021, 9, 1)), Event(b, "attend.standing", "ledger-rule", 2, Day(2021, 9, 1)));
        await RecordAsync(app, "ledger-rule", 3, Event(a, "attend.standing", "ledger-rule", 3, Day(2020, 9, 1)));
        // Quantity multiplies points.
        await RecordAsync(app, "ledger-rule", 4, Event(a, "attend.standing", "ledger-rule", 4, Day(2021, 3, 2), quantity: 2));
        Assert.Equal([6m, 4m, 4m, 12m], (await PointsAsync(a)));
        Assert.Equal([6m, 4m], (await PointsAsync(b)));

        // 钟山区 sets its own value from 1 March 2021 (inserted directly, so nothing is recomputed yet).
        await AddRuleAsync(app, "520201", "attend.standing", 10, new(2021, 3, 1));
        Assert.Equal([6m, 4m, 4m, 12m], await PointsAsync(a));
        var changed = await app.WithDbAsync(db => DutyLedger.RecomputeYearAsync(db, 2021, "/CN/520000/520200/520201/", CancellationToken.None));
        Assert.Equal(3, changed);
        Assert.Equal([10m, 10m, 4m, 20m], await PointsAsync(a)); // 2020 untouched
        Assert.Equal([6m, 4m], await PointsAsync(b));             // 水城区 untouched
        // Nothing left to change: the count is of records whose points changed, not of statements.
        Assert.Equal(0, await app.WithDbAsync(db => DutyLedger.RecomputeYearAsync(db, 2021, null, CancellationToken.None)));
        Assert.Equal(0, await app.WithDbAsync(db => DutyLedger.RecomputeYearAsync(db, 2020, null, CancellationToken.None, "attend.standing")));

        // A new event is scored by the same resolution as the recomputation.
        await RecordAsync(app, "ledger-rule", 5, Event(a, "attend.standing", "ledger-rule", 5, Day(2021, 12, 31)));
        Assert.Equal(10m, (await PointsAsync(a))[^1]);
    }

    [Fact]
    public async Task An_event_before_any_rule_earns_nothing_and_an_unknown_code_is_a_programming_error()
    {
        var m = (await MembersAsync(app, "520281", 1))[0];
        await RecordAsync(app, "ledger-old", 1, Event(m, "attend.plenary", "ledger-old", 1, Day(1999, 12, 31)));
        var r = Assert.Single(await RecordsOfAsync(app, m));
        Assert.Equal((0m, 1999, DutyCategory.Attendance), (r.Points, r.Year, r.Category));

        await Assert.ThrowsAsync<InvalidOperationException>(() => RecordAsync(app, "ledger-old", 2, Event(m, "no.such.rule", "ledger-old", 2, Day(2024, 1, 1))));
        await Assert.ThrowsAsync<InvalidOperationException>(() => RecordAsync(app, "ledger-old", 3, Event(int.MaxValue, "attend.plenary", "ledger-old", 3, Day(2024, 1, 1))));
        Assert.Single(await RecordsOfAsync(app, m));
    }

    private async Task<decimal[]> PointsAsync(int memberId) =>
        (await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.Source == "ledger-rule").OrderBy(r => r.SourceId).Select(r => r.Points).ToListAsync())).ToArray();
}

public sealed class DutyLedgerSqliteTests(SqliteAppFactory app) : DutyLedgerTests(app), IClassFixture<SqliteAppFactory>;
public sealed class DutyLedgerPostgresTests(PostgresAppFactory app) : DutyLedgerTests(app), IClassFixture<PostgresAppFactory>;
