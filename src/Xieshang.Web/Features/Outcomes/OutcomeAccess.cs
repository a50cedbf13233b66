using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// Who sees and changes outcomes — committee scope (DOMAIN.md §3) in one place, used by every list, detail, file and
/// page of the slice:
/// <list type="bullet">
/// <item>the administrator sees and changes everything;</item>
/// <item>staff see the outcomes of their committee and the committees below it and change them (adoption, instructions,
/// milestones, progress, feedback); leaders read them;</item>
/// <item>the account of the responsible department (<see cref="Outcome.ResponsibleUnitId"/>, role <c>unit</c>) sees its
/// own outcomes and reports progress on them, nothing else;</item>
/// <item>a member sees the outcomes they are credited with (<see cref="Outcome.MemberIds"/>);</item>
/// <item>anyone who may read an outcome's source (a member invited to the consultation, say) may read the outcome
/// (<see cref="CanReadAsync"/>; the source's own access rule decides, through <see cref="OutcomeChain"/>).</item>
/// </list>
/// </summary>
public static class OutcomeAccess
{
    /// <summary>The outcomes <paramref name="user"/> may list (without the source rule).</summary>
    public static IQueryable<Outcome> VisibleTo(this IQueryable<Outcome> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(o => o.CommitteePath.StartsWith(p));
        if (user.IsHandlingUnit && user.HandlingUnitId is { } u) return q.Where(o => o.ResponsibleUnitId == u);
        if (user.IsMember && user.MemberId is { } m) return q.Where(o => o.MemberIds.Contains(m));
        return q.Where(o => false);
    }

    /// <summary>True when <paramref name="user"/> changes <paramref name="o"/> (staff in scope, administrator).</summary>
    public static bool CanManage(CurrentUser user, Outcome o) => Scope.CanManage(user, o.CommitteePath);

    /// <summary>True when <paramref name="user"/> is the account of the outcome's responsible department.</summary>
    public static bool IsResponsibleUnit(CurrentUser user, Outcome o) =>
        user.IsHandlingUnit && user.HandlingUnitId is { } u && o.ResponsibleUnitId == u;

    /// <summary>True when <paramref name="user"/> may report progress on <paramref name="o"/>: staff in scope or the responsible department.</summary>
    public static bool CanReport(CurrentUser user, Outcome o) => CanManage(user, o) || IsResponsibleUnit(user, o);

    /// <summary>
    /// The outcomes of <paramref name="q"/> (already filtered by committee, status, kind) that <paramref name="user"/> may read,
    /// newest first, at most <paramref name="take"/>: the same rule as <see cref="CanReadAsync"/> — those of <see cref="VisibleTo"/>
    /// and those whose source the user may read (looked at among the newest 2,000). Used by every list (API and page), so a
    /// list holds exactly the outcomes whose detail opens.
    /// </summary>
    public static async Task<List<Outcome>> ReadableAsync(AppDbContext db, CurrentUser user, IQueryable<Outcome> q, IEnumerable<IWorkItemResolver> resolvers,
        int take, CancellationToken ct)
    {
        if (!user.IsAuthenticated) return [];
        var ordered = q.OrderByDescending(o => o.UpdatedAt).ThenByDescending(o => o.Id);
        if (user.IsAdmin) return await ordered.Take(take).ToListAsync(ct);
        var candidates = await ordered.Take(2000).ToListAsync(ct);
        var ids = candidates.Select(o => o.Id).ToList();
        var visible = (await q.Where(o => ids.Contains(o.Id)).VisibleTo(user).Select(o => o.Id).ToListAsync(ct)).ToHashSet();
        var others = candidates.Where(o => !visible.Contains(o.Id)).Select(o => (o.SourceType, o.SourceId)).Distinct().ToList();
        var sources = others.Count == 0 ? [] : await OutcomeChain.ResolveAsync(db, user, resolvers, others, ct);
        return candidates.Where(o => visible.Contains(o.Id)
            || (sources.TryGetValue((OutcomeCodes.TypeCode(o.SourceType), o.SourceId), out var n) && n.Readable)).Take(take).ToList();
    }

    /// <summary>True when <paramref name="user"/> may read <paramref name="o"/>: listed by <see cref="VisibleTo"/>, or its source is readable.</summary>
    public static async Task<bool> CanReadAsync(AppDbContext db, CurrentUser user, Outcome o, IEnumerable<IWorkItemResolver> resolvers, CancellationToken ct)
    {
        if (!user.IsAuthenticated) return false;
        if (await db.Outcomes.Where(x => x.Id == o.Id).VisibleTo(user).AnyAsync(ct)) return true;
        var source = await OutcomeChain.ResolveAsync(db, user, resolvers, [(o.SourceType, o.SourceId)], ct);
        return source.Values.Any(n => n.Readable);
    }
}
