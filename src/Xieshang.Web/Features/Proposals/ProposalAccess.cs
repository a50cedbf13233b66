using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Who sees a proposal and which roles they hold toward it — the one place every proposal list, search, similar
/// query, export, statistic and notification filters through (DOMAIN.md §3):
/// <list type="bullet">
/// <item>the administrator sees everything;</item>
/// <item>staff and leaders see their committee's subtree once a proposal is submitted (drafts and co-signing stay
/// with the proposers; a district never sees another district's proposals);</item>
/// <item>a member sees their own proposals, those they were asked to co-sign, and the filed proposals of their committee;</item>
/// <item>a handling unit sees only proposals with an assignment to it that it has not returned;</item>
/// <item>the public sees filed proposals only (<see cref="Public"/>), and public replies only.</item>
/// </list>
/// </summary>
public static class ProposalAccess
{
    /// <summary>States from filing on (what members of the committee and the public may see).</summary>
    public static readonly ProposalStatus[] FiledStates =
        Enum.GetValues<ProposalStatus>().Where(ProposalWorkflow.IsFiled).ToArray();

    /// <summary>The proposals <paramref name="user"/> may see.</summary>
    public static IQueryable<Proposal> VisibleTo(this IQueryable<Proposal> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
        {
            // Member proposals from the moment they reach the office (SubmittedAt: drafts, co-signing and proposals withdrawn
            // before submission stay with their proposers); collective proposals, which the office itself enters, always.
            // The filtered index IX_Proposals_Office holds exactly these rows, so scope counts read the index alone.
            return q.Where(x => x.CommitteePath.StartsWith(p) && (x.SubmittedAt != null || x.ProposerMemberId == null));
        }
        if (user.IsMember && user.MemberId is { } mid && user.CommitteePath is { } own)
            return q.Where(x => x.ProposerMemberId == mid
                || (x.Status != ProposalStatus.Draft && (x.Status != ProposalStatus.Withdrawn || x.CoSignDeadline != null || x.SubmittedAt != null)
                    && db.ProposalCoSigners.Any(c => c.ProposalId == x.Id && c.MemberId == mid))
                || (x.CommitteePath == own && FiledStates.Contains(x.Status)));
        if (user.IsHandlingUnit && user.HandlingUnitId is { } unit)
            return q.Where(x => db.Assignments.Any(a => a.ProposalId == x.Id && a.HandlingUnitId == unit && a.Status != AssignmentStatus.Returned));
        return q.Where(x => false);
    }

    /// <summary>Filed proposals: what the no-login public view lists.</summary>
    public static IQueryable<Proposal> Public(this IQueryable<Proposal> q) => q.Where(x => FiledStates.Contains(x.Status));

    /// <summary>True when <paramref name="user"/> manages the proposal's committee (the proposals office role).</summary>
    public static bool IsOffice(CurrentUser user, Proposal p) => Scope.CanManage(user, p.CommitteePath);

    /// <summary>
    /// The roles (<see cref="ProposalActors"/>) <paramref name="user"/> holds toward <paramref name="p"/> now:
    /// proposer, pending co-signer, office, supervising leader, replying unit, co-unit. Empty for a stranger.
    /// </summary>
    public static async Task<HashSet<string>> ActorsAsync(AppDbContext db, Proposal p, CurrentUser user, CancellationToken ct)
    {
        var actors = new HashSet<string>(StringComparer.Ordinal);
        if (!user.IsAuthenticated) return actors;
        if ((p.ProposerMemberId is { } pm && user.MemberId == pm) || (p.ProposerMemberId is null && p.CreatedByUserId == user.UserId))
            actors.Add(ProposalActors.Proposer);
        if (user.MemberId is { } mid
            && await db.ProposalCoSigners.AnyAsync(c => c.ProposalId == p.Id && c.MemberId == mid && c.Status == CoSignStatus.Pending, ct))
            actors.Add(ProposalActors.CoSigner);
        if (IsOffice(user, p)) actors.Add(ProposalActors.Office);
        if (p.IsKey && p.KeyLeaderUserId is { } leader && leader == user.UserId) actors.Add(ProposalActors.Supervisor);
        if (user.IsHandlingUnit && user.HandlingUnitId is { } unit)
        {
            var roles = await db.Assignments.Where(a => a.ProposalId == p.Id && a.HandlingUnitId == unit && a.Status == AssignmentStatus.Active)
                .Select(a => a.Role).ToListAsync(ct);
            if (roles.Any(r => r != AssignmentRole.CoUnit)) actors.Add(ProposalActors.Unit);
            if (roles.Contains(AssignmentRole.CoUnit)) actors.Add(ProposalActors.CoUnit);
        }
        return actors;
    }

    /// <summary>True when <paramref name="user"/> may see <paramref name="proposalId"/> (one query through <see cref="VisibleTo"/>).</summary>
    public static Task<bool> CanSeeAsync(AppDbContext db, int proposalId, CurrentUser user, CancellationToken ct) =>
        db.Proposals.Where(x => x.Id == proposalId).VisibleTo(db, user).AnyAsync(ct);
}
