using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Lectures;

/// <summary>
/// Who sees and runs lecture series and lectures — one rule for the API lists, the details, the materials and every
/// lecture page:
/// <list type="bullet">
/// <item>the administrator sees and changes everything;</item>
/// <item>staff and leaders see the series of their committee and the committees below it (path prefix), with every
/// lecture, drafts included; staff of that scope change them (leaders only read);</item>
/// <item>a member sees the lectures they are invited to (not drafts) and the published lectures of public series; the
/// series they see are the public ones and those holding a lecture they are invited to;</item>
/// <item>handling units see nothing; citizens only the public archive (<see cref="LectureQueries.ArchiveAsync"/>).</item>
/// </list>
/// </summary>
public static class LectureAccess
{
    /// <summary>The lecture series <paramref name="user"/> may see.</summary>
    public static IQueryable<LectureSeries> VisibleTo(this IQueryable<LectureSeries> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if (user.IsHandlingUnit) return q.Where(s => false);
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(s => s.CommitteePath.StartsWith(p));
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(s => s.IsPublic || db.Lectures.Any(l => l.SeriesId == s.Id && l.Activity!.Status != ActivityStatus.Draft
                && db.Invitations.Any(i => i.ActivityId == l.ActivityId && i.MemberId == mid)));
        return q.Where(s => false);
    }

    /// <summary>The lectures <paramref name="user"/> may see.</summary>
    public static IQueryable<Lecture> VisibleTo(this IQueryable<Lecture> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if (user.IsHandlingUnit) return q.Where(l => false);
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(l => l.CommitteePath.StartsWith(p));
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(l => l.Activity!.Status != ActivityStatus.Draft
                && (l.Series!.IsPublic || db.Invitations.Any(i => i.ActivityId == l.ActivityId && i.MemberId == mid)));
        return q.Where(l => false);
    }

    /// <summary>True when <paramref name="user"/> creates and changes series and lectures of the committee at <paramref name="committeePath"/>: staff in scope, the administrator.</summary>
    public static bool CanManage(CurrentUser user, string committeePath) => Scope.CanManage(user, committeePath);

    /// <summary>
    /// Finds lecture <paramref name="id"/> (series and activity with organisers and invitee rules loaded, tracked) for
    /// <paramref name="user"/>: 404 when it does not exist or is out of sight, 403 with <paramref name="manage"/> when the
    /// user may read it but not change it.
    /// </summary>
    public static async Task<(Lecture? Lecture, Infrastructure.Http.RuleError? Error)> FindAsync(AppDbContext db, CurrentUser user, int id, bool manage, CancellationToken ct)
    {
        if (!await db.Lectures.Where(l => l.Id == id).VisibleTo(db, user).AnyAsync(ct)) return (null, Infrastructure.Http.RuleError.NotFound());
        var l = await db.Lectures.Include(x => x.Series).Include(x => x.Activity!).ThenInclude(a => a.Organizers)
            .Include(x => x.Activity!).ThenInclude(a => a.InviteeRules).AsSplitQuery().FirstAsync(x => x.Id == id, ct);
        if (manage && !CanManage(user, l.CommitteePath)) return (null, Infrastructure.Http.RuleError.Forbidden("只有本系列所属政协组织的工作人员可以修改讲堂。"));
        return (l, null);
    }

    /// <summary>Finds series <paramref name="id"/> like <see cref="FindAsync"/> (404 out of sight, 403 when <paramref name="manage"/> and not staff in scope).</summary>
    public static async Task<(LectureSeries? Series, Infrastructure.Http.RuleError? Error)> FindSeriesAsync(AppDbContext db, CurrentUser user, int id, bool manage, CancellationToken ct)
    {
        var s = await db.LectureSeries.Where(x => x.Id == id).VisibleTo(db, user).FirstOrDefaultAsync(ct);
        if (s is null) return (null, Infrastructure.Http.RuleError.NotFound());
        if (manage && !CanManage(user, s.CommitteePath)) return (null, Infrastructure.Http.RuleError.Forbidden("只有本系列所属政协组织的工作人员可以修改讲堂系列。"));
        return (s, null);
    }
}
