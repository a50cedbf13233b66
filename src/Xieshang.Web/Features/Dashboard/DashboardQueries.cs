using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Dashboard;

/// <summary>A labelled count (a sector, a position or a party and its active members).</summary>
public sealed record CountRow(string Key, string Label, int Count);

/// <summary>A committee directly below the dashboard's committee, with the active members of its whole subtree.</summary>
public sealed record ChildCount(string Code, string Name, int Members);

/// <summary>One recent change to a member: who, when, what (<c>Added</c>/<c>Modified</c>/<c>Deleted</c>) and which fields.</summary>
public sealed record RecentChange(DateTimeOffset At, string UserName, string Action, int? MemberId, string MemberName, IReadOnlyList<string> Fields);

/// <summary>What the home page shows an office account (staff, leader, administrator) about one committee.</summary>
public sealed record CommitteeDashboard(
    Committee Committee, int ActiveMembers, int ActiveInSubtree, IReadOnlyList<CountRow> BySector, IReadOnlyList<CountRow> ByPosition,
    IReadOnlyList<CountRow> ByParty, IReadOnlyList<ChildCount> Children, IReadOnlyList<RecentChange> Recent);

/// <summary>The numbers of the home page. Callers check scope (<see cref="Scope.CanRead"/>) on the committee first.</summary>
public static class DashboardQueries
{
    /// <summary>Counts of the committee's own active members by sector, position and party; its children; the last 10 member changes in its subtree.</summary>
    public static async Task<CommitteeDashboard> LoadAsync(AppDbContext db, Committee c, CancellationToken ct = default)
    {
        var own = db.Members.AsNoTracking().Where(m => m.CommitteeId == c.Id && m.IsActive);
        var active = await own.CountAsync(ct);
        var inSubtree = await db.Members.CountAsync(m => m.IsActive && m.CommitteePath.StartsWith(c.Path), ct);

        var sectorCounts = await own.GroupBy(m => m.SectorId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var sectors = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder).ToListAsync(ct);
        var bySector = sectors.Where(s => sectorCounts.ContainsKey(s.Id))
            .Select(s => new CountRow(s.Id.ToString(), s.Name, sectorCounts[s.Id])).ToList();

        var positionCounts = await own.GroupBy(m => m.Position).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var byPosition = positionCounts.OrderBy(x => x.Key).Select(x => new CountRow(x.Key.ToString(), x.Key.ToString(), x.Count)).ToList();

        var partyCounts = await own.GroupBy(m => m.PartyCode).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var byParty = (await db.Parties.AsNoTracking().OrderBy(p => p.SortOrder).ToListAsync(ct))
            .Where(p => partyCounts.ContainsKey(p.Code)).Select(p => new CountRow(p.Code, p.ShortName, partyCounts[p.Code])).ToList();

        var children = await db.Committees.AsNoTracking().Where(x => x.ParentId == c.Id).OrderBy(x => x.Path)
            .Select(x => new ChildCount(x.Code, x.Name, db.Members.Count(m => m.IsActive && m.CommitteePath.StartsWith(x.Path))))
            .ToListAsync(ct);

        return new CommitteeDashboard(c, active, inSubtree, bySector, byPosition, byParty, children, await RecentAsync(db, c.Path, ct));
    }

    /// <summary>The last <paramref name="take"/> audit entries about members whose committee is within <paramref name="scopePath"/>.</summary>
    public static async Task<IReadOnlyList<RecentChange>> RecentAsync(AppDbContext db, string scopePath, CancellationToken ct = default, int take = 10)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == nameof(Member) && a.CommitteePath != null && a.CommitteePath.StartsWith(scopePath))
            .OrderByDescending(a => a.Id).Take(take).ToListAsync(ct);
        var ids = entries.Select(e => int.TryParse(e.EntityId, out var id) ? id : 0).Where(id => id > 0).Distinct().ToList();
        var names = await db.Members.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        return entries.Select(e =>
        {
            var (fields, name) = Describe(e.Changes);
            int? id = int.TryParse(e.EntityId, out var v) ? v : null;
            return new RecentChange(e.At, e.UserName, e.Action, id, id is { } i && names.TryGetValue(i, out var n) ? n : name ?? "", fields);
        }).ToList();
    }

    /// <summary>Changed field names and the member's name (new value, else old) from an audit <c>Changes</c> JSON object.</summary>
    private static (IReadOnlyList<string> Fields, string? Name) Describe(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return ([], null);
            string? name = null;
            if (doc.RootElement.TryGetProperty(nameof(Member.Name), out var n) && n.ValueKind == JsonValueKind.Object)
                name = (n.TryGetProperty("new", out var v) || n.TryGetProperty("old", out v)) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (doc.RootElement.EnumerateObject().Select(p => p.Name).ToList(), name);
        }
        catch (JsonException)
        {
            return ([], null);
        }
    }
}
