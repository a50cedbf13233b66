using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>A category total in the duty file answer.</summary>
public sealed record DutyCategoryDto(string Category, string Name, decimal Points, int Count);

/// <summary>A record in the duty file answer; <c>occurredAt</c> is UTC, <c>evidence</c> a local link or text.</summary>
public sealed record DutyRecordDto(
    long Id, DateTimeOffset OccurredAt, string Title, string RuleCode, string RuleName, string Category, decimal Quantity, decimal Points,
    string Evidence, string Source, int SourceId);

/// <summary>Answer of <c>GET /api/members/{id}/duty</c>.</summary>
public sealed record DutyFileDto(
    int MemberId, string Name, string CommitteeCode, string CommitteeName, string Sector, int Year, decimal Total, string Grade, string GradeName,
    IReadOnlyList<DutyCategoryDto> ByCategory, IReadOnlyList<DutyRecordDto> Records)
{
    /// <summary>The API view of a duty file.</summary>
    public static DutyFileDto From(DutyFile f) => new(f.MemberId, f.Name, f.CommitteeCode, f.CommitteeName, f.Sector, f.Year, f.Total,
        DutyGrades.Code(f.Grade), DutyGrades.Name(f.Grade),
        f.ByCategory.Select(c => new DutyCategoryDto(DutyCategories.Code(c.Category), DutyCategories.Name(c.Category), c.Points, c.Count)).ToList(),
        f.Records.Select(r => new DutyRecordDto(r.Id, r.OccurredAt, r.Title, r.RuleCode, r.RuleName, DutyCategories.Code(r.Category), r.Quantity, r.Points,
            r.Evidence, r.Source, r.SourceId)).ToList());
}

/// <summary>A scoring rule in API answers; <c>source</c> is <c>default</c>, <c>inherited</c> or <c>own</c>.</summary>
public sealed record ScoringRuleDto(
    int Id, string Code, string Name, string Category, string CategoryName, decimal Points, DateOnly EffectiveFrom, DateOnly? EffectiveTo,
    string Rationale, string Source, string? SourceCommitteeCode, string? SourceCommitteeName, decimal? DefaultPoints, string UpdatedBy, DateTimeOffset UpdatedAt)
{
    /// <summary>The API view of a resolved rule.</summary>
    public static ScoringRuleDto From(ResolvedRule r) => new(r.RuleId, r.Code, r.Name, DutyCategories.Code(r.Category), DutyCategories.Name(r.Category),
        r.Points, r.EffectiveFrom, r.EffectiveTo, r.Rationale, r.Source.ToString().ToLowerInvariant(), r.SourceCommitteeCode, r.SourceCommitteeName,
        r.DefaultPoints, r.UpdatedBy, r.UpdatedAt);
}

/// <summary>Answer of <c>GET /api/committees/{code}/scoring-rules</c>.</summary>
public sealed record ScoringRulesDto(string CommitteeCode, string CommitteeName, DateOnly Date, bool CanEdit, IReadOnlyList<ScoringRuleDto> Rules);

/// <summary>Answer of <c>PUT /api/committees/{code}/scoring-rules/{ruleCode}</c>.</summary>
public sealed record RuleSavedDto(ScoringRuleDto Rule, ScoringRuleDto? Closed, IReadOnlyList<int> RecomputedYears, int ChangedRecords);

/// <summary>JSON body of <c>POST /api/duty/claims</c> (multipart forms use the same field names plus the file <c>evidence</c>).</summary>
public sealed record DutyClaimJson(
    string? RuleCode, string? Title, string? Description, string? OccurredOn,
    [property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] decimal? Quantity);

/// <summary>Body of the approve and reject calls.</summary>
public sealed record ClaimDecisionInput(string? Note);

