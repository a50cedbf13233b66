using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Workflow;

namespace Xieshang.Web.Features.Proposals;

/// <summary>Answer of <c>POST /api/proposals</c>: the new id and status code.</summary>
public sealed record ProposalCreated(int Id, string Status);

/// <summary>One edge of the workflow as the API lists it (state codes, action code, actor).</summary>
public sealed record WorkflowEdgeDto(string From, string Action, string ActionName, string Actor, string To);

/// <summary>A handling unit as the API lists it.</summary>
public sealed record HandlingUnitDto(string Code, string Name, string Committee, bool Active);

/// <summary>Body of <c>POST /api/handling-units</c>: code (committee code, a dot, a short name), full name, committee code.</summary>
public sealed record HandlingUnitInput(string? Code, string? Name, string? Committee, bool? Active);

/// <summary>A term's plenary session (届次会议) with China dates.</summary>
public sealed record ProposalSessionDto(int Term, int Session, int Year, DateOnly OpensOn, DateOnly ClosesOn);

/// <summary>
/// Proposals API (DOMAIN.md §4.3): write and edit, list and search, detail with timeline, every workflow action, files;
/// the workflow graph; handling units; the committees' plenary sessions. Scope through <see cref="ProposalAccess"/>,
/// rules in <see cref="ProposalRules"/>. Refusals are ProblemDetails with a Chinese message: 403 wrong role or
/// committee, 404 unknown, 409 not allowed in this state or changed meanwhile, 400 bad data.
/// </summary>
public static class ProposalsApi
{
    public static void MapProposalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/proposals").WithTags("Proposals").RequireAuthorization(Policies.SignedIn);

        // GET /api/proposals/workflow → every edge of the graph (the data the rules enforce).
        api.MapGet("/workflow", () => TypedResults.Ok(ProposalWorkflow.Edges.Select(e => new WorkflowEdgeDto(ProposalWorkflow.StateCode(e.From), e.Action,
            ProposalWorkflow.ActionName(e.Action), e.Actor, ProposalWorkflow.StateCode(e.To))).ToList()));

        // GET /api/proposals/grounds → the national not-filed grounds.
        api.MapGet("/grounds", () => TypedResults.Ok(NotFiledGrounds.All.Select(g => new { code = g.Code, name = g.Name })));

        // GET /api/proposals?committee=&status=&q=&page=… → a page of the proposals the caller may see, newest first.
        api.MapGet("", async Task<Results<Ok<ProposalPage>, ProblemHttpResult>> ([AsParameters] ListQuery query, AppDbContext db, CurrentUser user,
            TimeProvider clock, CancellationToken ct) =>
        {
            var f = query.ToFilter();
            var (q, status, message) = await ProposalQueries.FilterAsync(db, user, f, clock, ct);
            if (q is null) return Problem(status, message);
            return TypedResults.Ok(await ProposalQueries.PageAsync(db, q, user, f, clock, ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<ProposalDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var d = await ProposalQueries.DetailAsync(db, id, user, clock, ct);
            return d is null ? Problem(404, "未找到该提案，或您无权查看。") : TypedResults.Ok(d);
        });

        // POST /api/proposals {title, body, kind, coSignerIds} → 201 {id, status}: a draft by the signed-in member (or a collective one entered by staff).
        api.MapPost("", async Task<Results<Created<ProposalCreated>, ValidationProblem, ProblemHttpResult>> (ProposalInput input, AppDbContext db, CurrentUser user,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (p, error, errors) = await ProposalRules.CreateAsync(db, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.First().Value[0]);
            return TypedResults.Created($"/api/proposals/{p!.Id}", new ProposalCreated(p.Id, ProposalWorkflow.StateCode(p.Status)));
        });

        // PUT /api/proposals/{id} — the proposer edits a draft or a returned proposal. Optional If-Match: "<version>".
        api.MapPut("/{id:int}", async Task<Results<Ok<ProposalCreated>, ValidationProblem, ProblemHttpResult>> (int id, ProposalInput input, HttpRequest request,
            AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (error, errors) = await ProposalRules.EditAsync(db, id, input, IfMatch(request), user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.First().Value[0]);
            var status = await db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync(ct);
            return TypedResults.Ok(new ProposalCreated(id, ProposalWorkflow.StateCode(status)));
        });

        // POST /api/proposals/{id}/actions/{action} — JSON body with the action's data, or multipart/form-data with a "data"
        // JSON part and "files". Answers the proposal as the caller now sees it.
        api.MapPost("/{id:int}/actions/{action}", async Task<Results<Ok<ProposalDetail>, Ok<ProposalCreated>, ProblemHttpResult>> (int id, string action, HttpRequest request,
            AppDbContext db, CurrentUser user, IOptions<ProposalOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            var (input, files, bad) = await ReadActionAsync(request, options.Value, ct);
            if (bad is not null) return Problem(400, bad);
            if (input!.Version is null && IfMatch(request) is { } v) input = input with { Version = v };
            var error = await ProposalRules.ExecuteAsync(db, id, action, input, files, user, options.Value, clock, ct);
            if (error is not null) return Problem(error);
            var d = await ProposalQueries.DetailAsync(db, id, user, clock, ct);
            // Done, but the caller no longer sees it (a unit that returned its assignment): 200 with the id and new status only.
            if (d is null)
                return TypedResults.Ok(new ProposalCreated(id, ProposalWorkflow.StateCode(await db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync(ct))));
            return TypedResults.Ok(d);
        }).DisableAntiforgery();

        // GET /api/proposals/{id}/files/{fileId} — an attachment, if it appears in the proposal as the caller sees it (public replies' files for anyone).
        app.MapGet("/api/proposals/{id:int}/files/{fileId:int}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, int fileId, AppDbContext db,
            CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var d = await ProposalQueries.DetailAsync(db, id, user, clock, ct);
            // Without sign-in: the proposal's own files and its public replies' files, never a file of a step on the timeline.
            var visible = d is not null && d.Files.Concat(d.Replies.SelectMany(r => r.Files))
                .Concat(user.IsAuthenticated ? d.History.SelectMany(h => h.Files) : []).Any(f => f.Id == fileId);
            if (!visible) return Problem(404, "未找到该附件，或您无权查看。");
            var f = await db.ProposalFiles.AsNoTracking().FirstAsync(x => x.Id == fileId, ct);
            return TypedResults.File(f.Content, string.IsNullOrEmpty(f.ContentType) ? "application/octet-stream" : f.ContentType, f.FileName);
        }).WithTags("Proposals").AllowAnonymous();

        MapUnits(app);
        MapSessions(app);
    }

