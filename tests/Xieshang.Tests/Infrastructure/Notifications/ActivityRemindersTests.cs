using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Infrastructure.Notifications;

/// <summary>
/// Reminders before activities (ActivityReminders.SendDueAsync) with a fake clock far from today's activities, on SQLite
/// and PostgreSQL: the right moment per type and per activity, once only, not to invitees who declined or were excused.
/// </summary>
public abstract class ActivityRemindersTests(AppFactory app)
{
    private ActivityOptions Options => app.Services.GetRequiredService<IOptions<ActivityOptions>>().Value;

    [Fact]
    public async Task Reminders_go_out_once_at_the_right_time_to_invitees_who_have_not_declined_or_been_excused()
    {
        var t0 = new DateTimeOffset(2031, 3, 10, 0, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(t0);
        var members = await MembersAsync("520200", 30);
        var a = await CreateAsync(ActivityType.Standing, new(2031, 3, 13, 1, 30, 0, TimeSpan.Zero), members[..10], title: "界别协商座谈会");
        var plenary = await CreateAsync(ActivityType.Plenary, new(2031, 3, 16, 2, 0, 0, TimeSpan.Zero), members[10..20], title: "第九届委员会第五次会议");
        var later = await CreateAsync(ActivityType.Research, new(2031, 3, 15, 0, 0, 0, TimeSpan.Zero), members[20..25]);
        var cancelled = await CreateAsync(ActivityType.Standing, new(2031, 3, 11, 0, 0, 0, TimeSpan.Zero), members[20..25], ActivityStatus.Cancelled);
        var draft = await CreateAsync(ActivityType.Standing, new(2031, 3, 11, 0, 0, 0, TimeSpan.Zero), members[20..25], ActivityStatus.Draft);
        var past = await CreateAsync(ActivityType.Standing, new(2031, 3, 9, 12, 0, 0, TimeSpan.Zero), members[20..25]);
        var ownDays = await CreateAsync(ActivityType.Consultation, new(2031, 3, 19, 0, 0, 0, TimeSpan.Zero), members[20..25]);
        var postponed = await CreateAsync(ActivityType.Inspection, new(2031, 3, 12, 0, 0, 0, TimeSpan.Zero), members[25..30], ActivityStatus.Postponed, title: "食品安全视察");
        await app.WithDbAsync(async db =>
        {
            await db.Activities.Where(x => x.Id == ownDays).ExecuteUpdateAsync(s => s.SetProperty(x => x.ReminderDays, 10));
            await db.Activities.Where(x => x.Id == postponed).ExecuteUpdateAsync(s => s.SetProperty(x => x.OriginalStartsAt, new DateTimeOffset(2031, 3, 5, 1, 0, 0, TimeSpan.Zero)));
            // Of the standing meeting's ten invitees: one declined, one was granted leave, one is no longer a member;
            // a pending or refused leave request, and no answer at all, still get the reminder.
            await Answer(db, a, members[0], InvitationResponse.Decline, LeaveDecision.None);
            await Answer(db, a, members[1], InvitationResponse.Leave, LeaveDecision.Granted);
            await Answer(db, a, members[2], InvitationResponse.Leave, LeaveDecision.Pending);
            await Answer(db, a, members[3], InvitationResponse.Attend, LeaveDecision.None);
            await Answer(db, a, members[4], InvitationResponse.Leave, LeaveDecision.Refused);
            return await db.Members.Where(m => m.Id == members[5]).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsActive, false));
        });

        // At t0: the plenary (7 days ahead), the activity with its own 10 days and the postponed one (2 days) are due.
        var first = await SendAsync(clock);
        Assert.Contains(plenary, first);
        Assert.Contains(ownDays, first);
        Assert.Contains(postponed, first);
        foreach (var notYet in new[] { a, later, cancelled, draft, past }) Assert.DoesNotContain(notYet, first);
        Assert.Equal(10, await RemindersAsync(plenary));

        // The standing meeting is due exactly 3 days before its start, not a minute earlier.
        clock.Advance(TimeSpan.FromMinutes(89));
        Assert.DoesNotContain(a, await SendAsync(clock));
        Assert.Equal(0, await RemindersAsync(a));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Contains(a, await SendAsync(clock));

        var expected = members[..10].Except([members[0], members[1], members[5]]).Order().ToList();
        var reminded = await app.WithDbAsync(db => db.Notifications.Where(n => n.Kind == ActivityReminders.Kind && n.Link == $"/activities/{a}")
            .Select(n => n.MemberId!.Value).OrderBy(x => x).ToListAsync());
        Assert.Equal(expected, reminded);
        var notice = await app.WithDbAsync(db => db.Notifications.FirstAsync(n => n.Kind == ActivityReminders.Kind && n.Link == $"/activities/{a}"));
        Assert.Equal("活动提醒：界别协商座谈会", notice.Title);
        Assert.Contains("时间：2031年3月13日（星期四）09:30（北京时间）", notice.Body); // 01:30 UTC is 09:30 in China
        Assert.Contains("地点：市政协三楼会议室", notice.Body);
        Assert.Equal(t0.AddMinutes(90), await app.WithDbAsync(db => db.Activities.Where(x => x.Id == a).Select(x => x.ReminderSentAt!.Value).FirstAsync()));
        // Mail too, for each reminded invitee with an address.
        var withMail = await app.WithDbAsync(db => db.Members.CountAsync(m => expected.Contains(m.Id) && m.Email != ""));
        Assert.Equal(withMail, await app.WithDbAsync(db => db.OutboxMails.CountAsync(m => m.Subject == "活动提醒：界别协商座谈会")));

