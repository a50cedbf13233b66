using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Proposal statistics and documents:
/// <list type="bullet">
/// <item><c>GET /api/proposals/stats?committee=&amp;year=&amp;term=&amp;session=</c> → <see cref="ProposalStatsResult"/> (office accounts and
/// handling units; a unit gets its own numbers only);</item>
/// <item><c>GET /api/proposals/stats.xlsx</c> (same parameters, same callers) → the same as a workbook;</item>
/// <item><c>GET /api/proposals/compilation.docx?committee=&amp;year=</c> → 提案汇编, <c>GET /api/proposals/replies.docx</c> → 答复汇编
/// (office accounts: administrators, staff, leaders).</item>
/// </list>
/// <c>committee</c> defaults to the caller's committee (a unit's: its own); without <c>year</c> and <c>term</c> the current year.
/// Refusals are ProblemDetails with a Chinese message: 403 wrong role or committee outside scope, 404 unknown committee, 400 bad numbers.
/// </summary>
public static class ProposalStatsApi
{
    /// <summary>Query string of every endpoint here (numbers read leniently so a bad one gets a Chinese message).</summary>
    public sealed record StatsParameters(string? Committee, string? Year, string? Term, string? Session);

    public static void MapProposalStatsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/proposals").WithTags("Proposals").RequireAuthorization(Policies.SignedIn);

        api.MapGet("/stats", async Task<Results<Ok<ProposalStatsResult>, ProblemHttpResult>> ([AsParameters] StatsParameters p, AppDbContext db,
            CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (committee, query, error) = await ResolveAsync(p, db, user, clock, office: false, ct);
            if (error is not null) return ProposalsApi.Problem(error.Status, error.Message, error.Field);
            return TypedResults.Ok(await ProposalStats.LoadAsync(db, user, committee!, query, clock, ct));
        });

        api.MapGet("/stats.xlsx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> ([AsParameters] StatsParameters p, AppDbContext db,
            CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (committee, query, error) = await ResolveAsync(p, db, user, clock, office: false, ct);
            if (error is not null) return ProposalsApi.Problem(error.Status, error.Message, error.Field);
            var stats = await ProposalStats.LoadAsync(db, user, committee!, query, clock, ct);
            using var buffer = new MemoryStream();
            await ProposalExport.StatsXlsxAsync(stats, buffer, ct);
            return TypedResults.File(buffer.ToArray(), ProposalExport.XlsxContentType, ProposalExport.StatsFileName(stats));
        });

        api.MapGet("/compilation.docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> ([AsParameters] StatsParameters p, AppDbContext db,
            CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (committee, query, error) = await ResolveAsync(p, db, user, clock, office: true, ct);
            if (error is not null) return ProposalsApi.Problem(error.Status, error.Message, error.Field);
            var bytes = await ProposalExport.CompilationAsync(db, user, committee!, query, clock, ct);
            return TypedResults.File(bytes, ProposalExport.DocxContentType, ProposalExport.CompilationFileName(committee!, query));
        });

        api.MapGet("/replies.docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> ([AsParameters] StatsParameters p, AppDbContext db,
            CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (committee, query, error) = await ResolveAsync(p, db, user, clock, office: true, ct);
            if (error is not null) return ProposalsApi.Problem(error.Status, error.Message, error.Field);
            var bytes = await ProposalExport.RepliesAsync(db, user, committee!, query, clock, ct);
            return TypedResults.File(bytes, ProposalExport.DocxContentType, ProposalExport.RepliesFileName(committee!, query));
        });
    }

    /// <summary>
    /// Reads and checks the parameters for <paramref name="user"/> (<see cref="ProposalStats.ResolveAsync"/>); with
    /// <paramref name="office"/> only administrators, staff and leaders pass (the documents).
    /// </summary>
    public static async Task<(Committee? Committee, ProposalStatsQuery Query, ProposalError? Error)> ResolveAsync(StatsParameters p, AppDbContext db,
        CurrentUser user, TimeProvider clock, bool office, CancellationToken ct)
    {
        var query = new ProposalStatsQuery(p.Committee);
        if (office && !(user.IsAdmin || user.IsStaff || user.IsLeader)) return (null, query, new(403, "只有政协机关工作人员和领导可以导出提案汇编。"));
        foreach (var (name, text, word) in new[] { ("year", p.Year, "年份"), ("term", p.Term, "届次"), ("session", p.Session, "会议次数") })
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                return (null, query, new(400, $"{word}（{name}）须为整数。", name));
            query = name switch { "year" => query with { Year = v }, "term" => query with { Term = v }, _ => query with { Session = v } };
        }
        return await ProposalStats.ResolveAsync(db, user, query, clock, ct);
    }
}
