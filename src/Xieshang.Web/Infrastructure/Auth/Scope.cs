using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>
/// Committee scope, the platform's most important security rule (DOMAIN.md §3), in one place.
/// Staff and leaders see their committee and every committee below it (path prefix); staff manage
/// them, leaders only read; a member reads their own committee's roster (contacts masked) and their
/// own record; a handling unit sees no members; the administrator sees everything.
/// </summary>
public static class Scope
{
    /// <summary>Operation: read a committee's data.</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = nameof(Read) };
    /// <summary>Operation: create, edit, import into a committee.</summary>
    public static readonly OperationAuthorizationRequirement Manage = new() { Name = nameof(Manage) };

    /// <summary>True when <paramref name="user"/> may read data of the committee at <paramref name="committeePath"/>.</summary>
    public static bool CanRead(CurrentUser user, string committeePath) =>
        user.IsAdmin
        || ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p && committeePath.StartsWith(p, StringComparison.Ordinal))
        || (user.IsMember && user.CommitteePath == committeePath);

    /// <summary>True when <paramref name="user"/> may change data of the committee at <paramref name="committeePath"/>.</summary>
    public static bool CanManage(CurrentUser user, string committeePath) =>
        user.IsAdmin || (user.IsStaff && user.CommitteePath is { } p && committeePath.StartsWith(p, StringComparison.Ordinal));

    /// <summary>True when <paramref name="user"/> sees the member's contact details and birth month unmasked.</summary>
    public static bool SeesContacts(CurrentUser user, Member m) => CanManage(user, m.CommitteePath) || user.MemberId == m.Id;

    /// <summary>The members <paramref name="user"/> may see: the one filter every member list, search and export uses.</summary>
    public static IQueryable<Member> VisibleTo(this IQueryable<Member> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(m => m.CommitteePath.StartsWith(p));
        if (user.IsMember && user.CommitteePath is { } own) return q.Where(m => m.CommitteePath == own);
        return q.Where(m => false);
    }

    /// <summary>The committees <paramref name="user"/> may read (their subtree; administrators: all).</summary>
    public static IQueryable<Committee> VisibleTo(this IQueryable<Committee> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(c => c.Path.StartsWith(p));
        if (user.IsMember && user.CommitteePath is { } own) return q.Where(c => c.Path == own);
        return q.Where(c => false);
    }
}

/// <summary>The one resource-based handler for committee scope: <c>AuthorizeAsync(user, committee, Scope.Read | Scope.Manage)</c>.</summary>
public sealed class CommitteeScopeHandler : AuthorizationHandler<OperationAuthorizationRequirement, Committee>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement, Committee resource)
    {
        var user = CurrentUser.From(context.User);
        var ok = requirement.Name switch
        {
            nameof(Scope.Read) => Scope.CanRead(user, resource.Path),
            nameof(Scope.Manage) => Scope.CanManage(user, resource.Path),
            _ => false,
        };
        if (ok) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