        var postponedNotice = await app.WithDbAsync(db => db.Notifications.FirstAsync(n => n.Kind == ActivityReminders.Kind && n.Link == $"/activities/{postponed}"));
        Assert.Contains("（已改期，原定 2031年3月5日（星期三）09:00）", postponedNotice.Body);

        // Once only: later runs, up to and past the start, send nothing more.
        Assert.Empty(await SendAsync(clock));
        clock.Advance(TimeSpan.FromDays(2));
        var again = await SendAsync(clock);
        foreach (var done in new[] { a, plenary, ownDays, postponed }) Assert.DoesNotContain(done, again);
        Assert.Contains(later, again); // the research trip, 3 days before its start
        clock.Advance(TimeSpan.FromDays(10));
        Assert.Empty(await SendAsync(clock));
        Assert.Equal(expected.Count, await RemindersAsync(a));
        Assert.Equal(10, await RemindersAsync(plenary));
        foreach (var never in new[] { cancelled, draft, past }) Assert.Equal(0, await RemindersAsync(never));
    }

    [Fact]
    public async Task Two_instances_running_at_once_remind_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2032, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var members = await MembersAsync("520201", 12);
        var id = await CreateAsync(ActivityType.Training, new(2032, 6, 3, 1, 0, 0, TimeSpan.Zero), members, organizer: "520201");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await ActivityReminders.SendDueAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), clock, Options);
        })));

        Assert.Equal(1, runs.Count(r => r.Contains(id)));
        Assert.Equal(members.Length, await RemindersAsync(id));
    }

    [Fact]
    public async Task A_postponed_activity_is_reminded_again_before_its_new_date()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2033, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var members = await MembersAsync("520204", 5);
        var id = await CreateAsync(ActivityType.Lecture, new(2033, 1, 12, 0, 0, 0, TimeSpan.Zero), members, organizer: "520204");
        Assert.Contains(id, await SendAsync(clock));

        // Postponed by a week (as ActivityRules.PostponeAsync does: new start, reminder reset).
        await app.WithDbAsync(db => db.Activities.Where(x => x.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Status, ActivityStatus.Postponed)
            .SetProperty(x => x.OriginalStartsAt, x => x.StartsAt)
            .SetProperty(x => x.StartsAt, new DateTimeOffset(2033, 1, 19, 0, 0, 0, TimeSpan.Zero))
            .SetProperty(x => x.EndsAt, new DateTimeOffset(2033, 1, 19, 3, 0, 0, TimeSpan.Zero))
            .SetProperty(x => x.ReminderSentAt, (DateTimeOffset?)null)));
        Assert.DoesNotContain(id, await SendAsync(clock));
        clock.Advance(TimeSpan.FromDays(6));
        Assert.Contains(id, await SendAsync(clock));
        Assert.Equal(2 * members.Length, await RemindersAsync(id));
    }

    [Fact]
    public async Task An_activity_published_inside_its_reminder_window_gets_no_second_message()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2034, 1, 10, 8, 0, 0, TimeSpan.Zero));
        var members = await MembersAsync("520200", 4);
        var late = await CreateAsync(ActivityType.Consultation, new(2034, 1, 12, 1, 0, 0, TimeSpan.Zero), members);
        var early = await CreateAsync(ActivityType.Consultation, new(2034, 1, 12, 2, 0, 0, TimeSpan.Zero), members);
        await app.WithDbAsync(async db =>
        {
            // Published 2 days ahead (its notice went out then), and 11 days ahead.
            await db.Activities.Where(x => x.Id == late).ExecuteUpdateAsync(s => s.SetProperty(x => x.PublishedAt, new DateTimeOffset(2034, 1, 10, 1, 0, 0, TimeSpan.Zero)));
            return await db.Activities.Where(x => x.Id == early).ExecuteUpdateAsync(s => s.SetProperty(x => x.PublishedAt, new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        });

        var sent = await SendAsync(clock);
        Assert.Contains(early, sent);
        Assert.DoesNotContain(late, sent);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(late, await SendAsync(clock));
        Assert.Equal(0, await RemindersAsync(late));
        Assert.Equal(members.Length, await RemindersAsync(early));
    }

    private async Task<IReadOnlyList<int>> SendAsync(TimeProvider clock)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await ActivityReminders.SendDueAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), clock, Options);
    }

    private Task<int> RemindersAsync(int activityId) =>
        app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == ActivityReminders.Kind && n.Link == $"/activities/{activityId}"));

    private Task<int[]> MembersAsync(string committee, int count) =>
        app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == committee && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).Take(count).ToArrayAsync());

    private async Task<int> CreateAsync(ActivityType type, DateTimeOffset startsAt, int[] memberIds, ActivityStatus status = ActivityStatus.Published,
        string title = "测试活动", string organizer = "520200") =>
        (await TestActivities.CreateAsync(app, type, startsAt, organizers: [organizer], memberIds: memberIds, status: status, title: title)).ActivityId;

    private static Task<int> Answer(AppDbContext db, int activityId, int memberId, InvitationResponse response, LeaveDecision leave) =>
        db.Invitations.Where(i => i.ActivityId == activityId && i.MemberId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Response, response).SetProperty(i => i.LeaveDecision, leave));
}

public sealed class ActivityRemindersSqliteTests(MailSqliteAppFactory app) : ActivityRemindersTests(app), IClassFixture<MailSqliteAppFactory>;
public sealed class ActivityRemindersPostgresTests(MailPostgresAppFactory app) : ActivityRemindersTests(app), IClassFixture<MailPostgresAppFactory>;