/// <summary>
/// Duty records and points: the duty file and its exports, the scoring-rule table, member claims. Registration
/// (<see cref="AddDuty"/>) and endpoints (<see cref="MapDutyApi"/>); rules live in <see cref="DutyFile"/>,
/// <see cref="ScoringRules"/> and <see cref="DutyClaims"/>.
/// </summary>
public static class DutyApi
{
    /// <summary>Allowance for the multipart framing around the evidence file.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    /// <summary>Binds and validates <see cref="DutyOptions"/> (section <c>Duty</c>; checked at start-up).</summary>
    public static IHostApplicationBuilder AddDuty(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<DutyOptions>, DutyOptionsValidator>();
        builder.Services.AddOptions<DutyOptions>().BindConfiguration(DutyOptions.Section).ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// <list type="bullet">
    /// <item><c>GET /api/members/{id}/duty?year=</c>: the duty file (<see cref="DutyFileDto"/>); the member, or staff,
    /// leaders and administrators whose scope holds the member (<see cref="DutyFile.CanRead"/>); 403 others; 404 unknown
    /// member; 400 a bad year (default: the current year in China).</item>
    /// <item><c>GET /api/members/{id}/duty/report.docx?year=</c> and <c>…/duty/records.xlsx?year=</c>: the same file printed
    /// (<see cref="DutyExport"/>), same access.</item>
    /// <item><c>GET /api/committees/{code}/scoring-rules?date=</c>: the rules in effect for the committee on the date (default
    /// today), each with its source; administrators, staff and leaders with read scope.</item>
    /// <item><c>PUT /api/committees/{code}/scoring-rules/{ruleCode}</c> <c>{points, effectiveFrom, effectiveTo, rationale}</c>:
    /// sets the committee's own version and recomputes the affected years (<see cref="ScoringRules.SaveAsync"/>); staff
    /// managing the committee; 400 with per-field Chinese messages; 404 unknown committee or rule.</item>
    /// <item><c>POST /api/duty/claims</c> (member; JSON or multipart with the file <c>evidence</c>) → 201 pending claim;
    /// <c>GET /api/duty/claims?committee=&amp;status=&amp;page=&amp;pageSize=</c>; <c>GET /api/duty/claims/{id}</c>;
    /// <c>POST /api/duty/claims/{id}/approve</c> and <c>/reject</c> <c>{note}</c> (staff managing the member's committee;
    /// 409 when already decided); <c>GET /api/duty/claims/{id}/evidence</c> (the member, or office accounts in scope).</item>
    /// </list>
    /// </summary>
    public static void MapDutyApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members/{id:int}/duty").WithTags("Duty").RequireAuthorization(Policies.SignedIn);

        members.MapGet("", async Task<Results<Ok<DutyFileDto>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            int id, string? year, AppDbContext db, CurrentUser user, IOptions<DutyOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            var (file, status, message) = await LoadAsync(id, year, db, user, options.Value, clock, ct);
            return file is null ? Refuse<Ok<DutyFileDto>>(status, message) : TypedResults.Ok(DutyFileDto.From(file));
        });

