using System.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MiniExcelLibs;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Web.Features.Study;

/// <summary><c>{"id"}</c> of a created course.</summary>
public sealed record CourseIdResult(int Id);

/// <summary><c>{"id","activityId"}</c> of a created session.</summary>
public sealed record SessionCreated(int Id, int ActivityId);

/// <summary>
/// Study and training API (issue 7 §1) under <c>/api/courses</c> plus the member's study record
/// (<c>GET /api/members/{id}/study?year=</c>), and the page endpoints of the course pages (material upload form, enrolment
/// .xlsx). Scope by <see cref="CourseAccess"/> (a course out of sight is 404; a course the caller reads but may not change
/// is 403); rules in <see cref="CourseRules"/>. Refusals are ProblemDetails with a Chinese <c>detail</c>, and for bad input
/// <c>errors: {field: [message]}</c> (<see cref="RuleError.ToProblem"/>).
/// </summary>
public static class CourseApi
{
    /// <summary>Content type of the enrolment export.</summary>
    public const string XlsxContentType = DutyExport.XlsxContentType;

    /// <summary>Maps the API and the page endpoints.</summary>
    public static void MapStudy(this WebApplication app)
    {
        var maxUpload = app.Services.GetRequiredService<IOptions<FileStoreOptions>>().Value.MaxVideoBytes + StudyMaterials.MultipartOverheadBytes;
        var api = app.MapGroup("/api/courses").WithTags("Study").RequireAuthorization(Policies.SignedIn);

        api.MapPost("", async Task<Results<Created<CourseIdResult>, ProblemHttpResult>> (CourseInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, error) = await CourseRules.CreateAsync(db, input, user, clock, ct);
            return error is not null ? error.ToProblem() : TypedResults.Created($"/api/courses/{c!.Id}", new CourseIdResult(c.Id));
        });

        // GET /api/courses?committee=CODE&status= → courses the caller sees (organised in the committee's subtree when given).
        api.MapGet("", async Task<Results<Ok<List<CourseListItem>>, ProblemHttpResult>> (string? committee, string? status, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (user.IsHandlingUnit && !user.IsAdmin) return RuleError.Forbidden("办理单位账号不能查看学习培训。").ToProblem();
            string? path = null;
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.AsNoTracking().Where(x => x.Code == committee.Trim()).Select(x => new { x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return RuleError.Bad($"未找到代码为“{committee}”的政协组织。", "committee").ToProblem();
                if (!user.IsAdmin && !((user.IsStaff || user.IsLeader) && Scope.CanRead(user, c.Path)))
                    return new RuleError(403, $"您无权查看“{c.Name}”举办的课程。", "committee").ToProblem();
                path = c.Path;
            }
            CourseStatus? st = null;
            if (status is { Length: > 0 })
            {
                if (!Enum.TryParse<CourseStatus>(status, true, out var parsed) || int.TryParse(status, out _))
                    return RuleError.Bad($"状态“{status}”无效，应为 draft、published、closed 或 cancelled。", "status").ToProblem();
                st = parsed;
            }
            return TypedResults.Ok(await CourseQueries.ListAsync(db, user, path, st, clock.GetUtcNow(), ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<CourseDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, false, ct);
            return error is not null ? error.ToProblem() : TypedResults.Ok(await CourseQueries.DetailAsync(db, c!, user, ct));
        });

        api.MapPut("/{id:int}", (int id, CourseInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, c => CourseRules.UpdateAsync(db, c, input, user, clock, ct)));

        api.MapPost("/{id:int}/publish", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, c => CourseRules.PublishAsync(db, c, clock, ct)));
        api.MapPost("/{id:int}/cancel", (int id, CourseCancelInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, c => CourseRules.CancelAsync(db, c, input?.Reason, clock, ct)));
        api.MapPost("/{id:int}/close", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, c => CourseRules.CloseAsync(db, c, clock, ct)));

