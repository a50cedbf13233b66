using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Consultations;

/// <summary>
/// Who sees consultations and plans — committee scope (DOMAIN.md §3) in one place, used by every list, detail,
/// export and page of the slice:
/// <list type="bullet">
/// <item>the administrator sees everything;</item>
/// <item>staff and leaders see the consultations of their committee and the committees below it, in every step;
/// staff see plans there in draft too, leaders only published plans;</item>
/// <item>a member sees the published plan of their own committee, and a consultation once its notice went out when it
/// belongs to their committee or they are invited to its meeting;</item>
/// <item>non-members only reach a consultation through its invitation link (<see cref="ConsultationRules.RegisterAsync"/>).</item>
/// </list>
/// Only staff who manage the committee (<see cref="Scope.CanManage"/>) change anything.
/// </summary>
public static class ConsultationAccess
{
    /// <summary>The consultations <paramref name="user"/> may see.</summary>
    public static IQueryable<Consultation> VisibleTo(this IQueryable<Consultation> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(c => c.CommitteePath.StartsWith(p));
        if (user.IsMember && user.MemberId is { } mid && user.CommitteePath is { } own)
            return q.Where(c => c.Status >= ConsultationStatus.Notice
                && (c.CommitteePath == own
                    || (c.ActivityId != null && db.Activities.Any(a => a.Id == c.ActivityId && a.Status != ActivityStatus.Draft)
                        && db.Invitations.Any(i => i.ActivityId == c.ActivityId && i.MemberId == mid))));
        return q.Where(c => false);
    }

    /// <summary>The plans <paramref name="user"/> may see (drafts: staff only).</summary>
    public static IQueryable<ConsultationPlan> VisibleTo(this IQueryable<ConsultationPlan> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if (user.IsStaff && user.CommitteePath is { } s) return q.Where(x => x.CommitteePath.StartsWith(s));
        if (user.IsLeader && user.CommitteePath is { } l) return q.Where(x => x.CommitteePath.StartsWith(l) && x.Status == PlanStatus.Published);
        if (user.IsMember && user.CommitteePath is { } own) return q.Where(x => x.CommitteePath == own && x.Status == PlanStatus.Published);
        return q.Where(x => false);
    }

    /// <summary>True when <paramref name="user"/> manages consultations and plans of the committee at <paramref name="committeePath"/>.</summary>
    public static bool CanManage(CurrentUser user, string committeePath) => Scope.CanManage(user, committeePath);

    /// <summary>The actors <paramref name="user"/> holds toward something of the committee at <paramref name="committeePath"/> (office or none).</summary>
    public static IReadOnlySet<string> Actors(CurrentUser user, string committeePath) =>
        CanManage(user, committeePath) ? new HashSet<string> { ConsultationWorkflow.Office } : new HashSet<string>();

    /// <summary>True when <paramref name="user"/> may see consultation <paramref name="id"/>.</summary>
    public static Task<bool> CanSeeAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct) =>
        db.Consultations.Where(c => c.Id == id).VisibleTo(db, user).AnyAsync(ct);
}
