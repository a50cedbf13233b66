using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// Research and inspection projects in an outcome chain (type <c>research</c>): title, kind (调研 / 视察) as the type name,
/// the project's status, its start day (or creation day), link <c>/research/{id}</c>. Readable by the research slice's own
/// rule, <see cref="ResearchAccess.VisibleTo"/> (organisers' scope, same-topic parents and shared siblings, the team's
/// members; never handling units) — not by the lead committee's scope alone.
/// </summary>
public sealed class ResearchWorkItemResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Research;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.ResearchProjects.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Title, p.Kind, p.Status, p.StartsOn, p.CreatedAt }).ToListAsync(ct);
        var visible = await db.ResearchProjects.Where(p => ids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return rows.Select(p => new ChainNode("research", p.Id, ResearchWorkflow.KindName(p.Kind), p.Title, ResearchWorkflow.StatusCode(p.Status),
            ResearchWorkflow.StatusName(p.Status), p.StartsOn ?? Infrastructure.ChinaTime.DayOf(p.CreatedAt), $"/research/{p.Id}", visible.Contains(p.Id))).ToList();
    }
}

/// <summary>
/// Claimed research topics in an outcome chain (type <c>topic</c>; a claim links Topic → Research): title, published or
/// closed, deadline, link the topic board at the topic. Readable by <see cref="TopicRules.VisibleTo"/>.
/// </summary>
public sealed class TopicWorkItemResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Topic;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.ResearchTopics.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Title, t.Status, t.Deadline }).ToListAsync(ct);
        var visible = await db.ResearchTopics.Where(t => ids.Contains(t.Id)).VisibleTo(user).Select(t => t.Id).ToListAsync(ct);
        return rows.Select(t => new ChainNode("topic", t.Id, OutcomeCodes.TypeName(WorkItemType.Topic), t.Title, t.Status == TopicStatus.Closed ? "closed" : "published",
            t.Status == TopicStatus.Closed ? "已关闭" : "已发布", t.Deadline, $"/topics#topic-{t.Id}", visible.Contains(t.Id))).ToList();
    }
}
