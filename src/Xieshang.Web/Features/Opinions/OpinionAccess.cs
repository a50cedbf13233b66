using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Opinions;

/// <summary>
/// Who sees a public-opinion item or a bulletin issue — the one filter every list, detail, page and export uses:
/// <list type="bullet">
/// <item>the administrator sees everything;</item>
/// <item>staff and leaders see the items of their committee's subtree once submitted (drafts stay with the author;
/// a district never sees another district's items), and the items they entered themselves;</item>
/// <item>a member sees the items they wrote, co-wrote or that were entered for them;</item>
/// <item>a handling unit sees none.</item>
/// </list>
/// Bulletins: staff and leaders see their subtree's issued bulletins and their own committee's drafts; members and
/// units none.
/// </summary>
public static class OpinionAccess
{
    /// <summary>The items <paramref name="user"/> may see.</summary>
    public static IQueryable<OpinionItem> VisibleTo(this IQueryable<OpinionItem> q, AppDbContext db, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        var uid = user.UserId;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
            return q.Where(x => (x.CommitteePath.StartsWith(p) && x.SubmittedAt != null) || x.CreatedByUserId == uid);
        if (user.IsMember && user.MemberId is { } mid)
            return q.Where(x => x.AuthorMemberId == mid || x.CreatedByUserId == uid
                || db.OpinionCoAuthors.Any(c => c.OpinionItemId == x.Id && c.MemberId == mid));
        return q.Where(x => false);
    }

    /// <summary>The bulletin issues <paramref name="user"/> may see.</summary>
    public static IQueryable<OpinionBulletin> VisibleTo(this IQueryable<OpinionBulletin> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p)
        {
            var uid = user.UserId;
            return q.Where(b => (b.CommitteePath.StartsWith(p) && (b.Status == BulletinStatus.Issued || b.CommitteePath == p)) || b.CreatedByUserId == uid);
        }
        return q.Where(b => false);
    }

    /// <summary>True when <paramref name="user"/> manages the item's committee (the office role).</summary>
    public static bool IsOffice(CurrentUser user, OpinionItem item) => Scope.CanManage(user, item.CommitteePath);

    /// <summary>True when <paramref name="user"/> is the author of <paramref name="item"/> (the member, or the account that entered it).</summary>
    public static bool IsAuthor(CurrentUser user, OpinionItem item) =>
        user.IsAuthenticated && ((item.AuthorMemberId is { } m && user.MemberId == m) || (user.UserId.Length > 0 && item.CreatedByUserId == user.UserId));

    /// <summary>The roles (<see cref="OpinionActors"/>) <paramref name="user"/> holds toward <paramref name="item"/>.</summary>
    public static HashSet<string> Actors(OpinionItem item, CurrentUser user)
    {
        var actors = new HashSet<string>(StringComparer.Ordinal);
        if (IsAuthor(user, item)) actors.Add(OpinionActors.Author);
        if (IsOffice(user, item)) actors.Add(OpinionActors.Office);
        return actors;
    }

    /// <summary>True when <paramref name="user"/> may see item <paramref name="id"/>.</summary>
    public static Task<bool> CanSeeAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct) =>
        db.OpinionItems.Where(x => x.Id == id).VisibleTo(db, user).AnyAsync(ct);
}
