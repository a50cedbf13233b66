using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// A few activities for the demo, so the activity list, the calendar, the duty files and the balance dashboard have
/// something to show at first start: two meetings held in the last weeks (attendance confirmed, so their duty records
/// exist) and two coming ones (published through <see cref="ActivityRules.PublishAsync"/>, so invitees have notices).
/// Times are relative to the first start; everything goes through the same rules as the product's own pages.
/// </summary>
public static class DemoActivities
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var committees = await db.Committees.Where(c => c.Code == "520200" || c.Code == "520201").ToDictionaryAsync(c => c.Code, ct);
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        DateTimeOffset At(int days, int hour) => ChinaTime.StartOf(today.AddDays(days)).AddHours(hour);

        // Held: attendance confirmed (most present, a few speakers and an author, two excused, one absent).
        await HeldAsync(db, committees["520200"], ActivityType.Standing, "市政协常委会议：听取全市优化营商环境工作情况通报", At(-21, 9), 3, "市政协三楼会议室", clock, ct);
        await HeldAsync(db, committees["520201"], ActivityType.Training, "钟山区政协委员履职能力培训", At(-10, 14), 2, "钟山区政协会议中心", clock, ct);

        // Coming: published, invitees notified.
        await ComingAsync(db, committees["520200"], ActivityType.Plenary, "六盘水市政协十届一次会议", At(24, 9), 8, "六盘水市会议中心", clock, ct);
        await ComingAsync(db, committees["520201"], ActivityType.Consultation, "“有事好商量”社区协商：老旧小区加装电梯", At(5, 15), 2, "荷城街道社区服务中心", clock, ct);
    }

    private static Activity New(Committees.Committee c, ActivityType type, string title, DateTimeOffset start, int hours, string place, TimeProvider clock) => new()
    {
        Title = title, Type = type, Status = ActivityStatus.Draft, StartsAt = start, EndsAt = start.AddHours(hours), Place = place,
        Mandatory = type is ActivityType.Plenary or ActivityType.Standing, CommitteeId = c.Id, CommitteePath = c.Path,
        CheckInKey = RandomNumberGenerator.GetBytes(32), CreatedBy = "demo", CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow(),
        Agenda = "一、通报有关情况<br>二、委员发言<br>三、主席讲话",
        Organizers = [new ActivityOrganizer { CommitteeId = c.Id, CommitteePath = c.Path, SortOrder = 0 }],
        InviteeRules = [new ActivityInviteeRule { Kind = InviteeKind.Committee, TargetId = c.Id }],
    };

    private static async Task ComingAsync(AppDbContext db, Committees.Committee c, ActivityType type, string title, DateTimeOffset start, int hours, string place, TimeProvider clock, CancellationToken ct)
    {
        var a = New(c, type, title, start, hours, place, clock);
        db.Activities.Add(a);
        await db.SaveChangesAsync(ct);
        if (await ActivityRules.PublishAsync(db, a, clock, ct) is { } e) throw new InvalidOperationException($"Demo activity {title}: {e.Message}");
    }

    private static async Task HeldAsync(AppDbContext db, Committees.Committee c, ActivityType type, string title, DateTimeOffset start, int hours, string place, TimeProvider clock, CancellationToken ct)
    {
        // Published when it was announced: invitations written directly (notices of a past meeting would only confuse).
        var a = New(c, type, title, start, hours, place, clock);
        a.Status = ActivityStatus.Published;
        a.PublishedAt = start.AddDays(-7);
        db.Activities.Add(a);
        await db.SaveChangesAsync(ct);
        var members = await db.Members.Where(m => m.CommitteeId == c.Id && m.IsActive).OrderBy(m => m.Id).ToListAsync(ct);
        var invitations = members.Select(m => new Invitation
        {
            ActivityId = a.Id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId,
            Response = InvitationResponse.Attend, RespondedAt = start.AddDays(-5),
        }).ToList();
        foreach (var i in invitations.Skip(4).Take(2))
        {
            i.Response = InvitationResponse.Leave;
            i.LeaveReason = "因公出差";
            i.LeaveDecision = LeaveDecision.Granted;
            i.LeaveDecidedBy = "leader." + c.Code;
            i.LeaveDecidedAt = start.AddDays(-3);
        }
        db.Invitations.AddRange(invitations);
        await db.SaveChangesAsync(ct);
        var roles = invitations.Select((i, n) => (i.MemberId, (string?)(n switch
        {
            1 or 2 => "speaker",
            3 => "author",
            4 or 5 => "excused",
            9 => "absent",
            _ => "present",
        }))).ToList();
        if (await ActivityRules.ConfirmAttendanceAsync(db, a, roles, clock, ct) is { } e) throw new InvalidOperationException($"Demo activity {title}: {e.Message}");
    }
}