    /// <summary>Query string of <c>GET /api/proposals</c>.</summary>
    public sealed record ListQuery(string? Committee, string? Status, string? Q, int? Term, int? Session, int? Year, int? Sector, string? Unit,
        string? Class, string? Satisfaction, string? Kind, bool? Key, bool? Mine, bool? Overdue, int? Page, int? PageSize)
    {
        /// <summary>The filter these parameters describe.</summary>
        public ProposalFilter ToFilter() => new(Committee, Status, Q, Term, Session, Year, Sector, Unit, Class, Satisfaction, Kind, Key, Mine, Overdue,
            Page ?? 1, PageSize ?? 20);
    }

    private static void MapUnits(IEndpointRouteBuilder app)
    {
        var units = app.MapGroup("/api/handling-units").WithTags("Proposals").RequireAuthorization(Policies.Office);

        // GET /api/handling-units?committee= → the units of a committee in the caller's scope (office accounts).
        units.MapGet("", async Task<Results<Ok<List<HandlingUnitDto>>, ProblemHttpResult>> (string? committee, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var q = db.HandlingUnits.AsNoTracking();
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee.Trim(), ct);
                if (c is null) return Problem(404, $"未找到政协组织 {committee}。");
                if (!Scope.CanRead(user, c.Path)) return Problem(403, "您无权查看该政协组织的承办单位。");
                q = q.Where(u => u.CommitteeId == c.Id);
            }
            else if (!user.IsAdmin) q = q.Where(u => u.CommitteePath.StartsWith(user.CommitteePath ?? "\u0000"));
            var rows = await q.OrderBy(u => u.Code).Select(u => new { u.Code, u.Name, u.CommitteePath, u.IsActive, CommitteeCode = db.Committees.Where(c => c.Id == u.CommitteeId).Select(c => c.Code).First() })
                .Take(2000).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(u => new HandlingUnitDto(u.Code, u.Name, u.CommitteeCode, u.IsActive)).ToList());
        });

        // POST /api/handling-units {code, name, committee} — staff of the committee (or above) add a unit (HandlingUnitRules).
        units.MapPost("", async Task<Results<Created<HandlingUnitDto>, ProblemHttpResult>> (HandlingUnitInput input, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (unit, error) = await HandlingUnitRules.CreateAsync(db, user, input, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/handling-units/{unit!.Code}", unit);
        });

        // PUT /api/handling-units/{code} {name, active} — rename or (de)activate (HandlingUnitRules).
        units.MapPut("/{code}", async Task<Results<Ok<HandlingUnitDto>, ProblemHttpResult>> (string code, HandlingUnitInput input, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (unit, error) = await HandlingUnitRules.UpdateAsync(db, user, code, input, ct);
            return error is not null ? Problem(error) : TypedResults.Ok(unit!);
        });
    }

    private static void MapSessions(IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/committees/{code}/proposal-sessions").WithTags("Proposals").RequireAuthorization(Policies.SignedIn);

        // GET → the committee's plenary sessions (anyone who may read the committee; units for their own committee).
        sessions.MapGet("", async Task<Results<Ok<List<ProposalSessionDto>>, ProblemHttpResult>> (string code, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
            if (c is null) return Problem(404, $"未找到政协组织 {code}。");
            if (!Scope.CanRead(user, c.Path)) return Problem(403, "您无权查看该政协组织。");
            return TypedResults.Ok(await db.ProposalSessions.AsNoTracking().Where(s => s.CommitteeId == c.Id).OrderBy(s => s.Term).ThenBy(s => s.Session)
                .Select(s => new ProposalSessionDto(s.Term, s.Session, s.Year, s.OpensOn, s.ClosesOn)).ToListAsync(ct));
        });

        // PUT [{term, session, year, opensOn, closesOn}] → replaces the list (staff of the committee or above). Sessions with filed proposals must stay.
        sessions.MapPut("", async Task<Results<Ok<List<ProposalSessionDto>>, ProblemHttpResult>> (string code, List<ProposalSessionDto> input, AppDbContext db,
            CurrentUser user, CancellationToken ct) =>
        {
            var (saved, error) = await ProposalSessions.ReplaceAsync(db, user, code, input, ct);
            return error is not null ? Problem(error) : TypedResults.Ok(saved!);
        });
    }

    private static readonly JsonSerializerOptions ActionJson = new(JsonSerializerDefaults.Web);

    /// <summary>Reads an action's data: a JSON body, or multipart with a <c>data</c> JSON part and <c>files</c>. Empty body = no data.</summary>
    private static async Task<(ProposalActionInput? Input, List<UploadedFile> Files, string? Error)> ReadActionAsync(HttpRequest request, ProposalOptions options, CancellationToken ct)
    {
        var files = new List<UploadedFile>();
        try
        {
            if (request.HasFormContentType)
            {
                if (request.ContentLength > options.MaxFileBytes * 5) return (null, files, "上传内容过大。");
                var form = await request.ReadFormAsync(ct);
                var data = form["data"].ToString();
                var input = data.Length == 0 ? new ProposalActionInput() : JsonSerializer.Deserialize<ProposalActionInput>(data, ActionJson) ?? new();
                foreach (var f in form.Files)
                {
                    if (f.Length > options.MaxFileBytes) return (null, files, $"附件不能超过 {options.MaxFileBytes / 1024 / 1024} MB。");
                    using var ms = new MemoryStream();
                    await f.CopyToAsync(ms, ct);
                    files.Add(new UploadedFile(f.FileName, f.ContentType, ms.ToArray()));
                }
                return (input, files, null);
            }
            if (request.ContentLength > 1024 * 1024) return (null, files, "请求数据过大（附件请用 multipart/form-data 上传）。");
            using var reader = new StreamReader(request.Body);
            var text = await reader.ReadToEndAsync(ct);
            if (text.Length > 1024 * 1024) return (null, files, "请求数据过大。");
            if (string.IsNullOrWhiteSpace(text)) return (new ProposalActionInput(), files, null);
            return (JsonSerializer.Deserialize<ProposalActionInput>(text, ActionJson) ?? new ProposalActionInput(), files, null);
        }
        catch (JsonException) { return (null, files, "请求数据不是有效的 JSON，或字段格式不对（日期请用 yyyy-MM-dd）。"); }
        catch (InvalidDataException) { return (null, files, "上传内容无效。"); }
    }

    private static int? IfMatch(HttpRequest request) =>
        int.TryParse(request.Headers.IfMatch.ToString().Trim().Trim('"').Replace("W/", "").Trim('"'), out var v) ? v : null;

    private static ProblemHttpResult Problem(ProposalError e) => Problem(e.Status, e.Message, e.Field);

    /// <summary>
    /// A ProblemDetails answer with a Chinese message (and the field at fault in <c>extensions.field</c>); the title comes from
    /// the one status-to-title table in <c>WebSetup</c>'s problem-details customisation.
    /// </summary>
    public static ProblemHttpResult Problem(int status, string message, string field = "") =>
        TypedResults.Problem(statusCode: status, detail: message, extensions: field.Length > 0 ? new Dictionary<string, object?> { ["field"] = field } : null);
}
