using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Consultations;

/// <summary>Body of <c>POST /api/consultations/plans</c>.</summary>
public sealed record PlanInput(string? Committee, int? Year);

/// <summary>Body of a workflow action: an optional note.</summary>
public sealed record ActInput(string? Note);

/// <summary>One row of <c>POST /api/consultations/{id}/participants/attendance</c>.</summary>
public sealed record ParticipantAttendanceInput(int Id, bool Attended);

/// <summary>
/// What the public registration page shows about a link's consultation: <c>Type</c> is the type code (the page preselects
/// 村（居）民 for 院坝协商 and 社区协商); when registration is closed, <c>ClosedReason</c> says why and <c>ClosedStatus</c> is
/// the status a registration would get (410 revoked or over, 409 full).
/// </summary>
public sealed record RegistrationInfo(string Title, string TypeName, string CommitteeName, DateTimeOffset? MeetingAt, string Place, bool Open, string? ClosedReason,
    string Type = "", int? ClosedStatus = null);

/// <summary>
/// Consultations API (DOMAIN.md §4.5, §4.8) under <c>/api/consultations</c>: yearly plans and topics, consultations and
/// their steps, the meeting (an activity), minutes, non-member participants and invitation links (registration without
/// sign-in at <c>/api/consultations/register/{token}</c>), files, recommendations with adoption, instructions, milestones,
/// progress and feedback, and the report (.docx). Scope by <see cref="ConsultationAccess"/>; rules in <see cref="ConsultationRules"/>.
/// </summary>
public static class ConsultationsApi
{
    public static void MapConsultationsApi(this IEndpointRouteBuilder app)
    {
        var pub = app.MapGroup("/api/consultations/register").WithTags("Consultations").AllowAnonymous();
        pub.MapGet("/{token}", async Task<Results<Ok<RegistrationInfo>, ProblemHttpResult>> (string token, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var link = await ConsultationRules.FindLinkAsync(db, token, ct);
            if (link is null) return Problem(new(404, "邀请链接无效，请向邀请您的政协工作人员核对链接。"));
            return TypedResults.Ok(await RegistrationInfoAsync(db, link, clock, ct));
        });
        pub.MapPost("/{token}", async Task<Results<Created<ParticipantDto>, ProblemHttpResult>> (string token, ParticipantInput input, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var (p, error) = await ConsultationRules.RegisterAsync(db, token, input, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created((string?)null, Dto(p!, false));
        }).DisableAntiforgery();

        var api = app.MapGroup("/api/consultations").WithTags("Consultations").RequireAuthorization(Policies.SignedIn);

        api.MapGet("/types", () => TypedResults.Ok(ConsultationTypes.All.Select(t => new { code = t.Code, name = t.Name, grassroots = t.Grassroots })));

        // ── plans ──
        api.MapGet("/plans", async Task<Results<Ok<List<PlanDto>>, ProblemHttpResult>> (string? committee, int? year, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var q = db.ConsultationPlans.AsNoTracking().VisibleTo(user);
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.Where(x => x.Code == committee).Select(x => new { x.Id, x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return Problem(new(404, $"未找到代码为“{committee}”的政协组织。"));
                if (!Scope.CanRead(user, c.Path)) return Problem(new(403, $"您无权查看“{c.Name}”的协商计划。"));
                q = q.Where(p => p.CommitteeId == c.Id);
            }
            if (year is { } y) q = q.Where(p => p.Year == y);
            var plans = await q.OrderByDescending(p => p.Year).ThenBy(p => p.CommitteePath).Take(200).ToListAsync(ct);
            var list = new List<PlanDto>();
            foreach (var p in plans) list.Add(await ConsultationQueries.PlanDtoAsync(db, p, user, ct));
            return TypedResults.Ok(list);
        });

        api.MapGet("/plans/{planId:int}", async Task<Results<Ok<PlanDto>, ProblemHttpResult>> (int planId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (plan, refused) = await FindPlanAsync(db, planId, user, ct);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await ConsultationQueries.PlanDtoAsync(db, plan!, user, ct));
        });

        api.MapPost("/plans", async Task<Results<Ok<PlanDto>, ProblemHttpResult>> (PlanInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (plan, error) = await ConsultationRules.EnsurePlanAsync(db, input.Committee, input.Year ?? 0, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Ok(await ConsultationQueries.PlanDtoAsync(db, plan!, user, ct));
        });

        api.MapPost("/plans/{planId:int}/actions/{action}", async Task<Results<Ok<PlanDto>, ProblemHttpResult>> (int planId, string action, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (plan, refused) = await FindPlanAsync(db, planId, user, ct, tracked: true);
            if (refused is not null) return Problem(refused);
            if (await ConsultationRules.PlanActAsync(db, plan!, action, user, clock, ct) is { } error) return Problem(error);
            return TypedResults.Ok(await ConsultationQueries.PlanDtoAsync(db, plan!, user, ct));
        });

        api.MapPost("/plans/{planId:int}/topics", async Task<Results<Created<PlanTopicDto>, ProblemHttpResult>> (int planId, TopicInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (plan, refused) = await FindPlanAsync(db, planId, user, ct);
            if (refused is not null) return Problem(refused);
            var (topic, error) = await ConsultationRules.AddTopicAsync(db, plan!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            var dto = (await ConsultationQueries.PlanDtoAsync(db, plan!, user, ct)).Topics.First(t => t.Id == topic!.Id);
            return TypedResults.Created($"/api/consultations/plans/{planId}", dto);
        });

        api.MapPost("/plans/{planId:int}/topics/{topicId:int}/actions/{action}", async Task<Results<Ok<PlanDto>, ProblemHttpResult>> (
            int planId, int topicId, string action, TopicActionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (plan, refused) = await FindPlanAsync(db, planId, user, ct);
            if (refused is not null) return Problem(refused);
            var topic = await db.ConsultationPlanTopics.FirstOrDefaultAsync(t => t.Id == topicId && t.PlanId == planId, ct);
            if (topic is null) return Problem(new(404, "没有这个议题。"));
            if (await ConsultationRules.TopicActAsync(db, topic, plan!, action, input ?? new(null, null, null, null, null), user, clock, ct) is { } error) return Problem(error);
            return TypedResults.Ok(await ConsultationQueries.PlanDtoAsync(db, plan!, user, ct));
        });

        // ── consultations ──
        // GET /api/consultations?committee=&year=&type=&status= → the consultations the viewer may see (at most 500, newest meeting first).
        api.MapGet("", async Task<Results<Ok<List<ConsultationListItem>>, ProblemHttpResult>> (
            string? committee, int? year, string? type, string? status, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var q = db.Consultations.AsNoTracking().VisibleTo(db, user);
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.Where(x => x.Code == committee).Select(x => new { x.Id, x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return Problem(new(404, $"未找到代码为“{committee}”的政协组织。"));
                if (!Scope.CanRead(user, c.Path)) return Problem(new(403, $"您无权查看“{c.Name}”的协商。"));
                q = q.Where(x => x.CommitteeId == c.Id);
            }
            if (year is { } y) q = q.InYear(y);
            if (type is { Length: > 0 })
            {
                if (ConsultationTypes.Parse(type) is not { } ty) return Problem(new(400, $"协商形式“{type}”无效。", "type"));
                q = q.Where(x => x.Type == ty);
            }
            if (status is { Length: > 0 })
            {
                if (ConsultationWorkflow.ParseStatus(status) is not { } st) return Problem(new(400, $"环节“{status}”无效，应为：{string.Join("、", ConsultationWorkflow.Steps.Select(s => s.Code))}。", "status"));
                q = q.Where(x => x.Status == st);
            }
            return TypedResults.Ok(await ConsultationQueries.ListAsync(db, q.NewestMeetingFirst().Take(500), ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<ConsultationDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await ConsultationQueries.DetailAsync(db, c!, user, clock, ct));
        });

        api.MapPost("", async Task<Results<Created<ConsultationDetail>, ValidationProblem, ProblemHttpResult>> (
            ConsultationInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return Problem(new(403, "只有政协机关工作人员可以登记协商。"));
            var c = new Consultation();
            var errors = await ConsultationRules.SaveAsync(db, c, input, user, clock, ct);
            if (errors.TryGetValue("committee", out var m) && m[0].StartsWith("您无权", StringComparison.Ordinal)) return Problem(new(403, m[0], "committee"));
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "请求有误");
            return TypedResults.Created($"/api/consultations/{c.Id}", await ConsultationQueries.DetailAsync(db, c, user, clock, ct));
        });

        api.MapPut("/{id:int}", (int id, ConsultationInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            SaveWithErrorsAsync(db, user, id, ct, clock, c => ConsultationRules.SaveAsync(db, c, input, user, clock, ct)));

        api.MapPut("/{id:int}/meeting", (int id, MeetingInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            SaveWithErrorsAsync(db, user, id, ct, clock, c => ConsultationRules.ScheduleMeetingAsync(db, c, input, user, clock, ct)));

        api.MapPost("/{id:int}/actions/{action}", (int id, string action, ActInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.ActAsync(db, c, action, input?.Note, user, clock, ct)));

        api.MapPost("/{id:int}/materials-sent", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.MarkMaterialsSentAsync(db, c, user, clock, ct)));

        api.MapPut("/{id:int}/minutes", (int id, MinutesInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SaveMinutesAsync(db, c, input, user, clock, ct)));

        api.MapPut("/{id:int}/feedback", (int id, OutcomeFeedbackInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SaveFeedbackAsync(db, c, input.Text, user, clock, ct)));

        // ── participants and links ──
        api.MapPost("/{id:int}/participants", async Task<Results<Created<ParticipantDto>, ProblemHttpResult>> (int id, ParticipantInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (p, error) = await ConsultationRules.AddParticipantAsync(db, c!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/consultations/{id}", Dto(p!, true));
        });

        api.MapDelete("/{id:int}/participants/{participantId:int}", (int id, int participantId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.RemoveParticipantAsync(db, c, participantId, user, ct)));

        api.MapPost("/{id:int}/participants/attendance", (int id, List<ParticipantAttendanceInput> rows, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.RecordAttendanceAsync(db, c, rows.Select(r => (r.Id, r.Attended)).ToList(), user, clock, ct)));

        api.MapPost("/{id:int}/links", async Task<Results<Created<LinkDto>, ProblemHttpResult>> (int id, LinkInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (link, error) = await ConsultationRules.CreateLinkAsync(db, c!, input ?? new(null, null), user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/c/{link!.Token}", new LinkDto(link.Id, link.Label, $"/c/{link.Token}", link.MaxRegistrations, 0, link.CreatedAt, null));
        });

        api.MapPost("/{id:int}/links/{linkId:int}/revoke", (int id, int linkId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.RevokeLinkAsync(db, c, linkId, user, clock, ct)));

        // ── files ──
        // A material; with ?recommendationId= evidence of that recommendation's implementation (an outcome file, downloaded at
        // /api/outcomes/{recommendationId}/files/{fileId}).
        api.MapPost("/{id:int}/files", async Task<Results<Created<FileDto>, ProblemHttpResult>> (int id, int? recommendationId, IFormFile? file, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (recommendationId is { } rid)
            {
                var (e, evidenceError) = await ConsultationRules.AddEvidenceAsync(db, c!, rid, file, user, clock, ct);
                if (evidenceError is not null) return Problem(evidenceError);
                return TypedResults.Created($"/api/outcomes/{rid}/files/{e!.Id}", new FileDto(e.Id, e.FileName, e.Size, rid));
            }
            var (f, error) = await ConsultationRules.AddFileAsync(db, c!, file, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/consultations/{id}/files/{f!.Id}", new FileDto(f.Id, f.FileName, f.Size, null));
        }).DisableAntiforgery();

        api.MapGet("/{id:int}/files/{fileId:int}", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, int fileId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (_, refused) = await FindAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            var f = await db.ConsultationFiles.AsNoTracking().FirstOrDefaultAsync(x => x.Id == fileId && x.ConsultationId == id, ct);
            if (f is null) return Problem(new(404, "没有这个文件。"));
            return TypedResults.File(f.Content, f.ContentType, f.FileName);
        });

        api.MapDelete("/{id:int}/files/{fileId:int}", (int id, int fileId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, async c =>
            {
                if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new ConsultationError(403, "您无权删除这次协商的文件。");
                return await db.ConsultationFiles.Where(x => x.Id == fileId && x.ConsultationId == id).ExecuteDeleteAsync(ct) == 0 ? new ConsultationError(404, "没有这个文件。") : null;
            }));

        // ── recommendations ──
        api.MapPost("/{id:int}/recommendations", async Task<Results<Created<RecommendationDto>, ProblemHttpResult>> (int id, RecommendationInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (r, error) = await ConsultationRules.SaveRecommendationAsync(db, c!, null, input, user, clock, ct);
            if (error is not null) return Problem(error);
            var dto = (await ConsultationQueries.RecommendationsAsync(db, c!, clock, ct)).First(x => x.Id == r!.Id);
            return TypedResults.Created($"/api/consultations/{id}", dto);
        });

        api.MapPut("/{id:int}/recommendations/{rid:int}", (int id, int rid, RecommendationInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, async c =>
            {
                var r = await ConsultationQueries.Recommendations(db, id).FirstOrDefaultAsync(x => x.Id == rid, ct);
                if (r is null) return ConsultationAccess.CanManage(user, c.CommitteePath) ? new ConsultationError(404, "没有这条协商建议。") : new ConsultationError(403, "您无权修改这次协商的建议。");
                return (await ConsultationRules.SaveRecommendationAsync(db, c, r, input, user, clock, ct)).Error;
            }));

        api.MapPost("/{id:int}/recommendations/{rid:int}/adoption", (int id, int rid, OutcomeAdoptionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SetAdoptionAsync(db, c, rid, input, user, clock, ct)));

        api.MapPost("/{id:int}/recommendations/{rid:int}/instructions", (int id, int rid, OutcomeInstructionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.AddInstructionAsync(db, c, rid, input, user, clock, ct)));

        api.MapPost("/{id:int}/recommendations/{rid:int}/milestones", (int id, int rid, OutcomeMilestoneInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SaveMilestoneAsync(db, c, rid, null, input, user, clock, ct)));

        api.MapPut("/{id:int}/recommendations/{rid:int}/milestones/{mid:int}", (int id, int rid, int mid, OutcomeMilestoneInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SaveMilestoneAsync(db, c, rid, mid, input, user, clock, ct)));

        api.MapPost("/{id:int}/recommendations/{rid:int}/progress", (int id, int rid, OutcomeProgressInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SetProgressAsync(db, c, rid, input, user, clock, ct)));

        api.MapPost("/{id:int}/recommendations/{rid:int}/feedback", (int id, int rid, OutcomeFeedbackInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ActAsync(db, user, id, ct, clock, c => ConsultationRules.SetRecommendationFeedbackAsync(db, c, rid, input, user, clock, ct)));

        // ── report ──
        api.MapGet("/{id:int}/report.docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (c, refused) = await FindAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader)) return Problem(new(403, "协商报告只供政协机关和领导查看。"));
            var bytes = await ConsultationReport.BuildAsync(db, c!, user, clock, ct);
            return TypedResults.File(bytes, ConsultationReport.ContentType, $"协商报告-{c!.Id}.docx");
        });
    }

    /// <summary>Problem response with the rule's status and Chinese message.</summary>
    public static ProblemHttpResult Problem(ConsultationError e) => TypedResults.Problem(statusCode: e.Status, detail: e.Message,
        title: e.Status switch { 400 => "请求有误", 403 => "无权操作", 404 => "未找到", 409 => "当前不能这样操作", 410 => "已失效", _ => "请求有误" },
        extensions: e.Field.Length > 0 ? new Dictionary<string, object?> { ["field"] = e.Field } : null);

    /// <summary>A consultation <paramref name="user"/> may see (404 none, 403 out of scope), its meeting time read from its activity.</summary>
    public static async Task<(Consultation? Consultation, ConsultationError? Refused)> FindAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct, bool tracked = true)
    {
        var q = tracked ? db.Consultations : db.Consultations.AsNoTracking();
        var c = await q.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return (null, new(404, "没有这次协商。"));
        if (!await ConsultationAccess.CanSeeAsync(db, user, id, ct)) return (null, new(403, "您无权查看这次协商。"));
        await ConsultationQueries.UseActivityMeetingAsync(db, c, ct);
        return (c, null);
    }

    /// <summary>A plan <paramref name="user"/> may see (404 none, 403 out of scope or a draft for a non-staff account).</summary>
    public static async Task<(ConsultationPlan? Plan, ConsultationError? Refused)> FindPlanAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct, bool tracked = false)
    {
        var q = tracked ? db.ConsultationPlans : db.ConsultationPlans.AsNoTracking();
        var p = await q.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (p is null) return (null, new(404, "没有这份协商计划。"));
        if (!await db.ConsultationPlans.Where(x => x.Id == id).VisibleTo(user).AnyAsync(ct)) return (null, new(403, "您无权查看这份协商计划。"));
        return (p, null);
    }

    private static async Task<Results<Ok<ConsultationDetail>, ProblemHttpResult>> ActAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, TimeProvider clock, Func<Consultation, Task<ConsultationError?>> action)
    {
        var (c, refused) = await FindAsync(db, id, user, ct);
        if (refused is not null) return Problem(refused);
        if (await action(c!) is { } error)
        {
            db.ChangeTracker.Clear();
            return Problem(error);
        }
        db.ChangeTracker.Clear();
        return TypedResults.Ok(await ConsultationQueries.DetailAsync(db, (await FindAsync(db, id, user, ct, tracked: false)).Consultation!, user, clock, ct));
    }

    private static async Task<Results<Ok<ConsultationDetail>, ValidationProblem, ProblemHttpResult>> SaveWithErrorsAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct, TimeProvider clock,
        Func<Consultation, Task<Dictionary<string, string[]>>> save)
    {
        var (c, refused) = await FindAsync(db, id, user, ct);
        if (refused is not null) return Problem(refused);
        if (!ConsultationAccess.CanManage(user, c!.CommitteePath)) return Problem(new(403, "您无权修改这次协商。"));
        var errors = await save(c);
        if (errors.Count > 0)
        {
            db.ChangeTracker.Clear();
            if (errors.TryGetValue("", out var general)) return Problem(new(409, general[0]));
            if (errors.Values.SelectMany(v => v).FirstOrDefault(m => m.StartsWith("您无权", StringComparison.Ordinal)) is { } no) return Problem(new(403, no));
            return TypedResults.ValidationProblem(errors, title: "请求有误");
        }
        db.ChangeTracker.Clear();
        return TypedResults.Ok(await ConsultationQueries.DetailAsync(db, (await FindAsync(db, id, user, ct, tracked: false)).Consultation!, user, clock, ct));
    }

    private static ParticipantDto Dto(ConsultationParticipant p, bool office) =>
        new(p.Id, p.Name, p.Organization, p.Role, ConsultationWorkflow.CategoryCode(p.Category), ConsultationWorkflow.CategoryName(p.Category), office ? p.Phone : "", p.InviteLinkId is not null, p.Attended);

    /// <summary>What the registration page shows for <paramref name="link"/>: the consultation and whether registration is open.</summary>
    public static async Task<RegistrationInfo> RegistrationInfoAsync(AppDbContext db, ConsultationInviteLink link, TimeProvider clock, CancellationToken ct)
    {
        var c = link.Consultation!;
        var committee = await db.Committees.Where(x => x.Id == c.CommitteeId).Select(x => x.Name).FirstAsync(ct);
        var closed = await ConsultationRules.LinkClosedAsync(db, link, c, clock, ct);
        return new RegistrationInfo(c.Title, ConsultationTypes.Name(c.Type), committee, c.MeetingAt, c.Place, closed is null, closed?.Message,
            ConsultationTypes.Code(c.Type), closed?.Status);
    }
}