        members.MapGet("/report.docx", async Task<Results<FileContentHttpResult, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            int id, string? year, AppDbContext db, CurrentUser user, IOptions<DutyOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            var (file, status, message) = await LoadAsync(id, year, db, user, options.Value, clock, ct);
            return file is null ? Refuse<FileContentHttpResult>(status, message) : TypedResults.File(DutyExport.Docx(file, options.Value, clock.GetUtcNow()), DutyExport.DocxContentType, DutyExport.DocxName(file));
        });

        members.MapGet("/records.xlsx", async Task<Results<FileContentHttpResult, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            int id, string? year, AppDbContext db, CurrentUser user, IOptions<DutyOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            var (file, status, message) = await LoadAsync(id, year, db, user, options.Value, clock, ct);
            return file is null ? Refuse<FileContentHttpResult>(status, message) : TypedResults.File(DutyExport.Xlsx(file), DutyExport.XlsxContentType, DutyExport.XlsxName(file));
        });

        var rules = app.MapGroup("/api/committees/{code}/scoring-rules").WithTags("Duty");

        rules.MapGet("", async Task<Results<Ok<ScoringRulesDto>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, string? date, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (committee is null) return CommitteesApi.NotFound(code);
            if (!Scope.CanRead(user, committee.Path)) return TypedResults.Forbid();
            DateOnly day;
            if (string.IsNullOrWhiteSpace(date)) day = ScoringRules.Today(clock);
            else if (ScoringRules.ParseDate(date) is { } d) day = d;
            else return Invalid("date", "日期应写作 yyyy-MM-dd，如 2026-01-01");
            var list = await ScoringRules.InEffectAsync(db, committee, day, ct);
            return TypedResults.Ok(new ScoringRulesDto(committee.Code, committee.Name, day, Scope.CanManage(user, committee.Path), list.Select(ScoringRuleDto.From).ToList()));
        }).RequireAuthorization(Policies.Office);

        rules.MapPut("/{ruleCode}", async Task<Results<Ok<RuleSavedDto>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, string ruleCode, ScoringRuleInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
            if (committee is null) return CommitteesApi.NotFound(code);
            if (!Scope.CanManage(user, committee.Path)) return TypedResults.Forbid();
            if (!await db.ScoringRules.AnyAsync(r => r.Code == ruleCode, ct)) return UnknownRule(ruleCode);
            var result = await ScoringRules.SaveAsync(db, committee, ruleCode, input, user, clock, ct);
            if (!result.Ok) return TypedResults.ValidationProblem(result.Errors, detail: "积分规则未保存：" + string.Join("；", result.Errors.Values.SelectMany(v => v)));
            var resolved = (await ScoringRules.InEffectAsync(db, committee, result.Rule!.EffectiveFrom, ct)).Single(r => r.Code == ruleCode);
            var closed = result.Closed is { } c ? Own(c, committee, resolved.DefaultPoints) : null;
            return TypedResults.Ok(new RuleSavedDto(Own(result.Rule, committee, resolved.DefaultPoints), closed, result.Years, result.ChangedRecords));
        }).RequireAuthorization(Policies.Staff).DisableAntiforgery();

        var claims = app.MapGroup("/api/duty/claims").WithTags("Duty").RequireAuthorization(Policies.SignedIn);

        claims.MapPost("", async Task<Results<Created<DutyClaimView>, ValidationProblem, ForbidHttpResult>> (
            HttpRequest request, AppDbContext db, CurrentUser user, IOptions<DutyOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsMember || user.MemberId is not { } memberId) return TypedResults.Forbid();
            var max = options.Value.MaxEvidenceBytes;
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
                bodyLimit.MaxRequestBodySize = max + MultipartOverheadBytes;
            var tooLarge = $"佐证材料不能超过 {DutyClaims.SizeWords(max)}";
            if (request.ContentLength > max + MultipartOverheadBytes) return Invalid("evidence", tooLarge);
            DutyClaimInput input;
            EvidenceUpload? evidence = null;
            if (request.HasFormContentType)
            {
                IFormCollection form;
                try
                {
                    form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max + MultipartOverheadBytes }, ct);
                }
                catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
                {
                    return e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e.Message.Contains("body length limit", StringComparison.Ordinal)
                        ? Invalid("evidence", tooLarge) : Invalid("", "上传的表单无法读取，请重新提交");
                }
                input = new DutyClaimInput(form["ruleCode"], form["title"], form["description"], form["occurredOn"], form["quantity"]);
                if (form.Files.GetFile("evidence") is { } file)
                {
                    if (file.Length > max) return Invalid("evidence", tooLarge);
                    var bytes = new byte[file.Length];
                    await using (var s = file.OpenReadStream()) await s.ReadExactlyAsync(bytes, ct);
                    evidence = new EvidenceUpload(file.FileName, bytes);
                }
            }
            else if (request.HasJsonContentType())
            {
                DutyClaimJson? body;
                try
                {
                    body = await request.ReadFromJsonAsync<DutyClaimJson>(ct);
                }
                catch (JsonException)
                {
                    return Invalid("", "请求内容不是有效的 JSON");
                }
                if (body is null) return Invalid("", "请求内容为空");
                input = new DutyClaimInput(body.RuleCode, body.Title, body.Description, body.OccurredOn, body.Quantity?.ToString(CultureInfo.InvariantCulture));
            }
            else return Invalid("", "请以 JSON 或 multipart/form-data（附佐证材料时，文件字段名为 evidence）提交申报");

            var (claim, errors) = await DutyClaims.SubmitAsync(db, memberId, input, evidence, options.Value, clock, ct);
            if (claim is null) return TypedResults.ValidationProblem(errors, detail: "申报未提交：" + string.Join("；", errors.Values.SelectMany(v => v)));
            return TypedResults.Created($"/api/duty/claims/{claim.Id}", (await DutyClaims.ViewAsync(db, user, claim.Id, ct))!);
        })
        .DisableAntiforgery()
        // No Accepts(): its content-type filter would answer other bodies with a bare 415 instead of the Chinese 400 above.
        .WithDescription("Body: JSON {ruleCode, title, description, occurredOn (yyyy-MM-dd), quantity}, or multipart/form-data with the same fields and an optional file field evidence (PDF, JPG, PNG, .docx).");

        claims.MapGet("", async Task<Results<Ok<Paged<DutyClaimView>>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string? committee, string? status, int? page, int? pageSize, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember)) return TypedResults.Forbid();
            string? path = null;
            if (!string.IsNullOrWhiteSpace(committee) && (user.IsAdmin || user.IsStaff || user.IsLeader))
            {
                path = await db.Committees.Where(c => c.Code == committee).Select(c => c.Path).FirstOrDefaultAsync(ct);
                if (path is null) return CommitteesApi.NotFound(committee);
                if (!Scope.CanRead(user, path)) return TypedResults.Forbid();
            }
            DutyClaimStatus? s = null;
            if (!string.IsNullOrWhiteSpace(status) && (s = DutyClaims.ParseStatus(status)) is null)
                return Invalid("status", "状态应为 pending（待审核）、approved（已通过）或 rejected（未通过）");
            var (items, total) = await DutyClaims.ListAsync(db, user, path, s, Math.Clamp(page ?? 1, 1, 100_000), Math.Clamp(pageSize ?? 50, 1, 200), ct);
            return TypedResults.Ok(new Paged<DutyClaimView>(items, total));
        });

        claims.MapGet("/{id:int}", async Task<Results<Ok<DutyClaimView>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var claim = await DutyClaims.ViewAsync(db, user, id, ct);
            if (claim is null) return ClaimNotFound(id);
            var path = await db.DutyClaims.Where(c => c.Id == id).Select(c => c.CommitteePath).FirstAsync(ct);
            return DutyClaims.CanSee(user, claim.MemberId, path) ? TypedResults.Ok(claim) : TypedResults.Forbid();
        });

        claims.MapPost("/{id:int}/approve", (int id, ClaimDecisionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(id, true, input, db, user, clock, ct)).DisableAntiforgery();
        claims.MapPost("/{id:int}/reject", (int id, ClaimDecisionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(id, false, input, db, user, clock, ct)).DisableAntiforgery();

        claims.MapGet("/{id:int}/evidence", async Task<Results<FileContentHttpResult, NotFound<ProblemDetails>, ForbidHttpResult>> (
            int id, AppDbContext db, CurrentUser user, HttpContext ctx, CancellationToken ct) =>
        {
            var claim = await db.DutyClaims.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.MemberId, c.CommitteePath }).FirstOrDefaultAsync(ct);
            if (claim is null) return ClaimNotFound(id);
            if (!DutyClaims.CanSee(user, claim.MemberId, claim.CommitteePath)) return TypedResults.Forbid();
            if (await DutyClaims.EvidenceAsync(db, id, ct) is not { } file)
                return TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "未找到", Detail = "该申报没有上传佐证材料" });
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.File(file.Content, file.ContentType, file.FileName);
        });
    }

    private static async Task<Results<Ok<DutyClaimView>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult, Conflict<ProblemDetails>>> DecideAsync(
        int id, bool approve, ClaimDecisionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await DutyClaims.DecideAsync(db, user, id, approve, input?.Note, clock, ct);
        switch (outcome)
        {
            case ClaimDecision.NotFound: return ClaimNotFound(id);
            case ClaimDecision.Forbidden: return TypedResults.Forbid();
            case ClaimDecision.BadNote:
                return Invalid("note", approve ? "审核意见不能超过 500 字" : "退回申报须填写审核意见（不超过 500 字），说明未通过的原因");
            case ClaimDecision.AlreadyDecided:
                var status = await db.DutyClaims.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Status, c.ReviewedBy }).FirstAsync(ct);
                return TypedResults.Conflict(new ProblemDetails
                {
                    Status = 409, Title = "当前不能这样操作",
                    Detail = $"该申报已由 {status.ReviewedBy} 审核（{(status.Status == DutyClaimStatus.Approved ? "已通过" : "未通过")}），不能再次审核",
                });
            default:
                return TypedResults.Ok((await DutyClaims.ViewAsync(db, user, id, ct))!);
        }
    }

    /// <summary>The duty file asked for, or why not: 404 unknown member, 403 not allowed, 400 bad year (with the message).</summary>
    private static async Task<(DutyFile? File, int Status, string Message)> LoadAsync(
        int id, string? yearText, AppDbContext db, CurrentUser user, DutyOptions options, TimeProvider clock, CancellationToken ct)
    {
        var path = await db.Members.AsNoTracking().Where(m => m.Id == id).Select(m => m.CommitteePath).FirstOrDefaultAsync(ct);
        if (path is null) return (null, 404, $"没有编号为 {id} 的委员");
        if (!DutyFile.CanRead(user, id, path)) return (null, 403, "");
        if (DutyFile.ParseYear(yearText, clock, out var error) is not { } year) return (null, 400, error!);
        return (await DutyFile.LoadAsync(db, id, year, options, ct), 200, "");
    }

    private static Results<T, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult> Refuse<T>(int status, string message) where T : IResult => status switch
    {
        404 => TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "未找到", Detail = message }),
        403 => TypedResults.Forbid(),
        _ => Invalid("year", message),
    };

    private static ScoringRuleDto Own(ScoringRule r, Committee committee, decimal? defaultPoints) => ScoringRuleDto.From(new ResolvedRule(r.Id, r.Code, r.Name, r.Category,
        r.Points, r.EffectiveFrom, r.EffectiveTo, r.Rationale, RuleSource.Own, committee.Code, committee.Name, defaultPoints, r.UpdatedBy, r.UpdatedAt));

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static NotFound<ProblemDetails> UnknownRule(string code) =>
        TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "未找到", Detail = $"没有代码为“{DutyLedger.Truncate(code, 64)}”的积分规则" });

    private static NotFound<ProblemDetails> ClaimNotFound(int id) =>
        TypedResults.NotFound(new ProblemDetails { Status = 404, Title = "未找到", Detail = $"没有编号为 {id} 的履职申报" });
}
