using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// One node of a chain: type code (a <see cref="OutcomeCodes.Types"/> code, or <c>reply</c> for a proposal's reply), id,
/// type name, title, status code and name, China date, page link. A node the viewer may not read has
/// <c>Readable</c> false, no title, status or date, and the text 「（无权查看）」 in <c>Label</c>.
/// </summary>
public sealed record ChainNode(string Type, int Id, string TypeName, string? Title, string Status, string StatusName, DateOnly? Date, string Link, bool Readable)
{
    /// <summary>What the chain shows: the title, or 「（无权查看）」.</summary>
    public string Label => Readable ? Title ?? "" : OutcomeChain.Hidden;

    /// <summary>The node as the viewer may see it (no title, status, date or link when not readable).</summary>
    public ChainNode Masked() => Readable ? this : this with { Title = null, Status = "", StatusName = "", Date = null, Link = "" };
}

/// <summary>An edge of a chain: <c>From</c> led to <c>To</c>.</summary>
public sealed record ChainEdge(string FromType, int FromId, string ToType, int ToId);

/// <summary>The chain around one work item (<c>GET /api/chain/{type}/{id}</c>): nodes (the root first) and edges.</summary>
public sealed record ChainDto(string RootType, int RootId, IReadOnlyList<ChainNode> Nodes, IReadOnlyList<ChainEdge> Edges);

/// <summary>
/// Describes work items of one <see cref="WorkItemType"/> for the chain: title, status, date, link and whether the viewer
/// may read each (by that slice's own access rule). The outcomes slice has resolvers for proposals, public-opinion items,
/// consultations, outcomes and activities; research projects and topics (Features/Research/ResearchWorkItemResolver.cs),
/// studio messages and studios (Features/Studios/StudioWorkItemResolvers.cs) live in their slices and use those slices'
/// rules. Each is registered with one <c>services.AddScoped&lt;IWorkItemResolver, …&gt;()</c> line in
/// <see cref="OutcomesSetup.AddOutcomes"/>. A type without a resolver is shown as a node the viewer may not read.
/// </summary>
public interface IWorkItemResolver
{
    /// <summary>The type this resolver describes.</summary>
    WorkItemType Type { get; }

    /// <summary>The nodes for <paramref name="ids"/> that exist (unknown ids are left out), each with <c>Readable</c> for <paramref name="user"/>.</summary>
    Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct);
}

/// <summary>
/// The chain view (DOMAIN.md §4.8): from a studio message or a research trip to the proposal, the reply, the adoption and
/// the implemented measure, both ways. Starting from any work item it follows <see cref="WorkLink"/>s in both directions
/// and the implicit edges: an outcome's source (<see cref="Outcome.SourceType"/>/<see cref="Outcome.SourceId"/>); a
/// proposal's replies (nodes of type <c>reply</c> with their class) and, from its A/B replies, its
/// <see cref="OutcomeKind.ProposalReply"/> outcome; a proposal turned into a public-opinion item; a consultation's outcomes.
/// At most <see cref="MaxNodes"/> nodes. Every node is scope-checked by its own slice's rule (<see cref="IWorkItemResolver"/>).
/// </summary>
public static class OutcomeChain
{
    /// <summary>Text of a node the viewer may not read.</summary>
    public const string Hidden = "（无权查看）";

    /// <summary>Type code of a proposal's reply node.</summary>
    public const string ReplyType = "reply";

    /// <summary>Largest number of nodes a chain shows.</summary>
    public const int MaxNodes = 60;

    /// <summary>The page of a work item.</summary>
    public static string Link(WorkItemType type, int id) => type switch
    {
        WorkItemType.Research => $"/research/{id}",
        WorkItemType.StudioMessage => $"/outcomes/chain/studio-message/{id}",
        WorkItemType.Proposal => $"/proposals/{id}",
        WorkItemType.OpinionItem => $"/opinions/{id}",
        WorkItemType.Consultation => $"/consultations/{id}",
        WorkItemType.Outcome => $"/outcomes/{id}",
        WorkItemType.Activity => $"/activities/{id}",
        WorkItemType.Topic => $"/topics/{id}",
        _ => $"/studios/{id}",
    };

    private static string Code(WorkItemType t) => OutcomeCodes.TypeCode(t);

