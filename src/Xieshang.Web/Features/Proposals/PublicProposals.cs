using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>One row of the public list: no proposer contact, no co-signers, no internal state beyond the public status name.</summary>
public sealed record PublicProposalItem(int Id, string Number, string Title, string CommitteeName, string ProposerName, string StatusName,
    DateTimeOffset? FiledAt, string Excerpt, int PublicReplies);

/// <summary>An attachment of a public reply, served without sign-in by <c>GET /api/proposals/{id}/files/{fileId}</c>.</summary>
public sealed record PublicFile(int Id, string FileName, long Size);

/// <summary>
/// A public reply: unit name, class, date, sanitised HTML text, its round (1: the first reply, 2: the reply after
/// re-handling), its attachments, and whether the same unit published a later round (so this one is not its final word).
/// </summary>
public sealed record PublicReply(string UnitName, string ClassName, DateTimeOffset RepliedAt, string Text, int Round,
    IReadOnlyList<PublicFile> Files, bool Superseded);

/// <summary>A filed proposal as the public sees it: title, number, committee, proposer name, kind, body and public replies only.</summary>
public sealed record PublicProposalDetail(int Id, string Number, string Title, string CommitteeName, string ProposerName, string KindName, string StatusName,
    DateTimeOffset? FiledAt, string Body, IReadOnlyList<PublicReply> Replies);

/// <summary>
/// The no-login public view of proposals (<c>/public/proposals</c>): filed proposals only (<see cref="ProposalAccess.Public"/>)
/// with their public replies only. Nothing else leaves here — no contact data, no co-signers or their answers, no
/// non-public reply, no timeline. Search (<see cref="ProposalSearch.Matching"/>) reads the whole search text, which also
/// holds non-public replies; every hit is therefore checked again against the title, the body and the public replies
/// alone, so a word found only in a non-public reply finds nothing.
/// </summary>
public static class PublicProposals
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 20;
    /// <summary>Most search hits checked again per request (the newest first).</summary>
    public const int SearchCap = 1000;

    /// <summary>A page of public proposals, newest filed first, matching <paramref name="text"/> when given; and the total.</summary>
    public static async Task<(List<PublicProposalItem> Items, int Total)> PageAsync(AppDbContext db, string? text, int page, CancellationToken ct)
    {
        var q = db.Proposals.AsNoTracking().Public();
        List<int>? ids = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            var words = ProposalSearch.QueryWords(text);
            if (words.Count > 0)
            {
                var hits = await q.Matching(text).OrderByDescending(p => p.Id).Take(SearchCap).Select(p => new { p.Id, p.Title, p.Body }).ToListAsync(ct);
                var hitIds = hits.Select(h => h.Id).ToList();
                var replies = (await db.Replies.AsNoTracking().Where(r => hitIds.Contains(r.ProposalId) && r.IsPublic).Select(r => new { r.ProposalId, r.Text }).ToListAsync(ct))
                    .ToLookup(r => r.ProposalId, r => r.Text);
                ids = hits.Where(h =>
                {
                    var words2 = " " + ProposalSearch.BuildSearchText(h.Title, h.Body, replies[h.Id]) + " ";
                    return words.All(w => words2.Contains(" " + w + " ", StringComparison.Ordinal));
                }).Select(h => h.Id).ToList();
                q = q.Where(p => ids.Contains(p.Id));
            }
        }
        var total = ids?.Count ?? await q.CountAsync(ct);
        page = Math.Max(1, page);
        var rows = await q.OrderByDescending(p => p.FiledAt).ThenByDescending(p => p.Id).Skip((page - 1) * PageSize).Take(PageSize)
            .Select(p => new
            {
                p.Id, p.Number, p.Title, CommitteeName = p.Committee!.Name, p.ProposerName, p.Status, p.FiledAt, p.Body,
                PublicReplies = db.Replies.Count(r => r.ProposalId == p.Id && r.IsPublic),
            }).ToListAsync(ct);
        return (rows.Select(r => new PublicProposalItem(r.Id, r.Number, r.Title, r.CommitteeName, r.ProposerName, StatusName(r.Status), r.FiledAt,
            ProposalQueries.Excerpt(r.Body, 120), r.PublicReplies)).ToList(), total);
    }

    /// <summary>
    /// The status as the public sees it: 已立案, 办理中 (assigned, handling, and handling again — a dissatisfied rating is
    /// not published), 已答复 (replied, rated) or 已办结.
    /// </summary>
    public static string StatusName(ProposalStatus s) => s switch
    {
        ProposalStatus.Filed => "已立案",
        ProposalStatus.Replied or ProposalStatus.Rated => "已答复",
        ProposalStatus.Closed => "已办结",
        _ => "办理中",
    };

    /// <summary>The public detail of proposal <paramref name="id"/>, or null when it is not filed (or does not exist).</summary>
    public static async Task<PublicProposalDetail?> DetailAsync(AppDbContext db, int id, CancellationToken ct)
    {
        var p = await db.Proposals.AsNoTracking().Public().Where(x => x.Id == id)
            .Select(x => new { x.Id, x.Number, x.Title, CommitteeName = x.Committee!.Name, x.ProposerName, x.Kind, x.Status, x.FiledAt, x.Body })
            .FirstOrDefaultAsync(ct);
        if (p is null) return null;
        var replies = await db.Replies.AsNoTracking().Where(r => r.ProposalId == id && r.IsPublic).OrderBy(r => r.Round).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.HandlingUnitId, Unit = r.HandlingUnit!.Name, r.Class, r.RepliedAt, r.Text, r.Round }).ToListAsync(ct);
        var replyIds = replies.Select(r => r.Id).ToList();
        // Only the files of the public replies listed here (the file endpoint serves exactly these without sign-in).
        var files = (await db.ProposalFiles.AsNoTracking().Where(f => f.ProposalId == id && f.ReplyId != null && replyIds.Contains(f.ReplyId.Value))
                .OrderBy(f => f.Id).Select(f => new { f.Id, ReplyId = f.ReplyId!.Value, f.FileName, f.Size }).ToListAsync(ct))
            .ToLookup(f => f.ReplyId, f => new PublicFile(f.Id, f.FileName, f.Size));
        return new PublicProposalDetail(p.Id, p.Number, p.Title, p.CommitteeName, p.ProposerName, ProposalRules.KindName(p.Kind), StatusName(p.Status),
            p.FiledAt, p.Body, replies.Select(r => new PublicReply(r.Unit, ProposalRules.ClassName(r.Class), r.RepliedAt, r.Text, r.Round,
                files[r.Id].ToList(), replies.Any(o => o.HandlingUnitId == r.HandlingUnitId && o.Round > r.Round))).ToList());
    }
}
