using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// The deadline job (ProposalDeadlines.RunAsync) with a fake clock in years far from the demo, on SQLite and PostgreSQL:
/// each reminder once before the due date, one overdue notice to the unit and to the committee's office the day after,
/// nothing for assignments no longer in hand, reminders re-armed by a new due date, and co-signing windows closed.
/// </summary>
public abstract class ProposalDeadlinesTests(AppFactory app)
{
    private static readonly ProposalOptions Options = new(); // reminders 14 and 3 days before

    /// <summary>A fake clock at 09:00 China time on <paramref name="day"/>.</summary>
    private static FakeTimeProvider At(DateOnly day) => new(ChinaTime.StartOf(day).AddHours(9));

    private Task<DeadlineRunResult> RunAsync(DateOnly day) =>
        app.WithDbAsync(db => ProposalDeadlines.RunAsync(db, At(day), Options, CancellationToken.None));

    private Task<List<Notification>> InboxAsync(string userId, int proposalId) =>
        app.WithDbAsync(db => db.Notifications.AsNoTracking().Where(n => n.UserId == userId && n.Link == $"/proposals/{proposalId}").OrderBy(n => n.Id).ToListAsync());

    private Task<string> RecordAsync(int assignmentId) =>
        app.WithDbAsync(db => db.Assignments.Where(a => a.Id == assignmentId).Select(a => a.RemindersSent).FirstAsync());

