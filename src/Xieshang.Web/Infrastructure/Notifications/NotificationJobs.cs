using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>
/// Background shell around the plain methods: every <see cref="SmtpOptions.PollSeconds"/> it sends due mail
/// (<see cref="MailSender.SendPendingAsync"/>), every <see cref="NotificationJobOptions.ReminderCheckSeconds"/> it
/// sends due activity reminders (<see cref="ActivityReminders.SendDueAsync"/>). Each runs under its own
/// <see cref="JobLease"/>, so with several instances on one database one of them does the work; an instance looks
/// (read only) before it takes a lease, so idle instances write nothing. Off with <c>Notifications:Jobs=false</c>.
/// </summary>
public sealed class NotificationJobs(
    IServiceScopeFactory scopes, MailSender sender, IOptions<SmtpOptions> smtp, IOptions<NotificationJobOptions> jobs,
    IOptions<ActivityOptions> activities, TimeProvider clock, ILogger<NotificationJobs> log) : BackgroundService
{
    /// <summary>Lease of the outbox sender.</summary>
    public const string MailLease = "mail-outbox";
    /// <summary>Lease of the activity reminders.</summary>
    public const string ReminderLease = "activity-reminders";

    /// <summary>How long a lease is held; one run stops sending before it runs out.</summary>
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTime = TimeSpan.FromMinutes(4);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!jobs.Value.Jobs) return Task.CompletedTask;
        var reminderEvery = TimeSpan.FromSeconds(jobs.Value.ReminderCheckSeconds);
        var nextReminders = clock.GetUtcNow();
        return PeriodicJob.RunAsync(clock, TimeSpan.FromSeconds(smtp.Value.PollSeconds), runAtStart: true, async stop =>
        {
            await PeriodicJob.RunSafelyAsync(scopes, log, "mail", SendMailAsync, stop);
            if (clock.GetUtcNow() >= nextReminders)
            {
                nextReminders = clock.GetUtcNow() + reminderEvery;
                await PeriodicJob.RunSafelyAsync(scopes, log, "reminders", SendRemindersAsync, stop);
            }
        }, stoppingToken);
    }

    private async Task SendMailAsync(AppDbContext db, CancellationToken stop)
    {
        if (!await sender.AnyDueAsync(db, stop)) return;
        await JobLeases.RunExclusiveAsync(db, MailLease, LeaseTime, clock, async () =>
        {
            using var deadline = new CancellationTokenSource(RunTime, clock);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
            MailBatchResult r;
            do
            {
                r = await sender.SendPendingAsync(db, both.Token);
                if (r != MailBatchResult.Empty) log.LogInformation("Mail: {Sent} sent, {Failed} to retry, {GaveUp} given up", r.Sent, r.Failed, r.GaveUp);
            }
            while (r.Sent + r.Failed + r.GaveUp >= smtp.Value.BatchSize && r.Sent > 0 && !both.IsCancellationRequested);
        }, stop);
    }

    private async Task SendRemindersAsync(AppDbContext db, CancellationToken stop)
    {
        if ((await ActivityReminders.DueAsync(db, clock.GetUtcNow(), activities.Value, stop)).Count == 0) return;
        await JobLeases.RunExclusiveAsync(db, ReminderLease, LeaseTime, clock, async () =>
        {
            var reminded = await ActivityReminders.SendDueAsync(db, clock, activities.Value, stop);
            if (reminded.Count > 0) log.LogInformation("Activity reminders sent for {Count} activities: {Ids}", reminded.Count, reminded);
        }, stop);
    }
}
