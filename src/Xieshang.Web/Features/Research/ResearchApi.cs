using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Research;

/// <summary>Body of a plan action: the plan text (submit; replaces the stored plan when given) and a note (a return's reason).</summary>
public sealed record ResearchPlanActionInput(string? Plan, string? Note);

/// <summary>Body of a report action: a note (a return's reason) and, to send, where to (报送单位).</summary>
public sealed record ResearchReportActionInput(string? Note, string? SentTo);

/// <summary>Body of cancelling a project: the reason (required, at most 500 characters).</summary>
public sealed record ResearchCancelInput(string? Reason);

/// <summary>
/// Answer of registering an output: the output row, its kind, the new item's id (proposal, opinion item, outcome; null for a
/// speech), its link as the caller sees it (the item's page when the caller may open it, else the output's row on the project
/// page, <c>/research/{id}#output-{outputId}</c>), whether the caller may open the item, its state (草稿…), the member in whose
/// drafts a draft waits, and a sentence saying where it is.
/// </summary>
public sealed record ResearchOutputCreated(int Id, string Kind, int? TargetId, string Link, bool CanOpen, string State, string? WaitsWith, string Message);

/// <summary>
/// Research and inspection API (DOMAIN.md §4.6) under <c>/api/research</c>: create and list projects, the detail, the
/// team (<c>PUT /{id}/team</c>), plan and report actions, the report text, field work (activities), records and photos,
/// outputs, cancelling (<c>POST /{id}/cancel</c>), the report as .docx.
/// Scope by <see cref="ResearchAccess"/>; rules in <see cref="ResearchRules"/>. Errors are ProblemDetails with a Chinese
/// <c>detail</c> (and <c>field</c>), or a validation problem with errors by field.
/// </summary>
public static class ResearchApi
{
    /// <summary>Maps the endpoints.</summary>
    public static void MapResearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/research").WithTags("Research").RequireAuthorization(Policies.SignedIn);

