using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>One similar proposal: its id, title, cosine score (0..1), status code and the start of the latest reply the caller may see.</summary>
public sealed record SimilarProposal(int Id, string Title, double Score, string Status, string ReplyExcerpt);

/// <summary>
/// Similar proposals: <c>GET /api/proposals/similar?text=&amp;top=10</c> and <see cref="SimilarAsync"/>, the one code
/// path the endpoint and the proposal pages share. The index (<see cref="SimilarIndex"/>) gives candidates pre-filtered
/// by committee path; <see cref="ProposalAccess.VisibleTo"/> then keeps those the caller may see, in one query.
/// </summary>
public static class ProposalSearchApi
{
    /// <summary>Longest text accepted (characters): a proposal's title and body.</summary>
    public const int MaxTextLength = 20_000;

    /// <summary>Most results per request.</summary>
    public const int MaxTop = 50;

    /// <summary>Characters of plain text in <see cref="SimilarProposal.ReplyExcerpt"/>.</summary>
    public const int ExcerptLength = 120;

    /// <summary>Registers the similar index (singleton) and its refresher.</summary>
    public static IHostApplicationBuilder AddProposalSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SimilarIndex>();
        builder.Services.AddHostedService<SimilarIndexRefresher>();
        return builder;
    }

    public static void MapProposalSearchApi(this IEndpointRouteBuilder app)
    {
        // GET /api/proposals/similar?text=&top=10 → [{id,title,score,status,replyExcerpt}], best first, within the caller's scope.
        app.MapGet("/api/proposals/similar", (string? text, int? top, AppDbContext db, SimilarIndex index, CurrentUser user, CancellationToken ct) =>
                AnswerAsync(text, top, db, index, user, ct))
            .WithTags("Proposals").RequireAuthorization(Policies.SignedIn);
        // POST /api/proposals/similar {text, top} → the same, for a whole proposal's text (a URL holds only about 2,000 characters).
        app.MapPost("/api/proposals/similar", (SimilarQuery query, AppDbContext db, SimilarIndex index, CurrentUser user, CancellationToken ct) =>
                AnswerAsync(query.Text, query.Top, db, index, user, ct))
            .WithTags("Proposals").RequireAuthorization(Policies.SignedIn);
    }

    /// <summary>Body of <c>POST /api/proposals/similar</c>: the text (≤ 20,000 characters) and how many results (1–50, default 10).</summary>
    public sealed record SimilarQuery(string? Text, int? Top);

    private static async Task<Results<Ok<IReadOnlyList<SimilarProposal>>, BadRequest<ProblemDetails>>> AnswerAsync(string? text, int? top, AppDbContext db,
        SimilarIndex index, CurrentUser user, CancellationToken ct)
    {
        var n = top ?? 10;
        if (string.IsNullOrWhiteSpace(text)) return Bad("请填写用于查找相似提案的文字（text）。");
        if (text.Length > MaxTextLength) return Bad($"文字过长：最多 {MaxTextLength:N0} 个字符。");
        if (n is < 1 or > MaxTop) return Bad($"top 须在 1 到 {MaxTop} 之间。");
        return TypedResults.Ok(await SimilarAsync(db, index, user, text, n, ct));
    }

    private static BadRequest<ProblemDetails> Bad(string detail) =>
        TypedResults.BadRequest(new ProblemDetails { Title = "请求有误", Detail = detail, Status = 400 });

    /// <summary>
    /// The <paramref name="top"/> proposals most similar to <paramref name="text"/> that <paramref name="user"/> may see,
    /// best first. Candidates come from the index within the caller's committee path (staff, leaders, members: their
    /// committee's; a unit: its committee's; the administrator: all), are filtered by <see cref="ProposalAccess.VisibleTo"/>
    /// in one query and cut to <paramref name="top"/>. The excerpt is from the latest reply the caller may read: every
    /// reply for the office and the proposer, a unit's own replies for the unit, public replies for everyone.
    /// </summary>
    public static async Task<IReadOnlyList<SimilarProposal>> SimilarAsync(AppDbContext db, SimilarIndex index, CurrentUser user, string text,
        int top, CancellationToken ct)
    {
        if (!user.IsAuthenticated || string.IsNullOrWhiteSpace(text) || top < 1) return [];
        top = Math.Min(top, MaxTop);
        if (text.Length > MaxTextLength) text = text[..MaxTextLength];
        string? prefix;
        if (user.IsAdmin) prefix = null;
        else if (user.IsHandlingUnit && user.HandlingUnitId is { } unit)
        {
            prefix = await db.HandlingUnits.Where(u => u.Id == unit).Select(u => u.CommitteePath).FirstOrDefaultAsync(ct);
            if (string.IsNullOrEmpty(prefix)) return [];
        }
        else if (user.CommitteePath is { Length: > 0 } path) prefix = path;
        else return [];

        // Enough candidates that the visibility filter rarely leaves fewer than asked for.
        var candidates = index.Query(text, prefix, Math.Clamp(top * 10, 50, 500));
        if (candidates.Count == 0) return [];
        var ids = candidates.Select(c => c.Id).ToList();
        var rows = await db.Proposals.AsNoTracking().Where(p => ids.Contains(p.Id)).VisibleTo(db, user)
            .Select(p => new { p.Id, p.Title, p.Status, p.CommitteePath, p.ProposerMemberId, p.CreatedByUserId })
            .ToDictionaryAsync(p => p.Id, ct);
        var kept = candidates.Where(c => rows.ContainsKey(c.Id)).Take(top).ToList();
        if (kept.Count == 0) return [];

        var keptIds = kept.Select(c => c.Id).ToList();
        var replies = await db.Replies.AsNoTracking().Where(r => keptIds.Contains(r.ProposalId))
            .OrderByDescending(r => r.RepliedAt).ThenByDescending(r => r.Id)
            .Select(r => new { r.ProposalId, r.IsPublic, r.HandlingUnitId, Text = r.Text.Substring(0, 4000) })
            .ToListAsync(ct);
        var result = new List<SimilarProposal>(kept.Count);
        foreach (var (id, score) in kept)
        {
            var p = rows[id];
            var all = Scope.CanManage(user, p.CommitteePath)
                || (p.ProposerMemberId is { } pm ? user.MemberId == pm : p.CreatedByUserId == user.UserId);
            var reply = replies.FirstOrDefault(r => r.ProposalId == id
                && (all || r.IsPublic || (user.HandlingUnitId is { } u && r.HandlingUnitId == u)));
            result.Add(new SimilarProposal(id, p.Title, score, ProposalWorkflow.StateCode(p.Status), Excerpt(reply?.Text)));
        }
        return result;
    }

    /// <summary>The first <see cref="ExcerptLength"/> characters of the plain text of an HTML reply, with an ellipsis when cut.</summary>
    public static string Excerpt(string? html)
    {
        var plain = ProposalSearch.PlainText(html);
        if (plain.Length <= ExcerptLength) return plain;
        var cut = ExcerptLength;
        if (char.IsHighSurrogate(plain[cut - 1])) cut--;
        return plain[..cut] + "…";
    }
}