    /// <summary>
    /// Resolves <paramref name="items"/> through the registered resolvers: every requested item gets a node; items of a type
    /// without a resolver, or that do not exist, are not readable.
    /// </summary>
    public static async Task<Dictionary<(string Type, int Id), ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers,
        IReadOnlyCollection<(WorkItemType Type, int Id)> items, CancellationToken ct)
    {
        var result = new Dictionary<(string, int), ChainNode>();
        foreach (var g in items.GroupBy(i => i.Type))
        {
            var ids = g.Select(i => i.Id).Distinct().ToList();
            var found = resolvers.FirstOrDefault(r => r.Type == g.Key) is { } r ? await r.ResolveAsync(db, user, ids, ct) : [];
            foreach (var id in ids)
                result[(Code(g.Key), id)] = found.FirstOrDefault(n => n.Id == id)
                    ?? new ChainNode(Code(g.Key), id, OutcomeCodes.TypeName(g.Key), null, "", "", null, "", false);
        }
        return result;
    }

    /// <summary>The chain around <paramref name="type"/> <paramref name="id"/> as <paramref name="user"/> may see it.</summary>
    public static async Task<ChainDto> BuildAsync(AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, WorkItemType type, int id, CancellationToken ct)
    {
        var root = (Code(type), id);
        var seen = new List<(string Type, int Id)> { root };
        var edges = new HashSet<ChainEdge>();
        var frontier = new List<(string Type, int Id)> { root };
        while (frontier.Count > 0 && seen.Count < MaxNodes)
        {
            var next = new List<(string, int)>();
            foreach (var e in await NeighboursAsync(db, frontier, ct))
            {
                edges.Add(e);
                foreach (var n in new[] { (e.FromType, e.FromId), (e.ToType, e.ToId) })
                    if (!seen.Contains(n) && seen.Count < MaxNodes) { seen.Add(n); next.Add(n); }
            }
            frontier = next;
        }
        var typed = seen.Where(n => n.Type != ReplyType).Select(n => (OutcomeCodes.ParseType(n.Type)!.Value, n.Id)).ToList();
        var nodes = await ResolveAsync(db, user, resolvers, typed, ct);
        foreach (var r in await ReplyNodesAsync(db, user, seen.Where(n => n.Type == ReplyType).Select(n => n.Id).ToList(), ct)) nodes[(ReplyType, r.Id)] = r;
        // Items that do not exist (a link to a deleted item, an outcome whose source is gone) are left out, with their edges;
        // the root always stays. Items of a type without a resolver stay as nodes the viewer may not read.
        var described = resolvers.Select(r => Code(r.Type)).ToHashSet();
        var shown = seen.Where(n => nodes.TryGetValue(n, out var x) && (n == root || x.Title is not null || x.Readable || !described.Contains(n.Type))).ToHashSet();
        var list = seen.Where(shown.Contains).Select(n => nodes[n].Masked()).ToList();
        return new ChainDto(root.Item1, id, list, edges.Where(e => shown.Contains((e.FromType, e.FromId)) && shown.Contains((e.ToType, e.ToId))).ToList());
    }

    /// <summary>The edges touching any of <paramref name="frontier"/>.</summary>
    private static async Task<List<ChainEdge>> NeighboursAsync(AppDbContext db, IReadOnlyList<(string Type, int Id)> frontier, CancellationToken ct)
    {
        var edges = new List<ChainEdge>();
        foreach (var g in frontier.GroupBy(n => n.Type))
        {
            var ids = g.Select(n => n.Id).Distinct().ToList();
            if (g.Key == ReplyType)
            {
                var replies = await db.Replies.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.ProposalId, r.Class }).ToListAsync(ct);
                var pids = replies.Select(r => r.ProposalId).ToList();
                var outcomes = await db.Outcomes.Where(o => o.Kind == OutcomeKind.ProposalReply && o.SourceType == WorkItemType.Proposal && pids.Contains(o.SourceId))
                    .Select(o => new { o.Id, o.SourceId }).ToListAsync(ct);
                foreach (var r in replies)
                {
                    edges.Add(new(Code(WorkItemType.Proposal), r.ProposalId, ReplyType, r.Id));
                    if (r.Class != ReplyClass.C)
                        edges.AddRange(outcomes.Where(o => o.SourceId == r.ProposalId).Select(o => new ChainEdge(ReplyType, r.Id, Code(WorkItemType.Outcome), o.Id)));
                }
                continue;
            }
            var type = OutcomeCodes.ParseType(g.Key)!.Value;
            var links = await db.WorkLinks.AsNoTracking().Where(l => (l.FromType == type && ids.Contains(l.FromId)) || (l.ToType == type && ids.Contains(l.ToId)))
                .Select(l => new { l.FromType, l.FromId, l.ToType, l.ToId }).ToListAsync(ct);
            edges.AddRange(links.Select(l => new ChainEdge(Code(l.FromType), l.FromId, Code(l.ToType), l.ToId)));
            if (type == WorkItemType.Outcome)
            {
                var outcomes = await db.Outcomes.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => new { o.Id, o.Kind, o.SourceType, o.SourceId }).ToListAsync(ct);
                foreach (var o in outcomes)
                {
                    if (o.Kind == OutcomeKind.ProposalReply && o.SourceType == WorkItemType.Proposal)
                    {
                        // Proposal → reply (A/B) → outcome: the outcome hangs from the replies that made it.
                        var replyIds = await db.Replies.Where(r => r.ProposalId == o.SourceId && r.Class != ReplyClass.C).Select(r => r.Id).ToListAsync(ct);
                        edges.AddRange(replyIds.Select(r => new ChainEdge(ReplyType, r, Code(WorkItemType.Outcome), o.Id)));
                        if (replyIds.Count > 0) continue;
                    }
                    edges.Add(new(Code(o.SourceType), o.SourceId, Code(WorkItemType.Outcome), o.Id));
                }
                continue;
            }
            var produced = await db.Outcomes.AsNoTracking().Where(o => o.SourceType == type && ids.Contains(o.SourceId) && o.Kind != OutcomeKind.ProposalReply)
                .Select(o => new { o.Id, o.SourceId }).ToListAsync(ct);
            edges.AddRange(produced.Select(o => new ChainEdge(g.Key, o.SourceId, Code(WorkItemType.Outcome), o.Id)));
            if (type == WorkItemType.Proposal)
            {
                var replies = await db.Replies.AsNoTracking().Where(r => ids.Contains(r.ProposalId)).Select(r => new { r.Id, r.ProposalId }).ToListAsync(ct);
                edges.AddRange(replies.Select(r => new ChainEdge(g.Key, r.ProposalId, ReplyType, r.Id)));
                var noReply = ids.Except(replies.Select(r => r.ProposalId)).ToList();
                var orphan = await db.Outcomes.AsNoTracking().Where(o => o.Kind == OutcomeKind.ProposalReply && o.SourceType == WorkItemType.Proposal && noReply.Contains(o.SourceId))
                    .Select(o => new { o.Id, o.SourceId }).ToListAsync(ct);
                edges.AddRange(orphan.Select(o => new ChainEdge(g.Key, o.SourceId, Code(WorkItemType.Outcome), o.Id)));
                var converted = await db.Proposals.AsNoTracking().Where(p => ids.Contains(p.Id) && p.ConvertedOpinionId != null).Select(p => new { p.Id, p.ConvertedOpinionId }).ToListAsync(ct);
                edges.AddRange(converted.Select(p => new ChainEdge(g.Key, p.Id, Code(WorkItemType.OpinionItem), p.ConvertedOpinionId!.Value)));
            }
            if (type == WorkItemType.OpinionItem)
            {
                var from = await db.OpinionItems.AsNoTracking().Where(i => ids.Contains(i.Id) && i.SourceProposalId != null).Select(i => new { i.Id, i.SourceProposalId }).ToListAsync(ct);
                edges.AddRange(from.Select(i => new ChainEdge(Code(WorkItemType.Proposal), i.SourceProposalId!.Value, g.Key, i.Id)));
            }
        }
        return edges;
    }

    /// <summary>Reply nodes: the unit and class as title, readable when the proposal is.</summary>
    private static async Task<List<ChainNode>> ReplyNodesAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var replies = await db.Replies.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.ProposalId, r.Class, r.Round, r.RepliedAt, Unit = r.HandlingUnit!.Name }).ToListAsync(ct);
        var pids = replies.Select(r => r.ProposalId).Distinct().ToList();
        var visible = await db.Proposals.Where(p => pids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return replies.Select(r => new ChainNode(ReplyType, r.Id, "答复", $"{r.Unit}答复{(r.Round > 1 ? "（再次办理）" : "")}", r.Class.ToString(),
            ProposalRules.ClassName(r.Class), ChinaTime.DayOf(r.RepliedAt), $"/proposals/{r.ProposalId}", visible.Contains(r.ProposalId))).ToList();
    }
}

