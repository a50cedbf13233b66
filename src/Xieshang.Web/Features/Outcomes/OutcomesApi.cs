using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>Registers outcome tracking: <see cref="OutcomeOptions"/> (section <c>Outcomes</c>) and the chain's resolvers.</summary>
public static class OutcomesSetup
{
    /// <summary><c>builder.AddOutcomes()</c>.</summary>
    public static WebApplicationBuilder AddOutcomes(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutcomeOptions>().BindConfiguration("Outcomes")
            .Validate(o => o.StalledDays is >= 1 and <= 3650, "Outcomes:StalledDays must be between 1 and 3650.").ValidateOnStart();
        builder.Services.AddScoped<IWorkItemResolver, ProposalResolver>();
        builder.Services.AddScoped<IWorkItemResolver, OpinionResolver>();
        builder.Services.AddScoped<IWorkItemResolver, ConsultationResolver>();
        builder.Services.AddScoped<IWorkItemResolver, ActivityResolver>();
        builder.Services.AddScoped<IWorkItemResolver, Research.ResearchWorkItemResolver>();
        builder.Services.AddScoped<IWorkItemResolver, Research.TopicWorkItemResolver>();
        builder.Services.AddScoped<IWorkItemResolver, Studios.StudioMessageResolver>();
        builder.Services.AddScoped<IWorkItemResolver, Studios.StudioResolver>();
        builder.Services.AddScoped<IWorkItemResolver, OutcomeResolver>();
        return builder;
    }
}

