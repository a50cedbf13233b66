using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// Personal data endpoints (<see cref="PersonalData"/>):
/// <c>GET /api/members/{id}/personal-data[?download=true]</c> → the export document (JSON; with <c>download</c> as an
/// attachment named <c>个人信息-{name}-{yyyyMMdd}.json</c>), for the member themself and staff in scope;
/// <c>POST /api/members/{id}/erase</c> → <see cref="ErasureResult"/>, for staff in scope and administrators, 409 while the
/// member serves; and the member page's form post <c>POST /members/{id}/erase</c> (antiforgery), which lands back on
/// <c>/members/{id}?erased=done</c> or <c>?erased=refused-{status}</c>. Refusals are ProblemDetails with a Chinese detail:
/// 404 unknown member, 403 not allowed.
/// </summary>
public static class PersonalDataApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapPersonalDataApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/members").WithTags("Members").RequireAuthorization(Policies.SignedIn);

        api.MapGet("/{id:int}/personal-data", async Task<Results<JsonHttpResult<Dictionary<string, object?>>, ProblemHttpResult>> (
            int id, bool? download, AppDbContext db, CurrentUser user, TimeProvider clock, HttpContext ctx, CancellationToken ct) =>
        {
            var (doc, error) = await PersonalData.ExportAsync(db, user, id, clock, ct);
            if (error is not null) return error.ToProblem();
            if (download == true)
            {
                var name = (doc!["member"] as Dictionary<string, object?>)?["name"] as string ?? id.ToString();
                var file = $"个人信息-{name}-{Infrastructure.ChinaTime.DayOf(clock.GetUtcNow()):yyyyMMdd}.json";
                ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"personal-data-{id}.json\"; filename*=UTF-8''{Uri.EscapeDataString(file)}";
            }
            return TypedResults.Json(doc!, statusCode: 200);
        });

        api.MapPost("/{id:int}/erase", async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> (
            int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (result, error) = await PersonalData.EraseAsync(db, user, id, clock, ct);
            return error is not null ? error.ToProblem() : TypedResults.Ok(result!);
        }).DisableAntiforgery();

        // The member page's erase button (a plain form post with its antiforgery token), post-redirect-get.
        app.MapPost("/members/{id:int}/erase", async (int id, AppDbContext db, CurrentUser user, TimeProvider clock, HttpContext ctx,
            Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, CancellationToken ct) =>
        {
            if (!await antiforgery.IsRequestValidAsync(ctx)) return Results.Redirect($"/members/{id}?erased=refused-400#personal-data");
            var (_, error) = await PersonalData.EraseAsync(db, user, id, clock, ct);
            return Results.Redirect(error is null ? $"/members/{id}?erased=done#personal-data" : $"/members/{id}?erased=refused-{error.Status}#personal-data");
        }).RequireAuthorization(Policies.SignedIn).ExcludeFromDescription();
    }
}
