using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Jobs;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// What one <see cref="ProposalDeadlines.RunAsync"/> did: the assignments reminded, those reported overdue, and the
/// number of proposals whose co-signing window closed.
/// </summary>
public sealed record DeadlineRunResult(IReadOnlyList<int> Reminded, IReadOnlyList<int> Overdue, int CoSigningExpired);

/// <summary>
/// Proposal deadlines (DOMAIN.md §4.3): before an assignment's <see cref="Assignment.DueOn"/> its unit is reminded once
/// per entry of <see cref="ProposalOptions.ReminderDays"/> (default 14 and 3 days before); the day after it passes
/// with the assignment still in hand, the unit and the committee's proposals office (its staff accounts) get one
/// overdue notice. Notices go to the inbox and by e-mail (<see cref="Notifier"/>) and link to <c>/proposals/{id}</c>.
/// <para>
/// What was sent is recorded in <see cref="Assignment.RemindersSent"/> as the due date it was sent for and the
/// reminders, e.g. <c>20260512:14,3,overdue</c>; when the office extends the deadline or re-handling sets a new one,
/// the record no longer matches <see cref="Assignment.DueOn"/> and the reminders go again for the new date. A record
/// without a date (<c>14,3</c>) counts for the current due date. Each assignment is claimed by a conditional UPDATE
/// of that column in the transaction of its notices, so two instances never send the same notice twice.
/// </para>
/// The background shell <see cref="ProposalDeadlineJob"/> calls <see cref="RunAsync"/> under a job lease; tests call
/// it directly with a fake clock.
/// </summary>
public static class ProposalDeadlines
{
    /// <summary>Kind code of a reminder before a deadline.</summary>
    public const string ReminderKind = "proposal.reminder";
    /// <summary>Kind code of an overdue notice.</summary>
    public const string OverdueKind = "proposal.overdue";
    /// <summary>Marker of the overdue notice in <see cref="Assignment.RemindersSent"/>.</summary>
    public const string OverdueMark = "overdue";

    /// <summary>Proposal states in which units are handling (reminders and overdue notices apply).</summary>
    public static readonly ProposalStatus[] HandlingStates = [ProposalStatus.Assigned, ProposalStatus.Handling, ProposalStatus.Rehandling];

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>True when the assignment is still in hand and its due date has passed (the day after <see cref="Assignment.DueOn"/> on).</summary>
    public static bool IsOverdue(Assignment a, DateOnly today) => a.Status == AssignmentStatus.Active && today > a.DueOn;