        api.MapPost("", async Task<Results<Created<IdResult>, ValidationProblem, ProblemHttpResult>> (ResearchInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (project, error, errors) = await ResearchRules.CreateAsync(db, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.TryGetValue("organizerCodes", out var m) && m[0].StartsWith("您无权", StringComparison.Ordinal)) return Problem(new(403, m[0], "organizerCodes"));
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "请求有误");
            return TypedResults.Created($"/api/research/{project!.Id}", new IdResult(project.Id));
        });

        api.MapGet("", async Task<Results<Ok<List<ResearchListItem>>, ProblemHttpResult>> (string? committee, string? status, string? kind, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            string? path = null;
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.AsNoTracking().Where(x => x.Code == committee.Trim()).Select(x => new { x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return Problem(new(404, $"未找到代码为“{committee}”的政协组织。", "committee"));
                if (!user.IsAdmin && !((user.IsStaff || user.IsLeader) && Scope.CanRead(user, c.Path)))
                    return Problem(new(403, $"您无权查看“{c.Name}”的调研视察项目。", "committee"));
                path = c.Path;
            }
            ResearchStatus? st = null;
            if (status is { Length: > 0 })
            {
                st = ResearchWorkflow.ParseStatus(status);
                if (st is null) return Problem(new(400, $"状态“{status}”无效，应为：{string.Join("、", ResearchWorkflow.Statuses.Select(s => s.Code))}。", "status"));
            }
            ResearchKind? k = null;
            if (kind is { Length: > 0 })
            {
                k = ResearchWorkflow.ParseKind(kind);
                if (k is null) return Problem(new(400, "类型应为 research（调研）或 inspection（视察）。", "kind"));
            }
            return TypedResults.Ok(await ResearchQueries.ListAsync(db, user, path, st, k, ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<ResearchDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await ResearchQueries.DetailAsync(db, p!, user, ct));
        });

        api.MapPost("/{id:int}/plan/actions/{action}", (int id, string action, ResearchPlanActionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, p => ResearchRules.PlanActAsync(db, p, action, input?.Plan, input?.Note, user, clock, ct)));

        api.MapPut("/{id:int}/report", async Task<Results<Ok<ResearchDetail>, ValidationProblem, ProblemHttpResult>> (int id, ResearchRules.ReportInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (error, errors) = await ResearchRules.SaveReportAsync(db, p!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "请求有误");
            return TypedResults.Ok(await ReloadAsync(db, id, user, ct));
        });

        api.MapPost("/{id:int}/report/actions/{action}", (int id, string action, ResearchReportActionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, p => ResearchRules.ReportActAsync(db, p, action, input?.Note, input?.SentTo, user, clock, ct)));

        api.MapPut("/{id:int}/team", async Task<Results<Ok<ResearchDetail>, ValidationProblem, ProblemHttpResult>> (int id, ResearchTeamInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (error, errors) = await ResearchRules.UpdateTeamAsync(db, p!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.Values.SelectMany(v => v).First(), title: "请求有误");
            return TypedResults.Ok(await ReloadAsync(db, id, user, ct));
        });

        api.MapPost("/{id:int}/cancel", (int id, ResearchCancelInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, p => ResearchRules.CancelAsync(db, p, input?.Reason, user, clock, ct)));

        api.MapPost("/{id:int}/fieldwork", async Task<Results<Created<IdResult>, ValidationProblem, ProblemHttpResult>> (int id, ResearchRules.FieldWorkInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (row, error, errors) = await ResearchRules.AddFieldWorkAsync(db, p!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0)
            {
                if (errors.Values.SelectMany(v => v).FirstOrDefault(x => x.StartsWith("您无权", StringComparison.Ordinal)) is { } no) return Problem(new(403, no));
                return TypedResults.ValidationProblem(errors, title: "请求有误");
            }
            var warning = input.StartsAt is { } sa ? ResearchRules.ScheduleWarning(p!, sa, input.EndsAt ?? sa) : "";
            return TypedResults.Created($"/activities/{row!.ActivityId}", new IdResult(row.Id) { ActivityId = row.ActivityId, Warning = warning.Length > 0 ? warning : null });
        });

        api.MapPost("/{id:int}/files", async Task<Results<Created<ResearchFileDto>, ProblemHttpResult>> (int id, HttpRequest request, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (!request.HasFormContentType) return Problem(new(400, "请以 multipart/form-data 上传文件（字段 file）。", "file"));
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("file");
            if (file is null) return Problem(new(400, "请选择要上传的文件。", "file"));
            if (file.Length > ResearchRules.MaxFileBytes) return Problem(new(400, $"文件不能超过 {ResearchRules.MaxFileBytes / 1048576} MB。", "file"));
            int? fieldWorkId = int.TryParse(form["fieldWorkId"], out var fw) ? fw : null;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms, ct);
            var (f, error) = await ResearchRules.AddFileAsync(db, p!, file.FileName, ms.ToArray(), form["caption"], fieldWorkId, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/research/files/{f!.Id}", new ResearchFileDto(f.Id, f.FileName, f.ContentType, f.Size, f.Caption, f.FieldWorkId, f.IsImage,
                f.UploadedBy, f.UploadedAt, $"/api/research/files/{f.Id}"));
        }).DisableAntiforgery();

        api.MapGet("/files/{fileId:int}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int fileId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var pid = await db.ResearchFiles.AsNoTracking().Where(f => f.Id == fileId).Select(f => (int?)f.ResearchProjectId).FirstOrDefaultAsync(ct);
            if (pid is null) return Problem(new(404, "没有这个文件。"));
            var (p, refused) = await FindAsync(db, pid.Value, user, ct);
            if (refused is not null) return Problem(refused);
            if (!ResearchAccess.CanReadReport(user, p!, await ResearchAccess.IsSiblingOnlyAsync(db, user, p!, ct))) return Problem(new(403, "该子课题尚未共享，您无权查看其记录和照片。"));
            if (await ResearchAccess.IsInviteeOnlyAsync(db, user, p!, ct)) return Problem(new(403, "贵单位参加这项同题调研后，才能查看上级课题的记录和照片。"));
            var f = await db.ResearchFiles.AsNoTracking().FirstAsync(x => x.Id == fileId, ct);
            return TypedResults.File(f.Content, f.ContentType, f.IsImage ? null : f.FileName);
        });

        api.MapPost("/{id:int}/outputs", async Task<Results<Created<ResearchOutputCreated>, ValidationProblem, ProblemHttpResult>> (int id, ResearchRules.OutputInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (output, link, error, errors) = await ResearchRules.AddOutputAsync(db, p!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "请求有误");
            var seen = (await ResearchQueries.OutputsAsync(db, [output!], p!.Team.FirstOrDefault(t => t.Role == TeamRole.Author)?.Name, user, ct))[0];
            var message = seen.Note.Length > 0 ? $"已生成{seen.KindName}草稿「{seen.Title}」（编号 {seen.TargetId}）。{seen.Note}" : $"已登记{seen.KindName}「{seen.Title}」。";
            return TypedResults.Created(link, new ResearchOutputCreated(output!.Id, seen.Kind, output!.TargetId, link, seen.CanOpen, seen.State, seen.WaitsWith, message));
        });

        api.MapGet("/{id:int}/report.docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var detail = await ResearchQueries.DetailAsync(db, p!, user, ct);
            if (detail.TopicOnly) return Problem(new(403, "贵单位参加这项同题调研后，才能查看上级课题的报告。"));
            if (detail.Report is null) return Problem(new(403, "该子课题尚未共享，您无权查看其报告。"));
            return TypedResults.File(ResearchReport.Write(detail, clock.GetUtcNow()), ResearchReport.ContentType, $"调研报告-{id}.docx");
        });
    }

    /// <summary>Id of a created item; <see cref="ActivityId"/> for a field-work trip (its activity).</summary>
    public sealed record IdResult(int Id)
    {
        /// <summary>The trip's activity (field work only; left out otherwise).</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public int? ActivityId { get; init; }

        /// <summary>A field-work trip outside the project's schedule: the Chinese warning (the trip is saved); left out otherwise.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? Warning { get; init; }
    }

    /// <summary>
    /// A ProblemDetails result of a refusal (title by status). When the input at fault is known it carries it as <c>field</c>
    /// and, in the shape of a validation problem (README: <c>errors: {field: [messages]}</c>), as <c>errors</c> — for a 400 and
    /// for a 409 on an input (a second sub-project for a committee, a second proposal draft) alike; other statuses keep only <c>field</c>.
    /// </summary>
    public static ProblemHttpResult Problem(ResearchError e) => TypedResults.Problem(statusCode: e.Status, detail: e.Message,
        title: e.Status switch { 400 => "请求有误", 403 => "无权操作", 404 => "未找到", 409 => "当前不能这样操作", _ => "请求有误" },
        extensions: e.Field.Length == 0 ? null : e.Status is 400 or 409
            ? new Dictionary<string, object?> { ["field"] = e.Field, ["errors"] = new Dictionary<string, string[]> { [e.Field] = [e.Message] } }
            : new Dictionary<string, object?> { ["field"] = e.Field });

    /// <summary>A project <paramref name="user"/> may see, tracked with organisers and team (404 none, 403 out of scope).</summary>
    public static async Task<(ResearchProject? Project, ResearchError? Refused)> FindAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct)
    {
        var p = await ResearchRules.LoadAsync(db, id, ct);
        if (p is null) return (null, new(404, "没有这个调研视察项目。"));
        if (!await ResearchAccess.CanReadAsync(db, user, id, ct)) return (null, new(403, "您无权查看这个调研视察项目。"));
        return (p, null);
    }

    private static async Task<ResearchDetail> ReloadAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await ResearchQueries.DetailAsync(db, (await ResearchRules.LoadAsync(db, id, ct))!, user, ct);
    }

    private static async Task<Results<Ok<ResearchDetail>, ProblemHttpResult>> ActAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, Func<ResearchProject, Task<ResearchError?>> action)
    {
        var (p, refused) = await FindAsync(db, id, user, ct);
        if (refused is not null) return Problem(refused);
        if (await action(p!) is { } error)
        {
            db.ChangeTracker.Clear();
            return Problem(error);
        }
        return TypedResults.Ok(await ReloadAsync(db, id, user, ct));
    }
}
