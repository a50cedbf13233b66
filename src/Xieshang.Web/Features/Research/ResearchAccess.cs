using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// Who sees and changes research and inspection projects — committee scope (DOMAIN.md §3, §4.6, §4.7) in one place,
/// used by every list, detail, file, export and page of the slice (and by the same-topic and claimed-topic slices):
/// <list type="bullet">
/// <item>the administrator sees everything;</item>
/// <item>staff and leaders see a project when one of its organising committees is their committee or below it (the
/// organiser's scope path starts with theirs); a sub-project (<see cref="ResearchProject.ParentId"/> set) also when one of
/// the parent's organisers is;</item>
/// <item>same-topic research (同题调研): a lower committee sees the parent when it was invited
/// (<see cref="JointResearchInvitation"/> in its scope, whatever the answer) or a sub-project of the parent is organised in
/// its scope; it sees a sibling sub-project (same parent, another committee) only once it runs a sub-project itself and
/// that sibling is shared (<see cref="ResearchProject.SharedAt"/> set) — then its report too (<see cref="CanReadReport"/>).
/// An invited committee that has not joined sees the parent's topic and background but none of the sub-projects;</item>
/// <item>a member sees the projects whose team they are on;</item>
/// <item>handling units see nothing.</item>
/// </list>
/// Staff who manage any organising committee (<see cref="Scope.CanManage"/>) change a project (<see cref="CanManage"/>).
/// </summary>
public static class ResearchAccess
{
    /// <summary>The projects <paramref name="user"/> may see.</summary>
    public static IQueryable<ResearchProject> VisibleTo(this IQueryable<ResearchProject> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if (user.IsHandlingUnit) return q.Where(x => false);
        var orgs = db.ResearchOrganizers;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
            return q.Where(x =>
                // organised in scope
                orgs.Any(o => o.ResearchProjectId == x.Id && o.CommitteePath.StartsWith(p))
                // a sub-project whose parent is organised in scope
                || (x.ParentId != null && orgs.Any(o => o.ResearchProjectId == x.ParentId && o.CommitteePath.StartsWith(p)))
                // the parent of a sub-project organised in scope (joined or added)
                || db.ResearchProjects.Any(s => s.ParentId == x.Id && orgs.Any(o => o.ResearchProjectId == s.Id && o.CommitteePath.StartsWith(p)))
                // a same-topic parent that invited a committee in scope (not yet joined, or declined)
                || db.JointResearchInvitations.Any(i => i.ParentId == x.Id && i.CommitteePath.StartsWith(p))
                // a shared sibling of a sub-project organised in scope
                || (x.ParentId != null && x.SharedAt != null && db.ResearchProjects.Any(s => s.ParentId == x.ParentId && s.Id != x.Id
                    && orgs.Any(o => o.ResearchProjectId == s.Id && o.CommitteePath.StartsWith(p)))));
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(x => db.ResearchTeamMembers.Any(t => t.ResearchProjectId == x.Id && t.MemberId == mid));
        return q.Where(x => false);
    }

