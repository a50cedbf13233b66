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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!jobs.Value.Jobs) return;
        var reminderEvery = TimeSpan.FromSeconds(jobs.Value.ReminderCheckSeconds);
        var nextReminders = clock.GetUtcNow();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(smtp.Value.PollSeconds), clock);
        try
        {
            do
            {
                await RunSafelyAsync("mail", SendMailAsync, stoppingToken);
                if (clock.GetUtcNow() >= nextReminders)
                {
                    nextReminders = clock.GetUtcNow() + reminderEvery;
                    await RunSafelyAsync("reminders", SendRemindersAsync, stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task RunSafelyAsync(string job, Func<AppDbContext, CancellationToken, Task> work, CancellationToken stop)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await work(scope.ServiceProvider.GetRequiredService<AppDbContext>(), stop);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // A database hiccup must not end the loop: log it and try again at the next tick.
            log.LogError(e, "Notification job {Job} failed", job);
        }
    }

    private async Task SendMailAsync(AppDbContext db, CancellationToken stop)
    {
        if (!await sender.AnyDueAsync(db, stop)) return;
        if (!await JobLeases.TryAcquireAsync(db, MailLease, LeaseTime, clock, stop)) return;
        try
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
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, MailLease, CancellationToken.None);
        }
    }

    private async Task SendRemindersAsync(AppDbContext db, CancellationToken stop)
    {
        if ((await ActivityReminders.DueAsync(db, clock.GetUtcNow(), activities.Value, stop)).Count == 0) return;
        if (!await JobLeases.TryAcquireAsync(db, ReminderLease, LeaseTime, clock, stop)) return;
        try
        {
            var reminded = await ActivityReminders.SendDueAsync(db, clock, activities.Value, stop);
            if (reminded.Count > 0) log.LogInformation("Activity reminders sent for {Count} activities: {Ids}", reminded.Count, reminded);
        }
        finally
        {
            await JobLeases.ReleaseAsync(db, ReminderLease, CancellationToken.None);
        }
    }
}