/// <summary>
/// Outcomes API (DOMAIN.md §4.8) under <c>/api/outcomes</c> and the chain under <c>/api/chain</c>:
/// <list type="bullet">
/// <item><c>GET /api/outcomes?committee=&amp;status=&amp;kind=</c> — the outcomes the viewer may list (<see cref="OutcomeAccess.VisibleTo"/>;
/// <c>committee</c> a code: its subtree; <c>status</c> a <see cref="OutcomeCodes.Statuses"/> code; <c>kind</c> a kind code), at most 500, latest change first;</item>
/// <item><c>GET /api/outcomes/dashboard?committee=&amp;kind=</c> — <see cref="OutcomeDashboardDto"/> (staff, leaders, administrator);</item>
/// <item><c>GET /api/outcomes/{id}</c> — <see cref="OutcomeDetail"/>;</item>
/// <item><c>POST /api/outcomes/{id}/adoption</c> <c>{"status","body","on","note"}</c>, <c>/instructions</c> <c>{"leaderName","level","text","on"}</c>,
/// <c>/milestones</c> (and <c>PUT /milestones/{mid}</c>) <c>{"title","dueOn","doneOn","note"}</c>, <c>/feedback</c> <c>{"text","on"}</c> — staff in scope;</item>
/// <item><c>POST /api/outcomes/{id}/progress</c> — JSON <c>{"percent","note","on"}</c>, or multipart with those fields and
/// <c>files</c>; staff in scope or the responsible department's account; 201 with the progress report;</item>
/// <item><c>GET /api/outcomes/{id}/files/{fileId}</c> — an evidence file, for whoever may read the outcome;</item>
/// <item><c>GET /api/chain/{type}/{id}</c> — <see cref="ChainDto"/> around any work item the viewer may read.</item>
/// </list>
/// Errors are problem details with a Chinese <c>detail</c> (and <c>field</c> for bad input); a refusal changes nothing.
/// </summary>
public static class OutcomesApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapOutcomesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/outcomes").WithTags("Outcomes").RequireAuthorization(Policies.SignedIn);

        api.MapGet("", async Task<Results<Ok<List<OutcomeListItem>>, ProblemHttpResult>> (string? committee, string? status, string? kind,
            AppDbContext db, CurrentUser user, TimeProvider clock, IOptions<OutcomeOptions> options, IEnumerable<IWorkItemResolver> resolvers, CancellationToken ct) =>
        {
            var q = db.Outcomes.AsNoTracking();
            if (committee is { Length: > 0 })
            {
                var (c, refused) = await CommitteeAsync(db, committee, user, ct);
                if (refused is not null) return Problem(refused);
                q = q.Where(o => o.CommitteePath.StartsWith(c!.Path));
            }
            var cutoff = OutcomeQueries.StalledCutoff(clock, options.Value);
            if (status is { Length: > 0 })
            {
                if (q.WithStatus(status, cutoff) is not { } filtered)
                    return Problem(new(400, $"状态“{status}”无效，应为：{string.Join("、", OutcomeCodes.Statuses.Select(s => s.Code))}。", "status"));
                q = filtered;
            }
            if (kind is { Length: > 0 })
            {
                if (OutcomeCodes.ParseKind(kind) is not { } k) return Problem(new(400, $"成果类别“{kind}”无效，应为：{string.Join("、", OutcomeCodes.Kinds.Select(x => x.Code))}。", "kind"));
                q = q.Where(o => o.Kind == k);
            }
            var list = await OutcomeAccess.ReadableAsync(db, user, q, resolvers, 500, ct);
            return TypedResults.Ok(await OutcomeQueries.ListAsync(db, list, cutoff, ct));
        });

        api.MapGet("/dashboard", async Task<Results<Ok<OutcomeDashboardDto>, ProblemHttpResult>> (string? committee, string? kind,
            AppDbContext db, CurrentUser user, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
        {
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader)) return Problem(new(403, "成果统计只供政协机关和领导查看。"));
            var code = committee is { Length: > 0 } ? committee : user.CommitteeCode ?? "";
            var (c, refused) = await CommitteeAsync(db, code, user, ct);
            if (refused is not null) return Problem(refused);
            OutcomeKind? k = null;
            if (kind is { Length: > 0 })
            {
                if (OutcomeCodes.ParseKind(kind) is not { } parsed) return Problem(new(400, $"成果类别“{kind}”无效。", "kind"));
                k = parsed;
            }
            return TypedResults.Ok(await OutcomeDashboard.BuildAsync(db, c!, k, OutcomeQueries.StalledCutoff(clock, options.Value), options.Value.StalledDays, ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<OutcomeDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers,
            TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
        {
            var (o, refused) = await FindAsync(db, id, user, resolvers, ct);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await OutcomeQueries.DetailAsync(db, o!, user, resolvers, clock, options.Value, ct));
        });

        api.MapPost("/{id:int}/adoption", (int id, OutcomeAdoptionInput input, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
            ActAsync(db, user, resolvers, clock, options.Value, id, ct, o => OutcomeRules.SetAdoptionAsync(db, o, input, user, clock, ct)));

        api.MapPost("/{id:int}/instructions", (int id, OutcomeInstructionInput input, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
            ActAsync(db, user, resolvers, clock, options.Value, id, ct, o => OutcomeRules.AddInstructionAsync(db, o, input, user, clock, ct)));

        api.MapPost("/{id:int}/milestones", (int id, OutcomeMilestoneInput input, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
            ActAsync(db, user, resolvers, clock, options.Value, id, ct, o => OutcomeRules.SaveMilestoneAsync(db, o, null, input, user, clock, ct)));

        api.MapPut("/{id:int}/milestones/{mid:int}", (int id, int mid, OutcomeMilestoneInput input, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
            ActAsync(db, user, resolvers, clock, options.Value, id, ct, o => OutcomeRules.SaveMilestoneAsync(db, o, mid, input, user, clock, ct)));

        api.MapPost("/{id:int}/feedback", (int id, OutcomeFeedbackInput input, AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, IOptions<OutcomeOptions> options, CancellationToken ct) =>
            ActAsync(db, user, resolvers, clock, options.Value, id, ct, o => OutcomeRules.SetFeedbackAsync(db, o, input, user, clock, ct)));

        api.MapPost("/{id:int}/progress", async Task<Results<Created<ProgressDto>, ProblemHttpResult>> (int id, HttpRequest request, AppDbContext db, CurrentUser user,
            IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, CancellationToken ct) =>
        {
            var (o, refused) = await FindAsync(db, id, user, resolvers, ct, tracked: true);
            if (refused is not null) return Problem(refused);
            var (input, files, bad) = await ReadProgressAsync(request, ct);
            if (bad is not null) return Problem(bad);
            var (p, error) = await OutcomeRules.ReportProgressAsync(db, o!, input!, files, user, clock, ct);
            if (error is not null) { db.ChangeTracker.Clear(); return Problem(error); }
            var dto = (await OutcomeQueries.PartsAsync(db, [o!], clock, ct)).Progress[o!.Id].First(x => x.Id == p!.Id);
            return TypedResults.Created($"/api/outcomes/{id}", dto);
        }).DisableAntiforgery();

        api.MapGet("/{id:int}/files/{fileId:int}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, int fileId, AppDbContext db, CurrentUser user,
            IEnumerable<IWorkItemResolver> resolvers, CancellationToken ct) =>
        {
            var (_, refused) = await FindAsync(db, id, user, resolvers, ct);
            if (refused is not null) return Problem(refused);
            var f = await db.OutcomeFiles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == fileId && x.OutcomeId == id, ct);
            if (f is null) return Problem(new(404, "没有这个文件。"));
            return TypedResults.File(f.Content, f.ContentType, f.FileName);
        });

        app.MapGet("/api/chain/{type}/{id:int}", async Task<Results<Ok<ChainDto>, ProblemHttpResult>> (string type, int id, AppDbContext db, CurrentUser user,
            IEnumerable<IWorkItemResolver> resolvers, CancellationToken ct) =>
        {
            if (OutcomeCodes.ParseType(type) is not { } t) return Problem(new(400, $"类型“{type}”无效，应为：{string.Join("、", OutcomeCodes.Types.Select(x => x.Code))}。", "type"));
            var root = (await OutcomeChain.ResolveAsync(db, user, resolvers, [(t, id)], ct)).Values.Single();
            if (root.Title is null) return Problem(new(404, "没有这项工作。"));
            if (!root.Readable) return Problem(new(403, "您无权查看这项工作。"));
            return TypedResults.Ok(await OutcomeChain.BuildAsync(db, user, resolvers, t, id, ct));
        }).WithTags("Outcomes").RequireAuthorization(Policies.SignedIn);
        return app;
    }

    /// <summary>Reads a progress report from JSON or a multipart form (<c>percent</c>, <c>note</c>, <c>on</c>, <c>files</c>).</summary>
    private static async Task<(OutcomeProgressInput? Input, IReadOnlyList<IFormFile> Files, OutcomeError? Error)> ReadProgressAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var percentText = form["percent"].FirstOrDefault()?.Trim() ?? "";
            int? percent = int.TryParse(percentText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
            if (percent is null) return (null, [], new(400, "落实进度应为 0 到 100 之间的整数。", "percent"));
            var onText = form["on"].FirstOrDefault()?.Trim() ?? "";
            DateOnly? on = null;
            if (onText.Length > 0)
            {
                if (!DateOnly.TryParseExact(onText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    return (null, [], new(400, $"日期“{onText}”无效，应为 2026-05-01 这样的格式。", "on"));
                on = d;
            }
            return (new OutcomeProgressInput(percent, form["note"].FirstOrDefault(), on), form.Files.ToList(), null);
        }
        try
        {
            var input = await request.ReadFromJsonAsync<OutcomeProgressInput>(ct);
            return input is null ? (null, [], new(400, "请提交落实进展。")) : (input, [], null);
        }
        catch (JsonException) { return (null, [], new(400, "请求内容不是有效的 JSON（percent 为整数，on 为 2026-05-01 这样的日期）。")); }
        catch (InvalidOperationException) { return (null, [], new(400, "请以 JSON 或表单提交落实进展。")); }
    }

    /// <summary>
    /// Problem response with the rule's status and Chinese message; an error about one field is a validation problem as in the
    /// README (the framework's <see cref="HttpValidationProblemDetails"/>, as <c>TypedResults.ValidationProblem</c> writes it
    /// for proposals and consultations): <c>errors: {field: [message]}</c>, with <c>field</c> kept for older clients.
    /// </summary>
    public static ProblemHttpResult Problem(OutcomeError e)
    {
        var title = e.Status switch { 400 => "请求有误", 403 => "无权操作", 404 => "未找到", 409 => "当前不能这样操作", _ => "请求有误" };
        if (e.Field.Length == 0) return TypedResults.Problem(statusCode: e.Status, detail: e.Message, title: title);
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [e.Field] = [e.Message] }) { Status = e.Status, Title = title, Detail = e.Message };
        details.Extensions["field"] = e.Field;
        return TypedResults.Problem(details);
    }

    /// <summary>A committee by code that <paramref name="user"/> may read (404 unknown, 403 out of scope).</summary>
    public static async Task<(Committee? Committee, OutcomeError? Refused)> CommitteeAsync(AppDbContext db, string code, CurrentUser user, CancellationToken ct)
    {
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code.Trim(), ct);
        if (c is null) return (null, new(404, $"未找到代码为“{code}”的政协组织。", "committee"));
        if (!(user.IsAdmin || ((user.IsStaff || user.IsLeader) && Scope.CanRead(user, c.Path)))) return (null, new(403, $"您无权查看“{c.Name}”的成果。", "committee"));
        return (c, null);
    }

    /// <summary>An outcome <paramref name="user"/> may read (404 none, 403 otherwise).</summary>
    public static async Task<(Outcome? Outcome, OutcomeError? Refused)> FindAsync(AppDbContext db, int id, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, CancellationToken ct, bool tracked = false)
    {
        var q = tracked ? db.Outcomes : db.Outcomes.AsNoTracking();
        var o = await q.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null) return (null, new(404, "没有这项成果。"));
        if (!await OutcomeAccess.CanReadAsync(db, user, o, resolvers, ct)) return (null, new(403, "您无权查看这项成果。"));
        return (o, null);
    }

    private static async Task<Results<Ok<OutcomeDetail>, ProblemHttpResult>> ActAsync(AppDbContext db, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock,
        OutcomeOptions options, int id, CancellationToken ct, Func<Outcome, Task<OutcomeError?>> action)
    {
        var (o, refused) = await FindAsync(db, id, user, resolvers, ct, tracked: true);
        if (refused is not null) return Problem(refused);
        var error = await action(o!);
        db.ChangeTracker.Clear();
        if (error is not null) return Problem(error);
        var fresh = await db.Outcomes.AsNoTracking().FirstAsync(x => x.Id == id, ct);
        return TypedResults.Ok(await OutcomeQueries.DetailAsync(db, fresh, user, resolvers, clock, options, ct));
    }
}
