using Microsoft.AspNetCore.Http.HttpResults;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>Body of declining an invitation: the invited committee's code.</summary>
public sealed record JointDeclineInput(string? CommitteeCode);

/// <summary>
/// Same-topic research API (同题调研, DOMAIN.md §4.6) under <c>/api/research/{id}</c>: invitations, sub-projects (create,
/// side-by-side list), sharing a sub-report with the siblings, and the combined report (.docx). Rules in
/// <see cref="JointResearchRules"/>; scope by <see cref="ResearchAccess"/> (invited committees see the parent there).
/// Errors are ProblemDetails with a Chinese <c>detail</c>; field errors of the project's rules add <c>errors</c>.
/// </summary>
public static class JointResearchApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapJointResearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/research/{id:int}").WithTags("Same-topic research").RequireAuthorization(Policies.SignedIn);

        // POST /api/research/{id}/subprojects {committeeCode[, leaderId, authorId, memberIds]} → 201 {id}; the team may follow (PUT …/team)
        api.MapPost("/subprojects", async Task<Results<Created<IdResult>, ValidationProblem, ProblemHttpResult>> (
            int id, SubProjectInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct, tracked: true);
            if (refused is not null) return Problem(refused);
            var (project, error, errors) = await JointResearchRules.AddSubProjectAsync(db, parent!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (project is null) return Validation(errors);
            return TypedResults.Created($"/api/research/{project.Id}", new IdResult(project.Id));
        });

        // GET /api/research/{id}/subprojects → the sub-projects the viewer may see, side by side
        api.MapGet("/subprojects", async Task<Results<Ok<List<JointSubProjectDto>>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await JointResearchQueries.SubProjectsAsync(db, parent!.Id, user, ct));
        });

        // POST /api/research/{id}/invitations {committeeCodes:[...]} → {invited}
        api.MapPost("/invitations", async Task<Results<Ok<InvitedResult>, ProblemHttpResult>> (int id, JointInviteInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct, tracked: true);
            if (refused is not null) return Problem(refused);
            var (invited, error) = await JointResearchRules.InviteAsync(db, parent!, input, user, clock, ct);
            return error is not null ? Problem(error) : TypedResults.Ok(new InvitedResult(invited));
        });

        // GET /api/research/{id}/invitations → every invitation from above, the own committees' otherwise
        api.MapGet("/invitations", async Task<Results<Ok<List<JointInvitationDto>>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await JointResearchQueries.InvitationsAsync(db, parent!, user, JointResearchRules.SeesFromAbove(user, parent!), ct));
        });

        // POST /api/research/{id}/invitations/decline {committeeCode} → 204
        api.MapPost("/invitations/decline", async Task<Results<NoContent, ProblemHttpResult>> (int id, JointDeclineInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            return await JointResearchRules.DeclineAsync(db, parent!, input.CommitteeCode, user, clock, ct) is { } error ? Problem(error) : TypedResults.NoContent();
        });

        // POST /api/research/{id}/share → {sharedAt}  (id: a sub-project)
        api.MapPost("/share", async Task<Results<Ok<SharedResult>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var sub = await JointResearchQueries.FindAsync(db, id, ct, tracked: true);
            if (sub is null) return Problem(new(404, "没有这个调研项目。"));
            if (!await ResearchAccess.CanReadAsync(db, user, id, ct)) return Problem(new(403, "您无权查看这个调研项目。"));
            if (await JointResearchRules.ShareAsync(db, sub, user, clock, ct) is { } error) return Problem(error);
            return TypedResults.Ok(new SharedResult(sub.SharedAt!.Value));
        });

        // GET /api/research/{id}/combined.docx → the combined report (viewers from above only)
        api.MapGet("/combined.docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (parent, refused) = await ParentAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (!JointResearchRules.SeesFromAbove(user, parent!)) return Problem(new(403, "同题调研综合报告只供牵头政协的机关和领导查看。"));
            if (parent!.ParentId is not null || !parent.IsJoint) return Problem(new(409, "这项调研不是同题调研，没有综合报告。"));
            return TypedResults.File(await JointResearchReport.BuildAsync(db, parent, clock, ct), JointResearchReport.ContentType, $"同题调研综合报告-{parent.Id}.docx");
        });
    }

    /// <summary>An id.</summary>
    public sealed record IdResult(int Id);

    /// <summary>How many committees were newly invited.</summary>
    public sealed record InvitedResult(int Invited);

    /// <summary>When the report was shared.</summary>
    public sealed record SharedResult(DateTimeOffset SharedAt);

    /// <summary>The same-topic parent <paramref name="id"/> (organisers loaded) if <paramref name="user"/> may see it: 404 none, 403 out of scope.</summary>
    public static async Task<(ResearchProject? Parent, ResearchError? Refused)> ParentAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct, bool tracked = false)
    {
        var p = await JointResearchQueries.FindAsync(db, id, ct, tracked);
        if (p is null) return (null, new(404, "没有这个调研项目。"));
        if (!await ResearchAccess.CanReadAsync(db, user, id, ct)) return (null, new(403, "您无权查看这项调研。"));
        return (p, null);
    }

    /// <summary>Problem response with the rule's status and Chinese message (<see cref="ResearchApi.Problem"/>: field and errors by field).</summary>
    public static ProblemHttpResult Problem(ResearchError e) => ResearchApi.Problem(e);

    /// <summary>A 400 with the field errors and the first one as <c>detail</c>.</summary>
    public static ValidationProblem Validation(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: errors.Values.SelectMany(v => v).FirstOrDefault() ?? "请求有误。", title: "请求有误");
}