/// <summary>Proposals in a chain: number and title, state, filing (or creation) day; readable by <see cref="ProposalAccess.VisibleTo"/>.</summary>
public sealed class ProposalResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Proposal;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.Proposals.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Number, p.Title, p.Status, p.FiledAt, p.CreatedAt }).ToListAsync(ct);
        var visible = await db.Proposals.Where(p => ids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return rows.Select(p => new ChainNode("proposal", p.Id, "提案", p.Number.Length > 0 ? $"{p.Number} {p.Title}" : p.Title, ProposalWorkflow.StateCode(p.Status),
            ProposalWorkflow.StateName(p.Status), ChinaTime.DayOf(p.FiledAt ?? p.CreatedAt), $"/proposals/{p.Id}", visible.Contains(p.Id))).ToList();
    }
}

/// <summary>Public-opinion items in a chain; readable by <see cref="OpinionAccess.VisibleTo(IQueryable{OpinionItem}, AppDbContext, CurrentUser)"/>.</summary>
public sealed class OpinionResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.OpinionItem;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.OpinionItems.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Title, p.Status, p.SubmittedAt, p.CreatedAt }).ToListAsync(ct);
        var visible = await db.OpinionItems.Where(p => ids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return rows.Select(p => new ChainNode("opinion", p.Id, "社情民意", p.Title, OpinionWorkflow.StateCode(p.Status), OpinionWorkflow.StateName(p.Status),
            ChinaTime.DayOf(p.SubmittedAt ?? p.CreatedAt), $"/opinions/{p.Id}", visible.Contains(p.Id))).ToList();
    }
}

