using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Activities;

/// <summary>
/// Who sees and who runs an activity — committee scope (DOMAIN.md §3) applied to activities, in one place.
/// Office accounts (staff, leaders) with scope path P see an activity when one of its organisers is inside P,
/// or, once it is published, when someone inside P is invited (a district sees the city's activity its members
/// are invited to; never another district's drafts). A member sees the published activities they are invited
/// to. Staff of any organising committee (or above it) manage it; administrators see and manage everything.
/// </summary>
public static class ActivityAccess
{
    /// <summary>The activities <paramref name="user"/> may see: the one filter every activity list, calendar, search and export uses.</summary>
    public static IQueryable<Activity> VisibleTo(this IQueryable<Activity> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
            return q.Where(a => db.ActivityOrganizers.Any(o => o.ActivityId == a.Id && o.CommitteePath.StartsWith(p))
                || (a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.CommitteePath.StartsWith(p))));
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(a => a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.MemberId == mid));
        return q.Where(a => false);
    }

    /// <summary>True when <paramref name="user"/> may see activity <paramref name="activityId"/>.</summary>
    public static Task<bool> CanSeeAsync(AppDbContext db, CurrentUser user, int activityId, CancellationToken ct) =>
        db.Activities.Where(a => a.Id == activityId).VisibleTo(db, user).AnyAsync(ct);

    /// <summary>
    /// True when <paramref name="user"/> may edit, publish, cancel, amend invitees, run check-in and confirm
    /// attendance of activity <paramref name="activityId"/>: staff whose scope contains one of its organisers.
    /// </summary>
    public static async Task<bool> CanManageAsync(AppDbContext db, CurrentUser user, int activityId, CancellationToken ct)
    {
        if (user.IsAdmin) return true;
        if (!user.IsStaff || user.CommitteePath is not { } p) return false;
        return await db.ActivityOrganizers.AnyAsync(o => o.ActivityId == activityId && o.CommitteePath.StartsWith(p), ct);
    }

    /// <summary>
    /// True when <paramref name="user"/> may decide on leave requests: a leader (主席/副主席/秘书长 accounts; the
    /// secretary-general by default in practice) whose scope contains one of the organisers; administrators too.
    /// </summary>
    public static async Task<bool> CanDecideLeaveAsync(AppDbContext db, CurrentUser user, int activityId, CancellationToken ct)
    {
        if (user.IsAdmin) return true;
        if (!user.IsLeader || user.CommitteePath is not { } p) return false;
        return await db.ActivityOrganizers.AnyAsync(o => o.ActivityId == activityId && o.CommitteePath.StartsWith(p), ct);
    }
}