    /// <summary>True when <paramref name="user"/> may see project <paramref name="id"/> (<see cref="VisibleTo"/>).</summary>
    public static Task<bool> CanReadAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct) =>
        db.ResearchProjects.Where(x => x.Id == id).VisibleTo(db, user).AnyAsync(ct);

    /// <summary>
    /// True when <paramref name="user"/> changes <paramref name="project"/> (team, field work, files, report, outputs): staff
    /// who manage one of its organising committees (<see cref="ResearchProject.Organizers"/> must be loaded), or the
    /// administrator.
    /// </summary>
    public static bool CanManage(CurrentUser user, ResearchProject project) =>
        user.IsAdmin || project.Organizers.Any(o => Scope.CanManage(user, o.CommitteePath)) || (project.Organizers.Count == 0 && Scope.CanManage(user, project.CommitteePath));

    /// <summary>True when <paramref name="user"/> is on <paramref name="project"/>'s team (<see cref="ResearchProject.Team"/> loaded) as a member of any role.</summary>
    public static bool IsOnTeam(CurrentUser user, ResearchProject project) =>
        user.MemberId is { } mid && project.Team.Any(t => t.MemberId == mid);

    /// <summary>
    /// True when <paramref name="user"/> may read <paramref name="project"/>'s report (the report text, findings,
    /// suggestions, the .docx). <paramref name="siblingOfUserCommittee"/> is true when the user reaches the project only as a
    /// sibling sub-project of their own committee's sub-project (same parent): then the report is readable only once the
    /// sibling shared it (<see cref="ResearchProject.SharedAt"/>). Otherwise: whoever may read the project may read its report.
    /// The caller has already checked that the user may read the project (<see cref="VisibleTo"/>).
    /// </summary>
    public static bool CanReadReport(CurrentUser user, ResearchProject project, bool siblingOfUserCommittee) =>
        !user.IsHandlingUnit && (!siblingOfUserCommittee || user.IsAdmin || project.SharedAt is not null);

    /// <summary>
    /// True when <paramref name="user"/> reaches <paramref name="project"/> (a sub-project) only as a sibling: staff or a
    /// leader who is neither in the scope of one of its organisers nor of its parent's organisers. Used with
    /// <see cref="CanReadReport"/>.
    /// </summary>
    public static async Task<bool> IsSiblingOnlyAsync(AppDbContext db, CurrentUser user, ResearchProject project, CancellationToken ct)
    {
        if (project.ParentId is not { } parent || user.IsAdmin || IsOnTeam(user, project)) return false;
        if (user.CommitteePath is not { } p) return true;
        var ids = new[] { project.Id, parent };
        return !await db.ResearchOrganizers.AnyAsync(o => ids.Contains(o.ResearchProjectId) && o.CommitteePath.StartsWith(p), ct);
    }

    /// <summary>
    /// True when <paramref name="user"/> reaches <paramref name="project"/> (a same-topic parent) only through an invitation of
    /// their committee (or one below it) that has not joined: staff or a leader in the scope of none of its organisers and of
    /// none of its sub-projects' organisers, not on its team. They read the topic and background only (README, same-topic
    /// research): no team, plan, field work, files, report, outputs or timeline.
    /// </summary>
    public static async Task<bool> IsInviteeOnlyAsync(AppDbContext db, CurrentUser user, ResearchProject project, CancellationToken ct)
    {
        if (user.IsAdmin || project.ParentId is not null || IsOnTeam(user, project) || user.CommitteePath is not { } p || !(user.IsStaff || user.IsLeader)) return false;
        var id = project.Id;
        return !await db.ResearchOrganizers.AnyAsync(o => (o.ResearchProjectId == id || db.ResearchProjects.Any(s => s.Id == o.ResearchProjectId && s.ParentId == id))
                && o.CommitteePath.StartsWith(p), ct)
            && await db.JointResearchInvitations.AnyAsync(i => i.ParentId == id && i.CommitteePath.StartsWith(p), ct);
    }

    /// <summary>
    /// The workflow actors <paramref name="user"/> holds toward <paramref name="project"/> (organisers and team loaded):
    /// <c>office</c> (<see cref="CanManage"/>), <c>leader</c> (the leader role in the lead committee, or the administrator),
    /// <c>author</c> (the team's 执笔人).
    /// </summary>
    public static IReadOnlySet<string> Actors(CurrentUser user, ResearchProject project)
    {
        var set = new HashSet<string>();
        if (CanManage(user, project)) set.Add(ResearchWorkflow.Office);
        if (user.IsAdmin || (user.IsLeader && user.CommitteePath == project.CommitteePath)) set.Add(ResearchWorkflow.Leader);
        if (user.MemberId is { } mid && project.Team.Any(t => t.Role == TeamRole.Author && t.MemberId == mid)) set.Add(ResearchWorkflow.Author);
        return set;
    }
}
