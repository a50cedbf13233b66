using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Study;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Lectures;

/// <summary><c>{"id"}</c>.</summary>
public sealed record LectureId(int Id);

/// <summary>Body of <c>POST /api/lectures/{id}/cancel</c>: the reason sent to invitees (required once published).</summary>
public sealed record LectureCancelInput(string? Reason);

/// <summary>Body of <c>POST /api/lectures/{id}/postpone</c>: new start and end (instants) and the reason sent to invitees.</summary>
public sealed record LecturePostponeInput(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);

/// <summary>
/// Lecture halls API (DOMAIN.md §4.9). Signed in: <c>POST/GET /api/lecture-series</c> (<c>?committee=</c> code: that
/// committee and below), <c>PUT /api/lecture-series/{id}</c>, <c>POST /api/lectures</c> → <c>{"id"}</c>,
/// <c>GET /api/lectures?series=</c>, <c>GET/PUT /api/lectures/{id}</c>, <c>POST /api/lectures/{id}/publish|cancel|postpone</c>,
/// <c>POST/GET /api/lectures/{id}/materials</c> (multipart <c>kind</c>, <c>title</c>, <c>file</c> or <c>url</c>),
/// <c>GET/DELETE /api/lectures/{id}/materials/{materialId}</c>; the detail page's upload form posts to <c>POST /lectures/{id}/materials</c>. Public (no sign-in): <c>GET /api/public/lectures?series=&amp;hall=&amp;page=</c>.
/// Access by <see cref="LectureAccess"/> (out of sight: 404; seen but not managed: 403); refusals are <see cref="RuleError"/> problems in Chinese.
/// </summary>
public static class LecturesApi
{
    /// <summary>Maps the lecture endpoints.</summary>
    public static void MapLecturesApi(this IEndpointRouteBuilder app)
    {
        var maxUpload = app.ServiceProvider.GetRequiredService<IOptions<FileStoreOptions>>().Value.MaxVideoBytes + StudyMaterials.MultipartOverheadBytes;
        var series = app.MapGroup("/api/lecture-series").WithTags("Lectures").RequireAuthorization(Policies.SignedIn);

        series.MapGet("", async Task<IResult> (string? committee, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (user.IsHandlingUnit && !user.IsAdmin) return RuleError.Forbidden("办理单位账号不能查看讲堂。").ToProblem();
            string? path = null;
            if (committee is { Length: > 0 })
            {
                path = await db.Committees.Where(c => c.Code == committee).Select(c => c.Path).FirstOrDefaultAsync(ct);
                if (path is null) return RuleError.NotFound($"未找到代码为“{committee}”的政协组织。").ToProblem();
                if (!user.IsMember && !Scope.CanRead(user, path)) return RuleError.Forbidden("该政协组织不在您的权限范围内。").ToProblem();
            }
            return TypedResults.Ok(await LectureQueries.SeriesAsync(db, user, path, ct));
        });

        series.MapPost("", async Task<IResult> (SeriesInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return RuleError.Forbidden("只有政协机关工作人员可以设立讲堂系列。").ToProblem();
            var (s, error) = await LectureRules.SaveSeriesAsync(db, null, input, user, clock, ct);
            return error is not null ? error.ToProblem() : TypedResults.Created($"/api/lecture-series/{s!.Id}", new LectureId(s.Id));
        });

        series.MapPut("/{id:int}", async Task<IResult> (int id, SeriesInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (s, refusal) = await LectureAccess.FindSeriesAsync(db, user, id, manage: true, ct);
            if (refusal is not null) return refusal.ToProblem();
            var (_, error) = await LectureRules.SaveSeriesAsync(db, s, input, user, clock, ct);
            return error is not null ? error.ToProblem() : TypedResults.Ok(new LectureId(id));
        });

        var api = app.MapGroup("/api/lectures").WithTags("Lectures").RequireAuthorization(Policies.SignedIn);

        api.MapGet("", async Task<IResult> (int? series, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (user.IsHandlingUnit && !user.IsAdmin) return RuleError.Forbidden("办理单位账号不能查看讲堂。").ToProblem();
            if (series is { } sid && !await db.LectureSeries.Where(s => s.Id == sid).VisibleTo(db, user).AnyAsync(ct)) return RuleError.NotFound().ToProblem();
            return TypedResults.Ok(await LectureQueries.LecturesAsync(db, user, series, clock, ct));
        });

        api.MapGet("/{id:int}", async Task<IResult> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (l, refusal) = await LectureAccess.FindAsync(db, user, id, manage: false, ct);
            return refusal is not null ? refusal.ToProblem() : TypedResults.Ok(await LectureQueries.DetailAsync(db, l!, user, clock, ct));
        });