    private Task<string> UserIdAsync(string userName) =>
        app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.Id).FirstAsync());

    [Fact]
    public async Task Each_reminder_goes_once_before_the_due_date_and_one_overdue_notice_the_day_after()
    {
        var due = new DateOnly(2031, 6, 30);
        var unit = await TestProposals.UnitAsync(app, name: "六盘水市水务局");
        var p = await TestProposals.AssignedAsync(app, unit, dueOn: due, assignedOn: new DateOnly(2031, 3, 28), title: "关于加强城区排水防涝的建议");
        var district = await TestProposals.UnitAsync(app, "520201");
        var q = await TestProposals.AssignedAsync(app, district, dueOn: due, assignedOn: new DateOnly(2031, 3, 28));

        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(-15))).Reminded);
        Assert.Empty(await InboxAsync(unit.UserId, p.ProposalId));

        // 14 days before: the first reminder, to the inbox and by e-mail, once however often the job runs that day.
        var first = await RunAsync(due.AddDays(-14));
        Assert.Contains(p.AssignmentId, first.Reminded);
        Assert.Contains(q.AssignmentId, first.Reminded);
        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(-14))).Reminded);
        var inbox = Assert.Single(await InboxAsync(unit.UserId, p.ProposalId));
        Assert.Equal(ProposalDeadlines.ReminderKind, inbox.Kind);
        Assert.Equal("提案办理还有 14 天到期：关于加强城区排水防涝的建议", inbox.Title);
        Assert.Equal($"六盘水市水务局承办的提案{p.Number}《关于加强城区排水防涝的建议》，请于2031年6月30日（星期一）前答复提案人（还有 14 天到期）。", inbox.Body);
        var mail = await app.WithDbAsync(db => db.OutboxMails.AsNoTracking().SingleAsync(m => m.To == unit.Email && m.Subject == inbox.Title));
        Assert.EndsWith($"{Notifier.LinkLabel}/proposals/{p.ProposalId}", mail.Body);
        Assert.Equal("20310630:14", await RecordAsync(p.AssignmentId));

        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(-4))).Reminded);
        Assert.Contains(p.AssignmentId, (await RunAsync(due.AddDays(-3))).Reminded);
        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(-1))).Reminded);
        Assert.Equal("20310630:14,3", await RecordAsync(p.AssignmentId));
        Assert.Equal(["提案办理还有 14 天到期：关于加强城区排水防涝的建议", "提案办理还有 3 天到期：关于加强城区排水防涝的建议"],
            (await InboxAsync(unit.UserId, p.ProposalId)).Select(n => n.Title).ToArray());

        // The due day itself is still on time; the day after, one overdue notice to the unit and to its committee's staff.
        var onDue = await RunAsync(due);
        Assert.DoesNotContain(p.AssignmentId, onDue.Reminded.Concat(onDue.Overdue));
        var staffCity = await UserIdAsync("staff.520200");
        var staffDistrict = await UserIdAsync("staff.520201");
        var leaderCity = await UserIdAsync("leader.520200");
        Assert.Empty(await InboxAsync(staffCity, p.ProposalId));

        var late = await RunAsync(due.AddDays(1));
        Assert.Contains(p.AssignmentId, late.Overdue);
        Assert.Contains(q.AssignmentId, late.Overdue);
        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(2))).Overdue);
        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(due.AddDays(30))).Overdue);
        Assert.Equal("20310630:14,3,overdue", await RecordAsync(p.AssignmentId));

        var unitOverdue = (await InboxAsync(unit.UserId, p.ProposalId)).Where(n => n.Kind == ProposalDeadlines.OverdueKind).ToList();
        Assert.Equal("提案办理已逾期：关于加强城区排水防涝的建议", Assert.Single(unitOverdue).Title);
        Assert.Contains("已超过办理期限2031年6月30日（星期一），尚未答复提案人。请尽快办理。", unitOverdue[0].Body);
        var office = Assert.Single(await InboxAsync(staffCity, p.ProposalId));
        Assert.Equal(ProposalDeadlines.OverdueKind, office.Kind);
        Assert.Contains("六盘水市水务局承办的提案", office.Body);
        Assert.Contains("请督促承办单位办理", office.Body);
        // The office is the proposal's own committee: not the district's staff, not leaders, not other units.
        Assert.Empty(await InboxAsync(staffDistrict, p.ProposalId));
        Assert.Empty(await InboxAsync(leaderCity, p.ProposalId));
        Assert.Empty(await InboxAsync(district.UserId, p.ProposalId));
        Assert.Single(await InboxAsync(staffDistrict, q.ProposalId));
        Assert.Empty(await InboxAsync(staffCity, q.ProposalId));
        Assert.Equal(3, (await InboxAsync(district.UserId, q.ProposalId)).Count);
    }

    [Fact]
    public void Overdue_is_the_day_after_the_due_date_for_assignments_still_in_hand()
    {
        var due = new DateOnly(2032, 3, 31);
        var a = new Xieshang.Web.Features.Proposals.Assignment { DueOn = due, Status = AssignmentStatus.Active };
        Assert.False(ProposalDeadlines.IsOverdue(a, due.AddDays(-1)));
        Assert.False(ProposalDeadlines.IsOverdue(a, due));
        Assert.True(ProposalDeadlines.IsOverdue(a, due.AddDays(1)));
        a.Status = AssignmentStatus.Done;
        Assert.False(ProposalDeadlines.IsOverdue(a, due.AddDays(1)));
        a.Status = AssignmentStatus.Returned;
        Assert.False(ProposalDeadlines.IsOverdue(a, due.AddDays(40)));
    }

    [Fact]
    public async Task Assignments_no_longer_in_hand_get_nothing_and_a_short_deadline_gets_one_reminder()
    {
        var due = new DateOnly(2033, 5, 16);
        var unit = await TestProposals.UnitAsync(app);
        var done = await TestProposals.AssignedAsync(app, unit, dueOn: due);
        var returned = await TestProposals.AssignedAsync(app, unit, dueOn: due);
        var replied = await TestProposals.AssignedAsync(app, unit, dueOn: due, status: ProposalStatus.Replied);
        var closed = await TestProposals.AssignedAsync(app, unit, dueOn: due, status: ProposalStatus.Closed);
        var handling = await TestProposals.AssignedAsync(app, unit, dueOn: due, status: ProposalStatus.Handling);
        var coUnit = await TestProposals.AssignedAsync(app, unit, dueOn: due, role: AssignmentRole.CoUnit, title: "关于发展林下经济的建议");
        await app.WithDbAsync(async db =>
        {
            await db.Assignments.Where(x => x.Id == done.AssignmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, AssignmentStatus.Done));
            return await db.Assignments.Where(x => x.Id == returned.AssignmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, AssignmentStatus.Returned));
        });

        // Two days before the due date, with no reminder sent yet: one reminder serves both windows.
        var run = await RunAsync(due.AddDays(-2));
        Assert.Contains(handling.AssignmentId, run.Reminded);
        Assert.Contains(coUnit.AssignmentId, run.Reminded);
        Assert.Equal("20330516:14,3", await RecordAsync(handling.AssignmentId));
        Assert.Single(await InboxAsync(unit.UserId, handling.ProposalId));
        var co = Assert.Single(await InboxAsync(unit.UserId, coUnit.ProposalId));
        Assert.Contains("前向主办单位提出会办意见（还有 2 天到期）", co.Body);

        var late = await RunAsync(due.AddDays(5));
        Assert.Contains(handling.AssignmentId, late.Overdue);
        foreach (var none in new[] { done, returned, replied, closed })
        {
            Assert.DoesNotContain(none.AssignmentId, run.Reminded.Concat(late.Overdue));
            Assert.Empty(await InboxAsync(unit.UserId, none.ProposalId));
            Assert.Equal("", await RecordAsync(none.AssignmentId));
        }
    }

    [Fact]
    public async Task A_new_due_date_re_arms_the_reminders_and_a_plain_record_counts_for_the_current_date()
    {
        var due = new DateOnly(2034, 9, 1);
        var unit = await TestProposals.UnitAsync(app);
        var p = await TestProposals.AssignedAsync(app, unit, dueOn: due);
        Assert.Contains(p.AssignmentId, (await RunAsync(due.AddDays(-10))).Reminded);
        Assert.Contains(p.AssignmentId, (await RunAsync(due.AddDays(1))).Overdue);
        Assert.Equal("20340901:14,overdue", await RecordAsync(p.AssignmentId));

        // The office extends the deadline by a month (or re-handling sets a new one): reminders and overdue go again.
        var extended = due.AddMonths(1);
        await app.WithDbAsync(db => db.Assignments.Where(x => x.Id == p.AssignmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.DueOn, extended)));
        Assert.DoesNotContain(p.AssignmentId, (await RunAsync(extended.AddDays(-20))).Reminded);
        Assert.Contains(p.AssignmentId, (await RunAsync(extended.AddDays(-14))).Reminded);
        Assert.Equal("20341001:14", await RecordAsync(p.AssignmentId));
        Assert.Contains(p.AssignmentId, (await RunAsync(extended.AddDays(3))).Overdue);
        Assert.Equal(2, (await InboxAsync(unit.UserId, p.ProposalId)).Count(n => n.Kind == ProposalDeadlines.OverdueKind));

        // A record written without a date (as in "14,3") counts for the current due date.
        var q = await TestProposals.AssignedAsync(app, unit, dueOn: due);
        await app.WithDbAsync(db => db.Assignments.Where(x => x.Id == q.AssignmentId).ExecuteUpdateAsync(s => s.SetProperty(x => x.RemindersSent, "14")));
        Assert.DoesNotContain(q.AssignmentId, (await RunAsync(due.AddDays(-10))).Reminded);
        Assert.Contains(q.AssignmentId, (await RunAsync(due.AddDays(-3))).Reminded);
        Assert.Equal("20340901:14,3", await RecordAsync(q.AssignmentId));
        Assert.Single(await InboxAsync(unit.UserId, q.ProposalId));
    }

    [Fact]
    public async Task The_shell_looks_before_it_works_and_is_off_when_notification_jobs_are()
    {
        var due = new DateOnly(2035, 4, 2);
        var unit = await TestProposals.UnitAsync(app);
        var p = await TestProposals.AssignedAsync(app, unit, dueOn: due);
        var clock = At(due.AddDays(-3));
        // Everything due that day (this test's and any other still open) is sent; then nothing is left to look for.
        Assert.True(await app.WithDbAsync(db => ProposalDeadlines.AnyDueAsync(db, clock, Options, CancellationToken.None)));
        Assert.Contains(p.AssignmentId, (await app.WithDbAsync(db => ProposalDeadlines.RunAsync(db, clock, Options, CancellationToken.None))).Reminded);
        Assert.False(await app.WithDbAsync(db => ProposalDeadlines.AnyDueAsync(db, clock, Options, CancellationToken.None)));

        // The job is registered, and with Notifications:Jobs=false (as in every test) it has ended without sending anything.
        var job = app.Services.GetServices<IHostedService>().OfType<ProposalDeadlineJob>().Single();
        Assert.True(job.ExecuteTask?.IsCompleted);
    }

    [Fact]
    public async Task The_run_closes_co_signing_windows_that_have_passed()
    {
        var member = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var coSigner = await app.WithDbAsync(db => db.Members.Where(m => m.CommitteePath.EndsWith("/520200/") && m.IsActive && m.Id != member).OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());
        var deadline = new DateTimeOffset(2036, 3, 3, 16, 0, 0, TimeSpan.Zero);
        var id = await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520200");
            var m = await db.Members.FirstAsync(x => x.Id == member);
            var p = new Proposal
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Status = ProposalStatus.CoSigning, Kind = ProposalKind.BetweenSession, ProposerType = ProposerType.Member,
                ProposerMemberId = m.Id, ProposerName = m.Name, SectorId = m.SectorId, Title = "关于完善城乡公交一体化的建议", Body = "<p>建议优化线路。</p>",
                Term = 9, Session = 2, Year = 2036, CreatedAt = deadline.AddDays(-6), SubmittedAt = deadline.AddDays(-5), UpdatedAt = deadline.AddDays(-5),
                CoSignDeadline = deadline, CoSigners = [new ProposalCoSigner { MemberId = coSigner, Status = CoSignStatus.Pending }],
            };
            db.Proposals.Add(p);
            await db.SaveChangesAsync();
            return p.Id;
        });

        var before = new FakeTimeProvider(deadline.AddMinutes(-1));
        await app.WithDbAsync(db => ProposalDeadlines.RunAsync(db, before, Options, CancellationToken.None));
        Assert.Equal(ProposalStatus.CoSigning, await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));

        var after = new FakeTimeProvider(deadline.AddMinutes(1));
        Assert.True(await app.WithDbAsync(db => ProposalDeadlines.AnyDueAsync(db, after, Options, CancellationToken.None)));
        Assert.True((await app.WithDbAsync(db => ProposalDeadlines.RunAsync(db, after, Options, CancellationToken.None))).CoSigningExpired >= 1);
        Assert.NotEqual(ProposalStatus.CoSigning, await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));
        Assert.Equal(CoSignStatus.Expired, await app.WithDbAsync(db => db.ProposalCoSigners.Where(c => c.ProposalId == id).Select(c => c.Status).FirstAsync()));
        Assert.True(await app.WithDbAsync(db => db.ProposalEvents.AnyAsync(e => e.ProposalId == id && e.Action == "co-sign-expired")));
    }
}

public sealed class ProposalDeadlinesSqliteTests(SqliteAppFactory app) : ProposalDeadlinesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalDeadlinesPostgresTests(PostgresAppFactory app) : ProposalDeadlinesTests(app), IClassFixture<PostgresAppFactory>;