/// <summary>Consultations in a chain; readable by <see cref="ConsultationAccess.VisibleTo(IQueryable{Consultation}, AppDbContext, CurrentUser)"/>.</summary>
public sealed class ConsultationResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Consultation;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.Consultations.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Title, p.Status, p.MeetingAt, p.CreatedAt }).ToListAsync(ct);
        var visible = await db.Consultations.Where(p => ids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return rows.Select(p => new ChainNode("consultation", p.Id, "协商", p.Title, ConsultationWorkflow.StatusCode(p.Status), ConsultationWorkflow.StatusName(p.Status),
            ChinaTime.DayOf(p.MeetingAt ?? p.CreatedAt), $"/consultations/{p.Id}", visible.Contains(p.Id))).ToList();
    }
}

/// <summary>Activities in a chain (field work, reception days); readable by <see cref="ActivityAccess.VisibleTo"/>.</summary>
public sealed class ActivityResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Activity;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.Activities.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.Title, p.Status, p.StartsAt }).ToListAsync(ct);
        var visible = await db.Activities.Where(p => ids.Contains(p.Id)).VisibleTo(db, user).Select(p => p.Id).ToListAsync(ct);
        return rows.Select(p => new ChainNode("activity", p.Id, "活动", p.Title, p.Status.ToString().ToLowerInvariant(), p.Status.ToString(),
            ChinaTime.DayOf(p.StartsAt), $"/activities/{p.Id}", visible.Contains(p.Id))).ToList();
    }
}

/// <summary>Outcomes in a chain: kind and title, status, adoption day; readable by <see cref="OutcomeAccess.VisibleTo"/> or when their source is.</summary>
public sealed class OutcomeResolver(IServiceProvider services) : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Outcome;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.Outcomes.AsNoTracking().Where(o => ids.Contains(o.Id)).ToListAsync(ct);
        var visible = await db.Outcomes.Where(o => ids.Contains(o.Id)).VisibleTo(user).Select(o => o.Id).ToListAsync(ct);
        var others = services.GetServices<IWorkItemResolver>().Where(r => r.Type != WorkItemType.Outcome).ToList();
        var sources = await OutcomeChain.ResolveAsync(db, user, others, rows.Where(o => !visible.Contains(o.Id) && o.SourceType != WorkItemType.Outcome)
            .Select(o => (o.SourceType, o.SourceId)).ToList(), ct);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutcomeOptions>>().Value;
        var cutoff = OutcomeQueries.StalledCutoff(services.GetRequiredService<TimeProvider>(), options);
        return rows.Select(o =>
        {
            var status = OutcomeQueries.StatusOf(o, cutoff);
            var readable = visible.Contains(o.Id) || sources.GetValueOrDefault((OutcomeCodes.TypeCode(o.SourceType), o.SourceId))?.Readable == true;
            var title = $"{OutcomeCodes.KindName(o.Kind)}：{o.Title}{(OutcomeCodes.IsAdopted(o.Adoption) ? $"（{o.Percent}%）" : "")}";
            return new ChainNode("outcome", o.Id, "成果", title, status, OutcomeQueries.StatusName(status), o.ImplementedOn ?? o.AdoptedOn ?? o.SubmittedOn,
                $"/outcomes/{o.Id}", readable);
        }).ToList();
    }
}
