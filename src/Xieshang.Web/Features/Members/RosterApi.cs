using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// Answer of the import endpoint, exactly <c>{"created": n, "updated": n, "errors": [{"row", "column", "message"}]}</c>
/// (see <see cref="RosterError"/>); for a dry run the counts say what would happen.
/// </summary>
public sealed record RosterImportAnswer(int Created, int Updated, IReadOnlyList<RosterError> Errors)
{
    /// <summary>The API view of a result (the preview rows stay out of the answer).</summary>
    public static RosterImportAnswer From(RosterImportResult r) => new(r.Created, r.Updated, r.Errors);

    /// <summary>A refused file: one error at row 0, column <c>""</c>.</summary>
    public static RosterImportAnswer Rejected(string message) => From(RosterImportResult.Rejected(message));
}

/// <summary>Roster import and export endpoints and their options.</summary>
public static class RosterApi
{
    /// <summary>Allowance for the multipart framing around the file when the request length is checked.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>Binds and validates <see cref="RosterOptions"/> from the <c>Roster</c> section (checked at start-up).</summary>
    public static IHostApplicationBuilder AddRoster(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RosterOptions>().BindConfiguration(RosterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// <para><c>POST /api/committees/{code}/members/import?dryRun=true|false</c> (multipart form, field <c>file</c>, an .xlsx):
    /// imports a roster (<see cref="RosterImport"/>). 200 with <see cref="RosterImportAnswer"/>, row errors included
    /// (valid rows are stored in one transaction unless <c>dryRun=true</c>; <c>dryRun</c> defaults to false);
    /// 400 with the same shape and one error at row 0 for a refused file (wrong type, damaged, empty, no 姓名 column,
    /// larger than <c>Roster:MaxFileBytes</c> — refused from Content-Length before the body is read — or more than
    /// <c>Roster:MaxRows</c> rows); 401 anonymous; 403 without <see cref="Scope.Manage"/> on the committee (leaders,
    /// members, staff of other committees); 404 unknown committee.</para>
    /// <para><c>GET /api/committees/{code}/members/export?includeInactive=false</c>: the committee's own roster as .xlsx
    /// (<see cref="RosterExport"/>), file name <c>{committee}委员名单.xlsx</c>. Administrators, staff and leaders with
    /// <see cref="Scope.Read"/> (contacts masked for leaders); members and handling units 403; 404 unknown committee.</para>
    /// </summary>
    public static void MapRosterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/committees/{code}/members").WithTags("Roster");

        api.MapPost("/import", async Task<Results<Ok<RosterImportAnswer>, BadRequest<RosterImportAnswer>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, bool? dryRun, HttpRequest request, AppDbContext db, IAuthorizationService auth, IOptions<RosterOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (committee is null) return CommitteesApi.NotFound(code);
            if (!(await auth.AuthorizeAsync(request.HttpContext.User, committee, Scope.Manage)).Succeeded) return TypedResults.Forbid();

            var max = options.Value.MaxFileBytes;
            // The server-wide body limit (Kestrel: 30 MB) is lowered to this endpoint's; servers without the feature skip it.
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                bodyLimit.MaxRequestBodySize = max + MultipartOverheadBytes;
            if (request.ContentLength > max + MultipartOverheadBytes)
                return TypedResults.BadRequest(RosterImportAnswer.Rejected(RosterImport.TooLargeMessage(request.ContentLength, max)));
            if (!request.HasFormContentType)
                return TypedResults.BadRequest(RosterImportAnswer.Rejected("请以 multipart/form-data 表单上传名单文件，字段名为 file"));

            IFormFile? file;
            try
            {
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max + MultipartOverheadBytes }, ct);
                file = form.Files.GetFile("file");
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                // Bodies without Content-Length stop at the form or request size limit instead.
                return TypedResults.BadRequest(RosterImportAnswer.Rejected(
                    e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e.Message.Contains("body length limit", StringComparison.Ordinal)
                        ? RosterImport.TooLargeMessage(null, max)
                        : "上传的表单无法读取，请重新选择文件上传"));
            }
            if (file is null) return TypedResults.BadRequest(RosterImportAnswer.Rejected("没有收到名单文件，请在表单字段 file 中上传 .xlsx 文件"));
            if (file.Length > max) return TypedResults.BadRequest(RosterImportAnswer.Rejected(RosterImport.TooLargeMessage(file.Length, max)));

            await using var stream = file.OpenReadStream();
            var result = await RosterImport.RunAsync(db, committee, stream, file.FileName, dryRun ?? false, clock, options.Value, ct);
            var answer = RosterImportAnswer.From(result);
            return result.FileRejected ? TypedResults.BadRequest(answer) : TypedResults.Ok(answer);
        })
        .RequireAuthorization(Policies.SignedIn)
        .DisableAntiforgery();

        api.MapGet("/export", async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, bool? includeInactive, AppDbContext db, IAuthorizationService auth, HttpContext ctx, CurrentUser user, CancellationToken ct) =>
        {
            var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (committee is null) return CommitteesApi.NotFound(code);
            if (!(await auth.AuthorizeAsync(ctx.User, committee, Scope.Read)).Succeeded) return TypedResults.Forbid();
            using var buffer = new MemoryStream();
            await RosterExport.WriteAsync(db, committee, user, includeInactive ?? false, buffer, ct);
            return TypedResults.File(buffer.ToArray(), RosterExport.ContentType, RosterExport.FileName(committee));
        })
        .RequireAuthorization(Policies.Office);
    }
}