        api.MapPost("/{id:int}/sessions", async Task<Results<Created<SessionCreated>, ProblemHttpResult>> (int id, SessionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, true, ct);
            if (error is not null) return error.ToProblem();
            var (s, refused) = await CourseRules.AddSessionAsync(db, c!, input, user, clock, ct);
            return refused is not null ? refused.ToProblem() : TypedResults.Created($"/api/courses/{id}/sessions/{s!.Id}", new SessionCreated(s.Id, s.ActivityId));
        });

        api.MapPut("/{id:int}/sessions/{sid:int}/quiz", async Task<Results<Ok<QuizView>, ProblemHttpResult>> (int id, int sid, QuizInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, true, ct);
            if (error is not null) return error.ToProblem();
            if (await CourseRules.SaveQuizAsync(db, c!, sid, input, clock, ct) is { } refused) return refused.ToProblem();
            return TypedResults.Ok(await CourseQueries.QuizAsync(db, c!, c!.Sessions.First(s => s.Id == sid), user, clock, ct));
        });

        api.MapGet("/{id:int}/sessions/{sid:int}/quiz", async Task<Results<Ok<QuizView>, ProblemHttpResult>> (int id, int sid, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, false, ct);
            if (error is not null) return error.ToProblem();
            if (c!.Sessions.FirstOrDefault(s => s.Id == sid) is not { } s) return RuleError.NotFound("本课程没有这一讲。").ToProblem();
            if (!CourseAccess.CanManage(user, c) && !await CourseAccess.IsEnrolledAsync(db, user, id, ct))
                return RuleError.Forbidden("只有本课程的学习对象和主办方工作人员可以查看测验。").ToProblem();
            return TypedResults.Ok(await CourseQueries.QuizAsync(db, c, s, user, clock, ct));
        });

        api.MapPost("/{id:int}/sessions/{sid:int}/attempts", async Task<Results<Created<AttemptResult>, ProblemHttpResult>> (int id, int sid, AttemptInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, false, ct);
            if (error is not null) return error.ToProblem();
            var (result, refused) = await CourseRules.AttemptAsync(db, c!, sid, user.MemberId, input, clock, ct);
            return refused is not null ? refused.ToProblem() : TypedResults.Created($"/api/courses/{id}/sessions/{sid}/quiz", result!);
        });

        // GET /api/courses/{id}/enrolments → the enrolment table in the caller's scope (office accounts who read the course).
        api.MapGet("/{id:int}/enrolments", async Task<Results<Ok<List<EnrolmentRow>>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (_, error) = await CourseAccess.FindAsync(db, user, id, false, ct);
            if (error is not null) return error.ToProblem();
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader)) return RuleError.Forbidden("只有工作人员和领导可以查看报名与结业情况。").ToProblem();
            return TypedResults.Ok(await CourseQueries.EnrolmentsAsync(db, id, user, ct));
        });

        // POST /api/courses/{id}/materials (multipart: kind document|video|link, title, file or url, optional sessionId) → the material.
        api.MapPost("/{id:int}/materials", async Task<Results<Created<CourseMaterialDto>, ProblemHttpResult>> (int id, HttpRequest request, AppDbContext db, CurrentUser user,
            FileStore files, TimeProvider clock, CancellationToken ct) =>
        {
            var (m, error) = await AddMaterialAsync(request, id, db, user, files, clock, ct);
            if (error is not null) return error.ToProblem();
            return TypedResults.Created($"/api/courses/{id}/materials/{m!.Id}", (await CourseQueries.MaterialsAsync(db, id, ct)).First(x => x.Id == m.Id));
        }).WithMetadata(new RequestSizeLimitAttribute(maxUpload)).DisableAntiforgery();

        api.MapGet("/{id:int}/materials/{mid:int}", async Task<IResult> (int id, int mid, AppDbContext db, CurrentUser user, FileStore files, CancellationToken ct) =>
        {
            if (!await CourseAccess.CanReadAsync(db, user, id, ct)) return RuleError.NotFound().ToProblem();
            var m = await db.StudyMaterials.AsNoTracking().Include(x => x.StoredFile).FirstOrDefaultAsync(x => x.Id == mid && x.CourseId == id, ct);
            if (m is null) return RuleError.NotFound("未找到该资料。").ToProblem();
            return m.Kind == MaterialKind.Link ? TypedResults.Redirect(m.Url) : StudyMaterials.Serve(files, m);
        });

        api.MapDelete("/{id:int}/materials/{mid:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, int mid, AppDbContext db, CurrentUser user, FileStore files, CancellationToken ct) =>
        {
            var error = await RemoveMaterialAsync(db, user, files, id, mid, ct);
            return error is not null ? error.ToProblem() : TypedResults.NoContent();
        });

        // GET /api/members/{id}/study?year= → the member's study record (the member, staff and leaders in scope).
        app.MapGet("/api/members/{id:int}/study", async Task<Results<Ok<MemberStudyRecord>, ProblemHttpResult>> (int id, string? year, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var path = await db.Members.AsNoTracking().Where(m => m.Id == id).Select(m => m.CommitteePath).FirstOrDefaultAsync(ct);
            if (path is null || !DutyFile.CanRead(user, id, path)) return RuleError.NotFound("未找到该委员，或不在您的权限范围内。").ToProblem();
            if (DutyFile.ParseYear(year, clock, out var yearError) is not { } y) return RuleError.Bad(yearError!, "year").ToProblem();
            return TypedResults.Ok((await StudyRecords.LoadAsync(db, id, y, ct))!);
        }).WithTags("Study").RequireAuthorization(Policies.SignedIn);

        // Page endpoints: the material form of the course pages (antiforgery checked after the large form is read) and the .xlsx.
        app.MapPost("/study/courses/{id:int}/materials", async (int id, HttpContext http, IAntiforgery antiforgery, AppDbContext db, CurrentUser user, FileStore files,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (_, error) = await AddMaterialAsync(http.Request, id, db, user, files, clock, ct, antiforgery);
            if (error is { Status: 404 }) return Results.NotFound();
            if (error is { Status: 403 }) return Results.Forbid();
            var back = $"/study/courses/{id}/edit";
            return Results.Redirect(error is null ? back + "?done=material#materials" : back + "?error=" + Uri.EscapeDataString(error.Message) + "#materials");
        }).RequireAuthorization(Policies.Staff).WithMetadata(new RequestSizeLimitAttribute(maxUpload)).DisableAntiforgery().ExcludeFromDescription();

        app.MapPost("/study/courses/{id:int}/materials/{mid:int}/delete", async (int id, int mid, HttpContext http, IAntiforgery antiforgery, AppDbContext db, CurrentUser user,
            FileStore files, CancellationToken ct) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            var error = await RemoveMaterialAsync(db, user, files, id, mid, ct);
            if (error is { Status: 404 }) return Results.NotFound();
            if (error is { Status: 403 }) return Results.Forbid();
            return Results.Redirect($"/study/courses/{id}/edit?done=material-removed#materials");
        }).RequireAuthorization(Policies.Staff).DisableAntiforgery().ExcludeFromDescription();

        app.MapGet("/study/courses/{id:int}/enrolments.xlsx", async (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (c, error) = await CourseAccess.FindAsync(db, user, id, false, ct);
            if (error is not null) return Results.NotFound();
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader)) return Results.Forbid();
            return Results.File(EnrolmentsXlsx(await CourseQueries.EnrolmentsAsync(db, id, user, ct)), XlsxContentType, $"{c!.Title}学员情况.xlsx");
        }).RequireAuthorization(Policies.Office).ExcludeFromDescription();
    }

    /// <summary>The enrolment table as an .xlsx (sheet 学员情况: 序号, 姓名, 所属政协, 出勤讲数, 通过测验数, 是否结业, 结业日期).</summary>
    public static byte[] EnrolmentsXlsx(IReadOnlyList<EnrolmentRow> rows)
    {
        var table = new DataTable("学员情况");
        table.Columns.Add("序号", typeof(int));
        table.Columns.Add("姓名", typeof(string));
        table.Columns.Add("所属政协", typeof(string));
        table.Columns.Add("出勤讲数", typeof(int));
        table.Columns.Add("通过测验数", typeof(int));
        table.Columns.Add("是否结业", typeof(string));
        table.Columns.Add("结业日期", typeof(string));
        var i = 0;
        foreach (var r in rows)
            table.Rows.Add(++i, DutyExport.Clean(r.Name), DutyExport.Clean(r.Committee), r.SessionsAttended, r.QuizzesPassed, r.Completed ? "已结业" : "未结业",
                r.CompletedAt is { } at ? DutyExport.Day(at) : "");
        using var ms = new MemoryStream();
        ms.SaveAs(new Dictionary<string, object> { ["学员情况"] = table }, excelType: ExcelType.XLSX);
        return ms.ToArray();
    }

    private static async Task<Results<Ok<CourseDetail>, ProblemHttpResult>> ManageAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, Func<Course, Task<RuleError?>> act)
    {
        var (c, error) = await CourseAccess.FindAsync(db, user, id, true, ct);
        if (error is not null) return error.ToProblem();
        if (await act(c!) is { } refused) return refused.ToProblem();
        db.ChangeTracker.Clear();
        var (fresh, _) = await CourseAccess.FindAsync(db, user, id, false, ct);
        return TypedResults.Ok(await CourseQueries.DetailAsync(db, fresh!, user, ct));
    }

    /// <summary>
    /// Reads a material upload (multipart, up to the video limit) and adds it through <see cref="StudyMaterials.AddAsync"/>
    /// after the manage check; with <paramref name="antiforgery"/> (the page form) the token is validated once the form is read.
    /// </summary>
    private static async Task<(StudyMaterial? Material, RuleError? Error)> AddMaterialAsync(HttpRequest request, int id, AppDbContext db, CurrentUser user, FileStore files,
        TimeProvider clock, CancellationToken ct, IAntiforgery? antiforgery = null)
    {
        var (c, error) = await CourseAccess.FindAsync(db, user, id, true, ct);
        if (error is not null) return (null, error);
        if (c!.Status == CourseStatus.Cancelled) return (null, RuleError.Conflict("课程已取消，不能再添加资料。"));
        var (form, unread) = await StudyMaterials.ReadUploadFormAsync(request.HttpContext, files, ct);
        if (unread is not null) return (null, unread);
        if (antiforgery is not null && !await antiforgery.IsRequestValidAsync(request.HttpContext)) return (null, RuleError.Bad("表单已过期，请刷新页面后重新上传。"));
        if (StudyMaterials.ParseKind(form!["kind"]) is not { } kind) return (null, RuleError.Bad("资料类型应为 document（文档）、video（视频）或 link（链接）。", "kind"));
        int? sessionId = null;
        if (form["sessionId"].FirstOrDefault() is { Length: > 0 } sid)
        {
            if (!int.TryParse(sid, out var s) || c.Sessions.All(x => x.Id != s)) return (null, RuleError.Bad("所选课次不属于本课程。", "sessionId"));
            sessionId = s;
        }
        var file = form.Files.GetFile("file");
        await using var stream = file?.OpenReadStream();
        var (m, refused) = await StudyMaterials.AddAsync(db, files, new StudyMaterial { CourseId = id, SessionId = sessionId, Kind = kind, Title = form["title"].FirstOrDefault() ?? "" },
            kind == MaterialKind.Link ? null : stream, file?.FileName, form["url"].FirstOrDefault(), user.UserName, clock, ct);
        if (refused is not null)
        {
            db.ChangeTracker.Clear();
            return (null, refused);
        }
        await db.SaveChangesAsync(ct);
        return (m, null);
    }

    private static async Task<RuleError?> RemoveMaterialAsync(AppDbContext db, CurrentUser user, FileStore files, int id, int mid, CancellationToken ct)
    {
        var (_, error) = await CourseAccess.FindAsync(db, user, id, true, ct);
        if (error is not null) return error;
        var m = await db.StudyMaterials.Include(x => x.StoredFile).FirstOrDefaultAsync(x => x.Id == mid && x.CourseId == id, ct);
        if (m is null) return RuleError.NotFound("未找到该资料。");
        StudyMaterials.Remove(db, files, m);
        await db.SaveChangesAsync(ct);
        return null;
    }
}
