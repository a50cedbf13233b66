using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>The committees a page offers in its committee dropdown.</summary>
public static class CommitteePicker
{
    /// <summary>
    /// The top of what <paramref name="user"/> sees: their committee, or the National Committee for an administrator;
    /// with <paramref name="members"/> (the member directory) also a member's own committee; null for anyone else.
    /// </summary>
    public static async Task<Committee?> RootAsync(AppDbContext db, CurrentUser user, CancellationToken ct = default, bool members = false)
    {
        var code = user.IsAdmin ? "CN" : (user.IsStaff || user.IsLeader || (members && user.IsMember)) ? user.CommitteeCode : null;
        return code is null ? null : await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
    }

    /// <summary>True for the accounts that work with whole committees (administrators, staff, leaders), as opposed to members.</summary>
    public static bool IsOffice(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader;

    /// <summary>
    /// <paramref name="root"/> and its children; when <paramref name="selected"/> lies deeper (reached through a link),
    /// also it and its children, so the current choice is always in the list. Ordered as a tree (by path).
    /// </summary>
    public static async Task<List<Committee>> OptionsAsync(AppDbContext db, Committee root, Committee? selected, CancellationToken ct = default)
    {
        var parents = new List<int> { root.Id };
        if (selected is not null && selected.Id != root.Id && selected.ParentId != root.Id) parents.Add(selected.Id);
        var list = await db.Committees.AsNoTracking().Where(c => c.Id == root.Id || (c.ParentId != null && parents.Contains(c.ParentId.Value))).ToListAsync(ct);
        if (selected is not null && list.All(c => c.Id != selected.Id)) list.Add(selected);
        return list.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
    }
}
