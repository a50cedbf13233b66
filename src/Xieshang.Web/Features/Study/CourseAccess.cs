using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Study;

/// <summary>
/// Who sees and changes study courses (学习培训) — one rule used by the list, the detail, materials, quizzes, the
/// enrolment export and every course page:
/// <list type="bullet">
/// <item>the administrator sees and changes everything;</item>
/// <item>staff and leaders see a course when one of its organising committees is their committee or below it (the
/// organiser's scope path starts with theirs), drafts included;</item>
/// <item>a member sees a course they are enrolled in (enrolments exist from publishing on, so never a draft);</item>
/// <item>handling units and citizens never.</item>
/// </list>
/// Changing a course (<see cref="CanManage"/>) needs staff who manage <em>every</em> organising committee: each session is
/// an activity organised by all of the course's organisers, and the activities mechanism lets only staff who manage each
/// organiser create one (a city's joint course with two districts is run by the city's office, not by one district's).
/// </summary>
public static class CourseAccess
{
    /// <summary>The courses <paramref name="user"/> may see.</summary>
    public static IQueryable<Course> VisibleTo(this IQueryable<Course> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if (user.IsHandlingUnit) return q.Where(x => false);
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
            return q.Where(x => db.CourseOrganizers.Any(o => o.CourseId == x.Id && o.CommitteePath.StartsWith(p)));
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(x => x.Status != CourseStatus.Draft && db.CourseEnrolments.Any(e => e.CourseId == x.Id && e.MemberId == mid));
        return q.Where(x => false);
    }

    /// <summary>True when <paramref name="user"/> may see course <paramref name="id"/> (<see cref="VisibleTo"/>).</summary>
    public static Task<bool> CanReadAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct) =>
        db.Courses.Where(x => x.Id == id).VisibleTo(db, user).AnyAsync(ct);

    /// <summary>True when <paramref name="user"/> changes <paramref name="course"/> (<see cref="Course.Organizers"/> loaded): the administrator, or staff who manage every organiser.</summary>
    public static bool CanManage(CurrentUser user, Course course) =>
        user.IsAdmin || (user.IsStaff && course.Organizers.Count > 0 && course.Organizers.All(o => Scope.CanManage(user, o.CommitteePath)));

    /// <summary>True when <paramref name="user"/> is a member enrolled in course <paramref name="courseId"/>.</summary>
    public static Task<bool> IsEnrolledAsync(AppDbContext db, CurrentUser user, int courseId, CancellationToken ct) =>
        user.MemberId is { } mid ? db.CourseEnrolments.AnyAsync(e => e.CourseId == courseId && e.MemberId == mid, ct) : Task.FromResult(false);

    /// <summary>
    /// Finds course <paramref name="id"/> (organisers, audience and sessions loaded, tracked) for <paramref name="user"/>:
    /// 404 when it does not exist or is out of sight, 403 with <paramref name="manage"/> when the user may read but not change it.
    /// </summary>
    public static async Task<(Course? Course, RuleError? Error)> FindAsync(AppDbContext db, CurrentUser user, int id, bool manage, CancellationToken ct)
    {
        var c = await db.Courses.Include(x => x.Organizers).Include(x => x.Audience).Include(x => x.Sessions).ThenInclude(s => s.Activity)
            .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await CanReadAsync(db, user, id, ct)) return (null, RuleError.NotFound("未找到该课程，或不在您的权限范围内。"));
        if (manage && !CanManage(user, c)) return (null, RuleError.Forbidden("只有主办政协（每一个主办方）的工作人员可以管理本课程。"));
        c.Sessions.Sort((a, b) => a.SortOrder.CompareTo(b.SortOrder));
        return (c, null);
    }
}
