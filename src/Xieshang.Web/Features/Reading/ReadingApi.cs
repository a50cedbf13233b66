using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Reading;

/// <summary>
/// Reading programme API (书香政协, DOMAIN.md §4.9) under <c>/api/reading-groups</c> and <c>/api/reading-rules</c>:
/// <list type="bullet">
/// <item><c>POST /api/reading-groups</c> <c>{"name","committeeCode","sectorId","leaderId","memberIds":[…],"description"}</c> → 201 <c>{"id"}</c> (staff in scope);</item>
/// <item><c>GET /api/reading-groups?committee=</c> — <see cref="ReadingGroupListItem"/>s the viewer may see (<c>committee</c> a code: its subtree, in scope);</item>
/// <item><c>GET /api/reading-groups/{id}</c> — <see cref="ReadingGroupDetail"/>; <c>PUT</c> with <see cref="ReadingGroupEdit"/> (staff);
/// <c>POST /{id}/close</c>, <c>/{id}/reopen</c> (staff) → 204; <c>POST /{id}/leave</c> (a member leaves; not the leader: 409) → 204;</item>
/// <item><c>POST /{id}/books</c> <see cref="ReadingBookInput"/> → 201 <c>{"id"}</c>; <c>DELETE /{id}/books/{bookId}</c> → 204;</item>
/// <item><c>GET /{id}/checkins?featured=true</c> — <see cref="ReadingCheckInDto"/>s (at most 200); <c>POST /{id}/checkins</c>
/// <c>{"book","progress","minutes","note","finished","day"}</c> → 201 <c>{"id"}</c> (group members); <c>DELETE /{id}/checkins/{cid}</c> → 204 (own, same day);</item>
/// <item><c>POST /{id}/checkins/{cid}/comments</c> <c>{"text"}</c> → 201 <c>{"id"}</c>; <c>POST</c>/<c>DELETE /{id}/checkins/{cid}/feature</c> → 204 (leader or staff);</item>
/// <item><c>GET /{id}/stats</c> — <see cref="ReadingStats"/>;</item>
/// <item><c>GET /api/reading-rules/{committeeCode}</c> — the rule in effect; <c>PUT</c> <see cref="ReadingRuleInput"/> (staff managing the committee) → 204, recomputing the year.</item>
/// </list>
/// A group the viewer may not see answers 404 like an unknown id (its existence is not revealed); one they see but may
/// not change in that way answers 403. Refusals are problem details with a Chinese
/// <c>detail</c>; bad input is a validation problem <c>errors: {field: [message]}</c>; a refusal changes nothing.
/// </summary>
public static class ReadingApi
{
    /// <summary>Body of a 201: the new object's id.</summary>
    public sealed record IdBody(int Id);

    /// <summary>The rule in effect for a committee: its code, whether the row is its own, and the values.</summary>
    public sealed record RuleDto(string CommitteeCode, bool Own, int MonthlyMinCheckIns, int MonthlyMinMinutes, bool FeaturedNoteCounts, string InheritedFrom);

    /// <summary>Field errors as a validation problem (title 请求有误, <c>detail</c> the first message).</summary>
    public static ValidationProblem Invalid(ReadingErrors errors) =>
        TypedResults.ValidationProblem(errors, detail: errors.Values.First()[0], title: "请求有误");

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapReadingApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reading-groups").WithTags("Reading").RequireAuthorization(Policies.SignedIn);

        api.MapPost("", async Task<Results<Created<IdBody>, ValidationProblem, ProblemHttpResult>> (ReadingGroupInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (id, refused, errors) = await ReadingRules.CreateAsync(db, input, user, clock, ct);
            if (refused is not null) return refused.ToProblem();
            if (errors.Count > 0) return Invalid(errors);
            return TypedResults.Created($"/api/reading-groups/{id}", new IdBody(id));
        });

        api.MapGet("", async Task<Results<Ok<List<ReadingGroupListItem>>, ProblemHttpResult>> (string? committee, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (q, refused) = await ScopedAsync(db, user, committee, ct);
            if (refused is not null) return refused.ToProblem();
            return TypedResults.Ok(await ReadingQueries.ListAsync(db, q!, clock, ct));
        });

        api.MapGet("/{id:int}", (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => TypedResults.Ok(await ReadingQueries.DetailAsync(db, g, user, ct))));

        api.MapPut("/{id:int}", (int id, ReadingGroupEdit input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g =>
            {
                var (refused, errors) = await ReadingRules.EditAsync(db, g, input, user, clock, ct);
                if (refused is not null) return refused.ToProblem();
                if (errors.Count > 0) return Invalid(errors);
                db.ChangeTracker.Clear();
                var (fresh, _) = await ReadingAccess.FindAsync(db, id, user, ct);
                return TypedResults.Ok(await ReadingQueries.DetailAsync(db, fresh!, user, ct));
            }));