    /// <summary>
    /// Sends the reminders and overdue notices due today (China date of <paramref name="clock"/>), then expires
    /// co-signing windows that have closed (<see cref="ProposalRules.ExpireCoSigningAsync"/>). Returns what it did.
    /// </summary>
    public static async Task<DeadlineRunResult> RunAsync(AppDbContext db, TimeProvider clock, ProposalOptions options, CancellationToken ct)
    {
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var reminderDays = ReminderDays(options);
        var reminded = new List<int>();
        var overdue = new List<int>();
        foreach (var c in await CandidatesAsync(db, today, reminderDays, ct))
        {
            var step = Next(c.DueOn, c.RemindersSent, today, reminderDays);
            if (step is null) continue;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var claimed = await db.Assignments
                .Where(a => a.Id == c.Id && a.RemindersSent == c.RemindersSent && a.DueOn == c.DueOn && a.Status == AssignmentStatus.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RemindersSent, step.Record), ct);
            if (claimed == 0) continue; // another instance sent it, or the assignment changed meanwhile: look again next run
            var info = await db.Assignments.AsNoTracking().Where(a => a.Id == c.Id)
                .Join(db.Proposals, a => a.ProposalId, p => p.Id, (a, p) => new NoticeInfo(
                    p.Id, p.Number, p.Title, p.CommitteeId, a.HandlingUnitId, a.HandlingUnit!.Name, a.Role, a.DueOn))
                .FirstAsync(ct);
            var unitAccounts = await db.Users.Where(u => u.HandlingUnitId == info.UnitId).Select(u => u.Id).ToListAsync(ct);
            if (step.Overdue)
            {
                await Notifier.ToUsersAsync(db, unitAccounts, OverdueNoticeForUnit(info), clock, ct);
                var office = await db.Users
                    .Where(u => u.CommitteeId == info.CommitteeId
                        && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Staff)))
                    .Select(u => u.Id).ToListAsync(ct);
                await Notifier.ToUsersAsync(db, office, OverdueNoticeForOffice(info), clock, ct);
                overdue.Add(c.Id);
            }
            else
            {
                await Notifier.ToUsersAsync(db, unitAccounts, ReminderNotice(info, today), clock, ct);
                reminded.Add(c.Id);
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        var expired = await ProposalRules.ExpireCoSigningAsync(db, clock, ct);
        return new DeadlineRunResult(reminded, overdue, expired);
    }

    /// <summary>True when <see cref="RunAsync"/> has something to send today (a read only: the shell asks before it takes a lease).</summary>
    public static async Task<bool> AnyDueAsync(AppDbContext db, TimeProvider clock, ProposalOptions options, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await db.Proposals.AnyAsync(p => p.Status == ProposalStatus.CoSigning && p.CoSignDeadline < now, ct)) return true;
        var today = ChinaTime.DayOf(now);
        var reminderDays = ReminderDays(options);
        return (await CandidatesAsync(db, today, reminderDays, ct)).Any(c => Next(c.DueOn, c.RemindersSent, today, reminderDays) is not null);
    }

    /// <summary>The reminder day counts in use, largest first (non-positive values ignored).</summary>
    private static int[] ReminderDays(ProposalOptions options) =>
        options.ReminderDays.Where(d => d > 0).Distinct().OrderDescending().ToArray();

    private sealed record Candidate(int Id, DateOnly DueOn, string RemindersSent);

    private sealed record NoticeInfo(int ProposalId, string Number, string Title, int CommitteeId, int UnitId, string UnitName, AssignmentRole Role, DateOnly DueOn);

    /// <summary>What to send next for one assignment and the record to store with it.</summary>
    internal sealed record Step(bool Overdue, string Record);

    /// <summary>Assignments in hand whose due date is within the largest reminder window or past.</summary>
    private static async Task<List<Candidate>> CandidatesAsync(AppDbContext db, DateOnly today, int[] reminderDays, CancellationToken ct)
    {
        var horizon = today.AddDays(reminderDays.Length > 0 ? reminderDays[0] : 0);
        return await db.Assignments.AsNoTracking()
            .Where(a => a.Status == AssignmentStatus.Active && a.DueOn <= horizon
                && db.Proposals.Any(p => p.Id == a.ProposalId && HandlingStates.Contains(p.Status)))
            .OrderBy(a => a.DueOn).ThenBy(a => a.Id)
            .Select(a => new Candidate(a.Id, a.DueOn, a.RemindersSent))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The notice due today for an assignment due on <paramref name="dueOn"/> with <paramref name="record"/> stored, or
    /// null. Past the due date: the overdue notice, once. Before it: one reminder when a reminder window (N days before
    /// the due date) has opened and was not yet served; a reminder sent N days before serves every window of N days or
    /// more, so when several opened at once (the job was off, or the deadline was set short) one reminder serves them all.
    /// </summary>
    internal static Step? Next(DateOnly dueOn, string record, DateOnly today, int[] reminderDays)
    {
        var sent = Parse(record, dueOn);
        if (today > dueOn)
            return sent.Contains(OverdueMark) ? null : new Step(true, Format(dueOn, [.. sent, OverdueMark]));
        var left = dueOn.DayNumber - today.DayNumber;
        var smallestSent = sent.Select(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue).DefaultIfEmpty(int.MaxValue).Min();
        var open = reminderDays.Where(d => d >= left && d < smallestSent).ToList();
        if (open.Count == 0) return null;
        return new Step(false, Format(dueOn, [.. sent, .. open.Select(d => d.ToString(CultureInfo.InvariantCulture))]));
    }

    /// <summary>The entries recorded for <paramref name="dueOn"/> (none when the record was made for another due date).</summary>
    internal static List<string> Parse(string? record, DateOnly dueOn)
    {
        var list = record ?? "";
        var colon = list.IndexOf(':');
        if (colon >= 0)
        {
            if (list[..colon] != DateKey(dueOn)) return [];
            list = list[(colon + 1)..];
        }
        return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    /// <summary>
    /// <c>20260512:14,3,overdue</c>: the due date, the day counts largest first, the overdue mark last. Should many
    /// configured reminders overflow the column (64), the largest counts go first (the smallest one sent serves them).
    /// </summary>
    private static string Format(DateOnly dueOn, IEnumerable<string> entries)
    {
        var all = entries.Distinct().ToList();
        var counts = all.Where(e => e != OverdueMark).OrderByDescending(e => int.TryParse(e, out var n) ? n : 0).ToList();
        var tail = all.Contains(OverdueMark) ? new List<string> { OverdueMark } : [];
        string Text() => DateKey(dueOn) + ":" + string.Join(",", counts.Concat(tail));
        while (Text().Length > 64 && counts.Count > 1) counts.RemoveAt(0);
        return Text();
    }

    private static string DateKey(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary><c>2026年5月12日（星期二）</c>.</summary>
    private static string Day(DateOnly d) => d.ToString("yyyy年M月d日（dddd）", Chinese);

    private static string Label(NoticeInfo i) => (i.Number.Length > 0 ? i.Number : "") + "《" + i.Title + "》";

    private static string Duty(AssignmentRole role) => role == AssignmentRole.CoUnit ? "向主办单位提出会办意见" : "答复提案人";

    private static Notice ReminderNotice(NoticeInfo i, DateOnly today)
    {
        var left = i.DueOn.DayNumber - today.DayNumber;
        var when = left == 0 ? "今天到期" : $"还有 {left} 天到期";
        return new Notice(ReminderKind, $"提案办理{when}：{i.Title}",
            $"{i.UnitName}承办的提案{Label(i)}，请于{Day(i.DueOn)}前{Duty(i.Role)}（{when}）。", $"/proposals/{i.ProposalId}");
    }

    private static Notice OverdueNoticeForUnit(NoticeInfo i) =>
        new(OverdueKind, $"提案办理已逾期：{i.Title}",
            $"{i.UnitName}承办的提案{Label(i)}已超过办理期限{Day(i.DueOn)}，尚未{Duty(i.Role)}。请尽快办理。", $"/proposals/{i.ProposalId}");

    private static Notice OverdueNoticeForOffice(NoticeInfo i) =>
        new(OverdueKind, $"提案办理已逾期：{i.Title}",
            $"{i.UnitName}承办的提案{Label(i)}已超过办理期限{Day(i.DueOn)}，尚未{Duty(i.Role)}。请督促承办单位办理。", $"/proposals/{i.ProposalId}");

    /// <summary>Registers the deadline job and binds <see cref="ProposalOptions"/> (section <c>Proposals</c>, validated on start).</summary>
    public static IHostApplicationBuilder AddProposalDeadlines(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProposalOptions>().BindConfiguration(ProposalOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<ProposalDeadlineJob>();
        return builder;
    }
}

/// <summary>
/// Background shell around <see cref="ProposalDeadlines.RunAsync"/>: every <see cref="Every"/> it looks (read only) for
/// due reminders, overdue notices and closed co-signing windows and, when there are any, runs under the <see cref="Lease"/> job lease, so with
/// several instances on one database one of them sends. Off with <c>Notifications:Jobs=false</c>, like the other
/// notification jobs (<see cref="NotificationJobs"/>).
/// </summary>
public sealed class ProposalDeadlineJob(
    IServiceScopeFactory scopes, IOptions<NotificationJobOptions> jobs, IOptions<ProposalOptions> options, TimeProvider clock,
    ILogger<ProposalDeadlineJob> log) : BackgroundService
{
    /// <summary>Lease name.</summary>
    public const string Lease = "proposal-deadlines";
    /// <summary>Time between two looks.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => !jobs.Value.Jobs ? Task.CompletedTask
        : PeriodicJob.RunAsync(clock, Every, runAtStart: true, stop => PeriodicJob.RunSafelyAsync(scopes, log, Lease, async (db, ct) =>
        {
            if (!await ProposalDeadlines.AnyDueAsync(db, clock, options.Value, ct)) return;
            await JobLeases.RunExclusiveAsync(db, Lease, LeaseTime, clock, async () =>
            {
                var r = await ProposalDeadlines.RunAsync(db, clock, options.Value, ct);
                if (r.Reminded.Count + r.Overdue.Count + r.CoSigningExpired > 0)
                    log.LogInformation("Proposal deadlines: {Reminded} reminders, {Overdue} overdue notices, {Expired} co-signing windows closed",
                        r.Reminded.Count, r.Overdue.Count, r.CoSigningExpired);
            }, ct);
        }, stop), stoppingToken);
}