        api.MapPost("", async Task<IResult> (LectureInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return RuleError.Forbidden("只有政协机关工作人员可以安排讲堂。").ToProblem();
            var (l, error, errors) = await LectureRules.SaveAsync(db, null, input, user, clock, ct);
            return error is not null ? Problem(error, errors) : TypedResults.Created($"/api/lectures/{l!.Id}", new LectureId(l.Id));
        });

        api.MapPut("/{id:int}", async Task<IResult> (int id, LectureInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (l, refusal) = await LectureAccess.FindAsync(db, user, id, manage: true, ct);
            if (refusal is not null) return refusal.ToProblem();
            var (_, error, errors) = await LectureRules.SaveAsync(db, l, input, user, clock, ct);
            return error is not null ? Problem(error, errors) : TypedResults.Ok(new LectureId(id));
        });

        api.MapPost("/{id:int}/publish", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, l => LectureRules.PublishAsync(db, l, clock, ct)));

        api.MapPost("/{id:int}/cancel", (int id, LectureCancelInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, l => LectureRules.CancelAsync(db, l, input?.Reason, clock, ct)));

        api.MapPost("/{id:int}/postpone", (int id, LecturePostponeInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, l => LectureRules.PostponeAsync(db, l, input.StartsAt, input.EndsAt, input.Reason, clock, ct)));

        api.MapGet("/{id:int}/materials", async Task<IResult> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (l, refusal) = await LectureAccess.FindAsync(db, user, id, manage: false, ct);
            return refusal is not null ? refusal.ToProblem() : TypedResults.Ok(await LectureQueries.MaterialsAsync(db, l!.Id, ct));
        });

        // Multipart: kind (document|video|link), title, file or url. A recording may be up to Files:MaxVideoBytes; the form is
        // read through StudyMaterials.ReadUploadFormAsync, which lifts Kestrel's request limit and the multipart limit for it.
        api.MapPost("/{id:int}/materials", async Task<IResult> (int id, HttpContext http, AppDbContext db, FileStore files, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (m, error) = await AddMaterialAsync(http, id, db, files, user, clock, null, ct);
            if (error is not null) return error.ToProblem();
            var item = (await LectureQueries.MaterialsAsync(db, id, ct)).First(x => x.Id == m!.Id);
            return TypedResults.Created($"/api/lectures/{id}/materials/{m!.Id}", item);
        }).WithMetadata(new RequestSizeLimitAttribute(maxUpload)).DisableAntiforgery();

        // The detail page's upload form posts here (not to the page itself, whose request limit is Kestrel's ~28.6 MB):
        // antiforgery is checked once the large form is read; done → /lectures/{id}?done=material, refused → ?error=<message>.
        app.MapPost("/lectures/{id:int}/materials", async (int id, HttpContext http, IAntiforgery antiforgery, AppDbContext db, FileStore files, CurrentUser user,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (_, error) = await AddMaterialAsync(http, id, db, files, user, clock, antiforgery, ct);
            if (error is { Status: 404 }) return Results.NotFound();
            if (error is { Status: 403 }) return Results.Forbid();
            return Results.Redirect(error is null ? $"/lectures/{id}?done=material#materials" : $"/lectures/{id}?error={Uri.EscapeDataString(error.Message)}#materials");
        }).RequireAuthorization(Policies.Staff).WithMetadata(new RequestSizeLimitAttribute(maxUpload)).DisableAntiforgery().ExcludeFromDescription();

        api.MapGet("/{id:int}/materials/{materialId:int}", async Task<IResult> (int id, int materialId, AppDbContext db, FileStore files, CurrentUser user, CancellationToken ct) =>
        {
            var (_, refusal) = await LectureAccess.FindAsync(db, user, id, manage: false, ct);
            if (refusal is not null) return refusal.ToProblem();
            var m = await db.StudyMaterials.AsNoTracking().Include(x => x.StoredFile).FirstOrDefaultAsync(x => x.Id == materialId && x.LectureId == id, ct);
            return m is null ? RuleError.NotFound("未找到该材料。").ToProblem() : StudyMaterials.Serve(files, m);
        });

        api.MapDelete("/{id:int}/materials/{materialId:int}", async Task<IResult> (int id, int materialId, AppDbContext db, FileStore files, CurrentUser user, CancellationToken ct) =>
        {
            var (_, refusal) = await LectureAccess.FindAsync(db, user, id, manage: true, ct);
            if (refusal is not null) return refusal.ToProblem();
            var m = await db.StudyMaterials.Include(x => x.StoredFile).FirstOrDefaultAsync(x => x.Id == materialId && x.LectureId == id, ct);
            if (m is null) return RuleError.NotFound("未找到该材料。").ToProblem();
            StudyMaterials.Remove(db, files, m);
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        });

        // The public archive as JSON: the same fields as /lectures/archive, nothing internal.
        app.MapGet("/api/public/lectures", async Task<IResult> (int? series, string? hall, int? page, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            LectureHall? h = null;
            if (hall is { Length: > 0 })
            {
                if (LectureCodes.ParseHall(hall) is not { } parsed) return RuleError.Bad($"讲堂类别“{hall}”无效，应为 cppcc、ethics、law 或 other。", "hall").ToProblem();
                h = parsed;
            }
            return TypedResults.Ok(await LectureQueries.ArchiveAsync(db, series, h, page ?? 1, clock, ct));
        }).AllowAnonymous().WithTags("Lectures");
    }

    /// <summary>
    /// Adds a material from a multipart upload (API or page form) after the manage check: the form is read through
    /// <see cref="StudyMaterials.ReadUploadFormAsync"/>; with <paramref name="antiforgery"/> (the page form) the token is
    /// validated once it is read. Saves on success; nothing is changed on a refusal.
    /// </summary>
    private static async Task<(StudyMaterial? Material, RuleError? Error)> AddMaterialAsync(HttpContext http, int id, AppDbContext db, FileStore files, CurrentUser user,
        TimeProvider clock, IAntiforgery? antiforgery, CancellationToken ct)
    {
        var (l, refusal) = await LectureAccess.FindAsync(db, user, id, manage: true, ct);
        if (refusal is not null) return (null, refusal);
        var (form, unread) = await StudyMaterials.ReadUploadFormAsync(http, files, ct);
        if (unread is not null) return (null, unread);
        if (antiforgery is not null && !await antiforgery.IsRequestValidAsync(http)) return (null, RuleError.Bad("表单已过期，请刷新页面后重新上传。"));
        var file = form!.Files.GetFile("file");
        if (file is { Length: 0, FileName.Length: 0 }) file = null;
        await using var stream = file?.OpenReadStream();
        return await LectureRules.AddMaterialAsync(db, files, l!, form["kind"].FirstOrDefault(), form["title"].FirstOrDefault(), stream, file?.FileName,
            form["url"].FirstOrDefault(), user, clock, ct);
    }

    /// <summary>A refusal as ProblemDetails (<see cref="RuleError.ToProblem"/>) carrying every field error when there are several.</summary>
    private static IResult Problem(RuleError error, Dictionary<string, string[]> errors) =>
        errors.Count <= 1 || error.Status != 400 ? error.ToProblem()
            : TypedResults.Problem(statusCode: 400, title: "请求有误", detail: error.Message,
                extensions: new Dictionary<string, object?> { ["field"] = error.Field, ["errors"] = errors });

    private static async Task<IResult> ManageAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, Func<Lecture, Task<RuleError?>> action)
    {
        var (l, refusal) = await LectureAccess.FindAsync(db, user, id, manage: true, ct);
        if (refusal is not null) return refusal.ToProblem();
        return await action(l!) is { } error ? error.ToProblem() : TypedResults.NoContent();
    }
}
