using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Reading;

/// <summary>
/// Who sees and changes reading groups (书香政协) — one rule for lists, the detail, stats and every action and page:
/// <list type="bullet">
/// <item>the administrator sees and manages everything;</item>
/// <item>staff see and manage the groups of their committee and the committees below (<see cref="Scope.CanManage"/>);
/// leaders see them (<see cref="Scope.CanRead"/> for office accounts) without managing;</item>
/// <item>a member sees the groups they belong to; the group's leader (领读人) also sets the plan and features notes;</item>
/// <item>handling units see nothing.</item>
/// </list>
/// </summary>
public static class ReadingAccess
{
    /// <summary>The groups <paramref name="user"/> may see.</summary>
    public static IQueryable<ReadingGroup> VisibleTo(this IQueryable<ReadingGroup> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(g => g.CommitteePath.StartsWith(p));
        if (user.IsMember && user.MemberId is { } mid) return q.Where(g => g.Members.Any(m => m.MemberId == mid));
        return q.Where(g => false);
    }

    /// <summary>True when <paramref name="user"/> manages <paramref name="g"/> (staff in scope or the administrator).</summary>
    public static bool CanManage(CurrentUser user, ReadingGroup g) => Scope.CanManage(user, g.CommitteePath);

    /// <summary>True when <paramref name="user"/> is the group's leader (领读人).</summary>
    public static bool IsLeader(CurrentUser user, ReadingGroup g) => user.IsMember && user.MemberId == g.LeaderId;

    /// <summary>True when <paramref name="user"/> is a member of the group (<see cref="ReadingGroup.Members"/> loaded).</summary>
    public static bool IsMember(CurrentUser user, ReadingGroup g) => user.IsMember && user.MemberId is { } mid && g.Members.Any(m => m.MemberId == mid);

    /// <summary>True when <paramref name="user"/> sets the plan and features notes: the leader or staff in scope.</summary>
    public static bool CanLead(CurrentUser user, ReadingGroup g) => IsLeader(user, g) || CanManage(user, g);

    /// <summary>
    /// The group <paramref name="id"/> with its members (tracked) when <paramref name="user"/> may see it; otherwise 404 —
    /// the same neutral message whether there is none or it lies outside what the user may see (its existence is not
    /// revealed, as for courses and lectures). A member refused a leader-only action gets 403 from the rule itself.
    /// </summary>
    public static async Task<(ReadingGroup? Group, RuleError? Refused)> FindAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct)
    {
        var g = await db.ReadingGroups.Where(x => x.Id == id).VisibleTo(user).Include(x => x.Members).FirstOrDefaultAsync(ct);
        return g is null ? (null, RuleError.NotFound("没有这个读书小组，或您无权查看。")) : (g, null);
    }
}
