using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Audit;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Retention;

/// <summary>
/// Clears personal values out of existing audit rows. The audit log is otherwise append-only (<see cref="AppDbContext"/>
/// refuses tracked edits); this is one of the two documented exceptions, with <see cref="RetentionSweeps"/>' deletion of
/// entries past their period: when personal data is erased (a member's, <c>PersonalData</c>) or expires (a citizen's
/// in a studio message), the old and new values of those properties in the entity's rows are replaced by
/// <see cref="Marker"/>; who changed what and when stays. Written with set-based updates, bypassing the interceptor.
/// </summary>
public static class AuditRedaction
{
    /// <summary>The text that replaces a cleared value: 「（已清除）」.</summary>
    public const string Marker = "（已清除）";

    private const int Batch = 500;

    /// <summary>
    /// In every audit row of <paramref name="entityType"/> (CLR type name, as the interceptor writes it) with an
    /// <see cref="AuditEntry.EntityId"/> in <paramref name="entityIds"/>, replaces the non-empty <c>old</c>/<c>new</c>
    /// values of <paramref name="properties"/> with <see cref="Marker"/>. Returns the number of rows rewritten.
    /// </summary>
    public static async Task<int> RedactAsync(AppDbContext db, string entityType, IReadOnlyCollection<string> entityIds,
        IReadOnlySet<string> properties, CancellationToken ct)
    {
        var rewritten = 0;
        foreach (var ids in entityIds.Distinct().Chunk(Batch))
        {
            var rows = await db.AuditEntries.AsNoTracking()
                .Where(a => a.EntityType == entityType && ids.Contains(a.EntityId))
                .Select(a => new { a.Id, a.Changes })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                var redacted = Redact(row.Changes, properties);
                if (redacted is null) continue;
                await db.AuditEntries.Where(a => a.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Changes, redacted), ct);
                rewritten++;
            }
        }
        return rewritten;
    }

    /// <summary>The changes JSON with the named properties' values replaced, or null when nothing needed replacing (or it is not an object).</summary>
    internal static string? Redact(string changes, IReadOnlySet<string> properties)
    {
        JsonObject? doc;
        try { doc = JsonNode.Parse(changes) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
        if (doc is null) return null;
        var changed = false;
        foreach (var name in properties)
        {
            if (doc[name] is not JsonObject values) continue;
            foreach (var side in new[] { "old", "new" })
            {
                if (values[side] is not JsonValue v) continue;
                if (v.GetValueKind() == System.Text.Json.JsonValueKind.String && (v.GetValue<string>() is "" or Marker)) continue;
                values[side] = Marker;
                changed = true;
            }
        }
        return changed ? doc.ToJsonString(AuditInterceptor.Json) : null;
    }
}
