using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Support;

/// <summary>
/// Test data builder: inserts an activity straight into the database (bypassing the API), organised by
/// <paramref name="organizers"/> (committee codes, lead first), with invitations for the given members
/// (default: the first <c>inviteCount</c> active members of the lead committee in id order).
/// Use the API in tests that are about creating and publishing; use this where an activity is only the setting.
/// </summary>
public static class TestActivities
{
    public static async Task<(int ActivityId, int[] MemberIds)> CreateAsync(AppFactory app, ActivityType type = ActivityType.Standing,
        DateTimeOffset? startsAt = null, TimeSpan? duration = null, string[]? organizers = null, int inviteCount = 10, int[]? memberIds = null,
        ActivityStatus status = ActivityStatus.Published, bool mandatory = true, string title = "测试活动")
    {
        organizers ??= ["520200"];
        var start = startsAt ?? DateTimeOffset.UtcNow.AddDays(10);
        return await app.WithDbAsync(async db =>
        {
            var committees = await db.Committees.Where(c => organizers.Contains(c.Code)).ToListAsync();
            var lead = committees.Single(c => c.Code == organizers[0]);
            var a = new Activity
            {
                Title = title, Type = type, Status = status, StartsAt = start, EndsAt = start + (duration ?? TimeSpan.FromHours(3)),
                Place = "市政协三楼会议室", Mandatory = mandatory, CommitteeId = lead.Id, CommitteePath = lead.Path,
                CheckInKey = RandomNumberGenerator.GetBytes(32), CreatedBy = "test", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                PublishedAt = status == ActivityStatus.Draft ? null : DateTimeOffset.UtcNow,
            };
            a.Organizers = organizers.Select((code, i) => committees.Single(c => c.Code == code))
                .Select((c, i) => new ActivityOrganizer { CommitteeId = c.Id, CommitteePath = c.Path, SortOrder = i }).ToList();
            db.Activities.Add(a);
            await db.SaveChangesAsync();
            var ids = memberIds ?? await db.Members.Where(m => m.CommitteeId == lead.Id && m.IsActive).OrderBy(m => m.Id).Take(inviteCount).Select(m => m.Id).ToArrayAsync();
            if (status != ActivityStatus.Draft)
            {
                var members = await db.Members.Where(m => ids.Contains(m.Id)).ToListAsync();
                db.Invitations.AddRange(members.Select(m => new Invitation
                {
                    ActivityId = a.Id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId,
                }));
                await db.SaveChangesAsync();
            }
            return (a.Id, ids);
        });
    }

    /// <summary>Id of the member linked to a demo account (e.g. <c>member.520200</c>).</summary>
    public static Task<int> MemberIdOfAsync(AppFactory app, string userName) =>
        app.WithDbAsync(db => db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId!.Value).FirstAsync());
}
