using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>A claim as the topic board shows it: slot, claimant (kind code <c>sector</c>|<c>special</c>|<c>member</c>, id, name), when and by whom, and its project's stage and report state.</summary>
public sealed record TopicClaimDto(int Id, int ClaimNumber, string ClaimantKind, int ClaimantId, string ClaimantName, DateTimeOffset ClaimedAt, string ClaimedBy,
    int? ResearchId, string? Status, string? StatusName, string? ReportStatus, string? ReportStatusName);

/// <summary>
/// A topic on the board: committee, title, background, source, deadline (China date), claims allowed, state (<c>published</c>|<c>closed</c>),
/// claims made and slots left, whether it can be claimed today (<see cref="Open"/>), and the claims.
/// </summary>
public sealed record TopicDto(int Id, string CommitteeCode, string CommitteeName, string Title, string Background, string Source, DateOnly Deadline,
    int MaxClaims, string Status, int ClaimCount, int Remaining, bool Open, DateTimeOffset CreatedAt, List<TopicClaimDto> Claims);

/// <summary>
/// Claimed topics API (领题调研, DOMAIN.md §4.6): <c>POST /api/topics</c> (staff publish), <c>GET /api/topics?committee=</c>
/// (the board), <c>POST /api/topics/{id}/claim</c> (→ the research project's id), <c>POST /api/topics/{id}/close</c>.
/// Rules in <see cref="TopicRules"/>.
/// </summary>
public static class TopicApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapTopicApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/topics").WithTags("Claimed topics").RequireAuthorization(Policies.SignedIn);

        api.MapPost("", async Task<Results<Created<JointResearchApi.IdResult>, ValidationProblem, ProblemHttpResult>> (
            ResearchTopicInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (topic, error, errors) = await TopicRules.PublishAsync(db, input, user, clock, ct);
            if (error is not null) return JointResearchApi.Problem(error);
            if (topic is null) return JointResearchApi.Validation(errors);
            return TypedResults.Created($"/api/topics/{topic.Id}", new JointResearchApi.IdResult(topic.Id));
        });

        api.MapGet("", async Task<Results<Ok<List<TopicDto>>, ProblemHttpResult>> (string? committee, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember)) return JointResearchApi.Problem(new(403, "您无权查看调研课题。"));
            var q = db.ResearchTopics.AsNoTracking().VisibleTo(user);
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.Where(x => x.Code == committee).Select(x => new { x.Id, x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return JointResearchApi.Problem(new(404, $"未找到代码为“{committee}”的政协组织。"));
                if (!Scope.CanRead(user, c.Path)) return JointResearchApi.Problem(new(403, $"您无权查看“{c.Name}”的调研课题。"));
                q = q.Where(t => t.CommitteeId == c.Id);
            }
            return TypedResults.Ok(await ListAsync(db, q, clock, ct));
        });

        api.MapPost("/{id:int}/claim", async Task<Results<Ok<ClaimResult>, ValidationProblem, ProblemHttpResult>> (
            int id, TopicClaimInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (project, error, errors) = await TopicRules.ClaimAsync(db, id, input ?? new(), user, clock, ct);
            if (error is not null) return JointResearchApi.Problem(error);
            if (project is null) return JointResearchApi.Validation(errors);
            return TypedResults.Ok(new ClaimResult(project.Id));
        });

        api.MapPost("/{id:int}/close", async Task<Results<NoContent, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var topic = await db.ResearchTopics.FirstOrDefaultAsync(t => t.Id == id, ct);
            if (topic is null) return JointResearchApi.Problem(new(404, "没有这个调研课题。"));
            if (!Scope.CanRead(user, topic.CommitteePath)) return JointResearchApi.Problem(new(403, "您无权查看这个调研课题。"));
            return await TopicRules.CloseAsync(db, topic, user, clock, ct) is { } error ? JointResearchApi.Problem(error) : TypedResults.NoContent();
        });
    }

    /// <summary>The research project a claim became.</summary>
    public sealed record ClaimResult(int ResearchId);

    /// <summary>The topics of <paramref name="q"/> (already scoped) for the board: open ones first by deadline, then the rest, at most 300.</summary>
    public static async Task<List<TopicDto>> ListAsync(AppDbContext db, IQueryable<ResearchTopic> q, TimeProvider clock, CancellationToken ct)
    {
        var topics = await q.Include(t => t.Committee).OrderByDescending(t => t.Deadline).ThenByDescending(t => t.Id).Take(300).ToListAsync(ct);
        var ids = topics.Select(t => t.Id).ToList();
        var claims = await db.TopicClaims.AsNoTracking().Where(c => ids.Contains(c.TopicId))
            .Select(c => new
            {
                c.Id, c.TopicId, c.ClaimNumber, c.SectorId, c.SpecialCommitteeId, c.MemberId, c.ClaimedAt, c.ClaimedBy, c.ResearchProjectId,
                Name = c.MemberId != null ? c.Member!.Name : c.SectorId != null ? c.Sector!.Name : c.SpecialCommittee!.Name,
                Status = c.ResearchProject == null ? (ResearchStatus?)null : c.ResearchProject.Status,
                Report = c.ResearchProject == null ? (ReportStatus?)null : c.ResearchProject.ReportStatus,
            }).ToListAsync(ct);
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        return topics
            .Select(t =>
            {
                var mine = claims.Where(c => c.TopicId == t.Id).OrderBy(c => c.ClaimNumber).Select(c => new TopicClaimDto(c.Id, c.ClaimNumber,
                    c.MemberId != null ? "member" : c.SectorId != null ? "sector" : "special", c.MemberId ?? c.SectorId ?? c.SpecialCommitteeId ?? 0, c.Name,
                    c.ClaimedAt, c.ClaimedBy, c.ResearchProjectId,
                    c.Status is { } s ? ResearchWorkflow.StatusCode(s) : null, c.Status is { } s2 ? ResearchWorkflow.StatusName(s2) : null,
                    c.Report is { } r ? ResearchWorkflow.ReportStatusCode(r) : null, c.Report is { } r2 ? ResearchWorkflow.ReportStatusName(r2) : null)).ToList();
                var remaining = Math.Max(0, t.MaxClaims - mine.Count);
                var open = t.Status == TopicStatus.Published && today <= t.Deadline && remaining > 0;
                return new TopicDto(t.Id, t.Committee!.Code, t.Committee.Name, t.Title, t.Background, t.Source, t.Deadline, t.MaxClaims,
                    t.Status == TopicStatus.Closed ? "closed" : "published", mine.Count, remaining, open, t.CreatedAt, mine);
            })
            .OrderByDescending(t => t.Open).ThenBy(t => t.Open ? t.Deadline : DateOnly.MaxValue).ThenByDescending(t => t.Id)
            .ToList();
    }
}