        api.MapPost("/{id:int}/close", (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => await ReadingRules.SetClosedAsync(db, g, true, user, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapPost("/{id:int}/reopen", (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => await ReadingRules.SetClosedAsync(db, g, false, user, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapPost("/{id:int}/leave", (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => await ReadingRules.LeaveAsync(db, g, user, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapPost("/{id:int}/books", (int id, ReadingBookInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => CreatedOr(await ReadingRules.AddBookAsync(db, g, input, user, clock, ct), $"/api/reading-groups/{id}")));

        api.MapDelete("/{id:int}/books/{bookId:int}", (int id, int bookId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => await ReadingRules.RemoveBookAsync(db, g, bookId, user, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapGet("/{id:int}/checkins", (int id, bool? featured, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g =>
            {
                var q = db.ReadingCheckIns.Where(c => c.GroupId == g.Id);
                if (featured == true) q = q.Where(c => c.FeaturedAt != null);
                return TypedResults.Ok(await ReadingQueries.CheckInsAsync(db, q, g, user, clock, 200, ct));
            }));

        api.MapPost("/{id:int}/checkins", (int id, ReadingCheckInInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => CreatedOr(await ReadingRules.CheckInAsync(db, g, input, user, clock, ct), $"/api/reading-groups/{id}/checkins")));

        api.MapDelete("/{id:int}/checkins/{cid:int}", (int id, int cid, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithCheckInAsync(db, user, id, cid, ct, async (g, c) => await ReadingRules.DeleteCheckInAsync(db, g, c, user, clock, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapPost("/{id:int}/checkins/{cid:int}/comments", (int id, int cid, ReadingCommentInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithCheckInAsync(db, user, id, cid, ct, async (g, c) =>
            {
                var (commentId, refused) = await ReadingRules.CommentAsync(db, g, c, input, user, clock, ct);
                return refused is not null ? refused.ToProblem() : TypedResults.Created($"/api/reading-groups/{id}/checkins", new IdBody(commentId));
            }));

        api.MapPost("/{id:int}/checkins/{cid:int}/feature", (int id, int cid, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithCheckInAsync(db, user, id, cid, ct, async (g, c) => await ReadingRules.FeatureAsync(db, g, c, true, user, clock, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapDelete("/{id:int}/checkins/{cid:int}/feature", (int id, int cid, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithCheckInAsync(db, user, id, cid, ct, async (g, c) => await ReadingRules.FeatureAsync(db, g, c, false, user, clock, ct) is { } e ? e.ToProblem() : TypedResults.NoContent()));

        api.MapGet("/{id:int}/stats", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            WithGroupAsync(db, user, id, ct, async g => TypedResults.Ok(await ReadingQueries.StatsAsync(db, g, clock, ct))));

        var rules = app.MapGroup("/api/reading-rules").WithTags("Reading").RequireAuthorization(Policies.SignedIn);

        rules.MapGet("/{code}", async Task<Results<Ok<RuleDto>, ProblemHttpResult>> (string code, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
            if (c is null) return RuleError.NotFound($"未找到代码为“{code}”的政协组织。").ToProblem();
            if (!(user.IsStaff || user.IsLeader || user.IsAdmin) || !Scope.CanRead(user, c.Path)) return RuleError.Forbidden($"您无权查看“{c.Name}”的读书履职规则。").ToProblem();
            return TypedResults.Ok(await RuleOfAsync(db, c.Code, c.Path, ct));
        });

        rules.MapPut("/{code}", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (string code, ReadingRuleInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (refused, errors) = await ReadingRules.SetRuleAsync(db, code, input, user, clock, ct);
            if (refused is not null) return refused.ToProblem();
            if (errors.Count > 0) return Invalid(errors);
            return TypedResults.NoContent();
        });
        return app;
    }

    /// <summary>The rule in effect for the committee <paramref name="code"/> at <paramref name="path"/>.</summary>
    public static async Task<RuleDto> RuleOfAsync(AppDbContext db, string code, string path, CancellationToken ct)
    {
        var r = await ReadingDuty.RuleForAsync(db, path, ct);
        return new RuleDto(code, r.FromCode == code, r.MonthlyMinCheckIns, r.MonthlyMinMinutes, r.FeaturedNoteCounts, r.From);
    }

    /// <summary>
    /// The groups the viewer may list, narrowed to committee <paramref name="committee"/>'s subtree when given: 404 for an
    /// unknown code, 403 for one outside the viewer's scope (a member: only their own committee; a handling unit: none).
    /// </summary>
    public static async Task<(IQueryable<ReadingGroup>? Query, RuleError? Refused)> ScopedAsync(AppDbContext db, CurrentUser user, string? committee, CancellationToken ct)
    {
        if (user.IsHandlingUnit && !user.IsAdmin) return (null, RuleError.Forbidden("读书小组不向承办单位开放。"));
        var q = db.ReadingGroups.VisibleTo(user);
        if (committee is not { Length: > 0 }) return (q, null);
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee, ct);
        if (c is null) return (null, new RuleError(404, $"未找到代码为“{committee}”的政协组织。", "committee"));
        if (!Scope.CanRead(user, c.Path)) return (null, new RuleError(403, $"您无权查看“{c.Name}”的读书小组。", "committee"));
        return (q.Where(g => g.CommitteePath.StartsWith(c.Path)), null);
    }

    /// <summary>201 with the new id, or the refusal, or the field errors.</summary>
    private static IResult CreatedOr((int Id, RuleError? Refused, ReadingErrors Errors) r, string location) =>
        r.Refused is not null ? r.Refused.ToProblem() : r.Errors.Count > 0 ? Invalid(r.Errors) : TypedResults.Created(location, new IdBody(r.Id));

    private static async Task<IResult> WithGroupAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, Func<ReadingGroup, Task<IResult>> action)
    {
        var (g, refused) = await ReadingAccess.FindAsync(db, id, user, ct);
        if (refused is not null) return refused.ToProblem();
        var result = await action(g!);
        return result;
    }

    private static Task<IResult> WithCheckInAsync(AppDbContext db, CurrentUser user, int id, int cid, CancellationToken ct, Func<ReadingGroup, ReadingCheckIn, Task<IResult>> action) =>
        WithGroupAsync(db, user, id, ct, async g =>
        {
            var (c, refused) = await ReadingRules.CheckInOfAsync(db, g, cid, ct);
            return refused is not null ? refused.ToProblem() : await action(g, c!);
        });
}
