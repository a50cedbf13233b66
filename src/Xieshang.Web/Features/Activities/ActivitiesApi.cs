using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Activities;

/// <summary>One row of an activity list: API type code and Chinese name, status code (<c>draft</c>, <c>published</c>, <c>postponed</c>, <c>cancelled</c>), times as instants.</summary>
public sealed record ActivityListItem(int Id, string Title, string Type, string TypeName, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string Place, bool Mandatory, IReadOnlyList<string> OrganizerCodes);

/// <summary>An organising committee.</summary>
public sealed record OrganizerDto(string Code, string Name);

/// <summary>Counts of an activity's invitees by state.</summary>
public sealed record InviteeCounts(int Invited, int Registered, int Declined, int LeaveRequested, int LeaveGranted, int CheckedIn);

/// <summary>The signed-in member's own invitation: state code and Chinese name, leave details, check-in and confirmed attendance code.</summary>
public sealed record MyInvitation(string Status, string StatusName, string LeaveReason, bool LeaveLate, string LeaveDecisionNote, DateTimeOffset? CheckedInAt, string? Attendance);

/// <summary>A material file of an activity (size in bytes).</summary>
public sealed record MaterialDto(int Id, string FileName, long Size);

/// <summary>Full activity as its viewer may see it; <c>Invitees</c> echoes the invitee rules as written.</summary>
public sealed record ActivityDetail(int Id, string Title, string Type, string TypeName, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    DateTimeOffset? OriginalStartsAt, string Place, string OnlineLink, string Agenda, bool Mandatory, int? ReminderDays, string CancelReason,
    IReadOnlyList<OrganizerDto> Organizers, InviteesInput Invitees, InviteeCounts Counts, IReadOnlyList<MaterialDto> Materials, MyInvitation? Mine,
    bool CanManage, bool CanDecideLeave, DateTimeOffset? AttendanceConfirmedAt);

/// <summary>One invitee: state code (see <see cref="ActivityRules.StatusCode"/>), confirmed attendance code or null.</summary>
public sealed record InviteeItem(int MemberId, string Name, string CommitteeCode, string Sector, string Status, string StatusName, string? Attendance,
    string LeaveReason, bool LeaveLate, DateTimeOffset? CheckedInAt, bool WalkIn);

/// <summary>Body of <c>POST /api/activities/{id}/response</c>.</summary>
public sealed record ResponseInput(string? Response, string? Reason);

/// <summary>Body of <c>POST /api/activities/{id}/postpone</c>.</summary>
public sealed record PostponeInput(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason);

/// <summary>Body of cancel and leave decisions: an optional reason or note.</summary>
public sealed record NoteInput(string? Reason, string? Note);

/// <summary>One row of <c>POST /api/activities/{id}/attendance</c>.</summary>
public sealed record AttendanceInput(int MemberId, string? Role);

/// <summary>
/// Activities API (DOMAIN.md §4.1): create, edit, publish, postpone, cancel, list, detail, invitees, answers, leave
/// decisions, attendance, materials. Scope by <see cref="ActivityAccess"/>; rules in <see cref="ActivityRules"/>.
/// </summary>
public static class ActivitiesApi
{
    /// <summary>Largest material file accepted (bytes).</summary>
    public const long MaxMaterialBytes = 20 * 1024 * 1024;

    private static readonly string[] MaterialExtensions = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".txt", ".ofd", ".wps"];

    public static void MapActivitiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/activities").WithTags("Activities").RequireAuthorization(Policies.SignedIn);

        api.MapGet("/types", () => TypedResults.Ok(ActivityTypes.All.Select(t => new { code = t.Code, name = t.Name })));

        // GET /api/activities?committee=&from=&to=&type=&status= → activities the viewer may see, by start time (at most 500).
        api.MapGet("", async Task<Results<Ok<List<ActivityListItem>>, NotFound<ProblemDetails>, ForbidHttpResult, BadRequest<ProblemDetails>>> (
            string? committee, DateTimeOffset? from, DateTimeOffset? to, string? type, string? status, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var q = db.Activities.AsNoTracking().VisibleTo(db, user);
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.Where(x => x.Code == committee).Select(x => new { x.Id, x.Path }).FirstOrDefaultAsync(ct);
                if (c is null) return CommitteesApi.NotFound(committee);
                if (!Scope.CanRead(user, c.Path)) return TypedResults.Forbid();
                // A committee's calendar: what it organises (joint ones included) and what its members are invited to.
                q = q.Where(a => db.ActivityOrganizers.Any(o => o.ActivityId == a.Id && o.CommitteeId == c.Id)
                    || (a.Status != ActivityStatus.Draft && db.Invitations.Any(i => i.ActivityId == a.Id && i.CommitteeId == c.Id)));
            }
            if (from is { } f) q = q.Where(a => a.EndsAt >= f);
            if (to is { } t) q = q.Where(a => a.StartsAt < t);
            if (type is { Length: > 0 })
            {
                if (ActivityTypes.Parse(type) is not { } ty) return Bad($"活动类型“{type}”无效。");
                q = q.Where(a => a.Type == ty);
            }
            if (status is { Length: > 0 })
            {
                if (!Enum.TryParse<ActivityStatus>(status, true, out var st)) return Bad($"状态“{status}”无效，应为 draft、published、postponed 或 cancelled。");
                q = q.Where(a => a.Status == st);
            }
            return TypedResults.Ok(await ListAsync(db, q.OrderBy(a => a.StartsAt).ThenBy(a => a.Id).Take(500), ct));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<ActivityDetail>, NotFound, ForbidHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var a = await db.Activities.AsNoTracking().Include(x => x.Organizers).Include(x => x.InviteeRules).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (a is null) return TypedResults.NotFound();
            if (!await ActivityAccess.CanSeeAsync(db, user, id, ct)) return TypedResults.Forbid();
            return TypedResults.Ok(await DetailAsync(db, a, user, ct));
        });

        api.MapPost("", async Task<Results<Created<IdResult>, ValidationProblem, ForbidHttpResult>> (
            ActivityInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return TypedResults.Forbid();
            var a = new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
            var errors = await ActivityRules.SaveAsync(db, a, input, user, clock, ct);
            if (errors.Count > 0)
                return errors.ContainsKey("organizerCodes") && errors["organizerCodes"][0].StartsWith("您无权") ? TypedResults.Forbid() : TypedResults.ValidationProblem(errors);
            return TypedResults.Created($"/api/activities/{a.Id}", new IdResult(a.Id));
        });

        api.MapPut("/{id:int}", async Task<Results<Ok<IdResult>, ValidationProblem, NotFound, ForbidHttpResult, Conflict<ProblemDetails>>> (
            int id, ActivityInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var a = await db.Activities.Include(x => x.Organizers).Include(x => x.InviteeRules).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (a is null) return TypedResults.NotFound();
            if (!await ActivityAccess.CanManageAsync(db, user, id, ct)) return TypedResults.Forbid();
            if (a.Status == ActivityStatus.Cancelled) return Conflict("活动已取消，不能修改。");
            var errors = await ActivityRules.SaveAsync(db, a, input, user, clock, ct);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(new IdResult(a.Id));
        });

        api.MapPost("/{id:int}/publish", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, a => ActivityRules.PublishAsync(db, a, clock, ct)));

        api.MapPost("/{id:int}/postpone", (int id, PostponeInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, a => ActivityRules.PostponeAsync(db, a, input.StartsAt, input.EndsAt, input.Reason, clock, ct)));

        api.MapPost("/{id:int}/cancel", (int id, NoteInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, a => ActivityRules.CancelAsync(db, a, input?.Reason ?? input?.Note, clock, ct)));

        // GET /api/activities/{id}/invitees → [{memberId,name,status,attendance,…}] in roster (stroke) order; office accounts only.
        api.MapGet("/{id:int}/invitees", async Task<Results<Ok<List<InviteeItem>>, NotFound, ForbidHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (!await db.Activities.AnyAsync(a => a.Id == id, ct)) return TypedResults.NotFound();
            if (!(user.IsStaff || user.IsLeader || user.IsAdmin) || !await ActivityAccess.CanSeeAsync(db, user, id, ct)) return TypedResults.Forbid();
            return TypedResults.Ok(await InviteesAsync(db, id, user, ct));
        });

        api.MapPost("/{id:int}/response", async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> (
            int id, ResponseInput input, AppDbContext db, CurrentUser user, IOptions<ActivityOptions> options, TimeProvider clock, CancellationToken ct) =>
        {
            var a = await db.Activities.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (a is null) return TypedResults.NotFound();
            if (user.MemberId is not { } mid) return TypedResults.Forbid();
            return Result(await ActivityRules.RespondAsync(db, a, mid, input.Response, input.Reason, options.Value, clock, ct));
        });

        api.MapPost("/{id:int}/leave/{memberId:int}/approve", (int id, int memberId, NoteInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(db, user, id, memberId, true, input?.Note ?? input?.Reason, clock, ct));
        api.MapPost("/{id:int}/leave/{memberId:int}/refuse", (int id, int memberId, NoteInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(db, user, id, memberId, false, input?.Note ?? input?.Reason, clock, ct));

        api.MapPost("/{id:int}/attendance", (int id, List<AttendanceInput> rows, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, a => ActivityRules.ConfirmAttendanceAsync(db, a, rows.Select(r => (r.MemberId, r.Role)).ToList(), clock, ct)));

        api.MapPost("/{id:int}/materials", async Task<Results<Created<MaterialDto>, NotFound, ForbidHttpResult, ProblemHttpResult>> (
            int id, IFormFile? file, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!await db.Activities.AnyAsync(a => a.Id == id, ct)) return TypedResults.NotFound();
            if (!await ActivityAccess.CanManageAsync(db, user, id, ct)) return TypedResults.Forbid();
            var (material, error) = await ReadMaterialAsync(id, file, user, clock, ct);
            if (error is not null) return TypedResults.Problem(statusCode: 400, title: "请求有误", detail: error);
            db.ActivityMaterials.Add(material!);
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/activities/{id}/materials/{material!.Id}", new MaterialDto(material.Id, material.FileName, material.Size));
        }).DisableAntiforgery();

        api.MapGet("/{id:int}/materials/{materialId:int}", async Task<Results<FileContentHttpResult, NotFound, ForbidHttpResult>> (
            int id, int materialId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var m = await db.ActivityMaterials.AsNoTracking().FirstOrDefaultAsync(x => x.Id == materialId && x.ActivityId == id, ct);
            if (m is null) return TypedResults.NotFound();
            if (!await ActivityAccess.CanSeeAsync(db, user, id, ct)) return TypedResults.Forbid();
            return TypedResults.File(m.Content, m.ContentType, m.FileName);
        });

        api.MapDelete("/{id:int}/materials/{materialId:int}", async Task<Results<NoContent, NotFound, ForbidHttpResult>> (
            int id, int materialId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (!await db.ActivityMaterials.AnyAsync(x => x.Id == materialId && x.ActivityId == id, ct)) return TypedResults.NotFound();
            if (!await ActivityAccess.CanManageAsync(db, user, id, ct)) return TypedResults.Forbid();
            await db.ActivityMaterials.Where(x => x.Id == materialId).ExecuteDeleteAsync(ct);
            return TypedResults.NoContent();
        });
    }

    /// <summary><c>{"id"}</c>.</summary>
    public sealed record IdResult(int Id);

    private static BadRequest<ProblemDetails> Bad(string detail) => TypedResults.BadRequest(new ProblemDetails { Title = "请求有误", Detail = detail, Status = 400 });
    private static Conflict<ProblemDetails> Conflict(string detail) => TypedResults.Conflict(new ProblemDetails { Title = "当前不能这样操作", Detail = detail, Status = 409 });

    /// <summary>Translates a rule result: null → 204; otherwise a problem with the rule's status and Chinese message.</summary>
    public static Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult> Result(ActivityError? e) => e switch
    {
        null => TypedResults.NoContent(),
        { Status: 403 } => TypedResults.Problem(statusCode: 403, title: "无权操作", detail: e.Message),
        _ => TypedResults.Problem(statusCode: e.Status, title: e.Status switch { 404 => "Not found", 409 => "Conflict", _ => "Bad request" }, detail: e.Message,
            extensions: e.Field.Length > 0 ? new Dictionary<string, object?> { ["field"] = e.Field } : null),
    };

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> ManageAsync(
        AppDbContext db, CurrentUser user, int id, CancellationToken ct, Func<Activity, Task<ActivityError?>> action)
    {
        var a = await db.Activities.Include(x => x.Organizers).Include(x => x.InviteeRules).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return TypedResults.NotFound();
        if (!await ActivityAccess.CanManageAsync(db, user, id, ct)) return TypedResults.Forbid();
        return Result(await action(a));
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> DecideAsync(
        AppDbContext db, CurrentUser user, int id, int memberId, bool grant, string? note, TimeProvider clock, CancellationToken ct)
    {
        var a = await db.Activities.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return TypedResults.NotFound();
        if (!await ActivityAccess.CanDecideLeaveAsync(db, user, id, ct)) return TypedResults.Forbid();
        return Result(await ActivityRules.DecideLeaveAsync(db, a, memberId, grant, note, user, clock, ct));
    }

    /// <summary>Validates an uploaded material: present, not empty, at most <see cref="MaxMaterialBytes"/>, an office/PDF/image type by extension.</summary>
    public static async Task<(ActivityMaterial? Material, string? Error)> ReadMaterialAsync(int activityId, IFormFile? file, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (file is null || file.Length == 0) return (null, "请选择要上传的文件。");
        if (file.Length > MaxMaterialBytes) return (null, $"文件过大（{file.Length / 1024 / 1024} MB），单个文件不能超过 20 MB。");
        var name = Path.GetFileName(file.FileName.Replace('\\', '/'));
        var ext = Path.GetExtension(name).ToLowerInvariant();
        if (!MaterialExtensions.Contains(ext)) return (null, $"不支持的文件类型“{ext}”，可上传：{string.Join(" ", MaterialExtensions)}。");
        if (name.Length > 200) name = name[^200..];
        using var ms = new MemoryStream();
        await file.CopyToAsync(ms, ct);
        var type = ext switch
        {
            ".pdf" => "application/pdf", ".jpg" or ".jpeg" => "image/jpeg", ".png" => "image/png", ".txt" => "text/plain; charset=utf-8",
            ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            _ => "application/octet-stream",
        };
        return (new ActivityMaterial { ActivityId = activityId, FileName = name, ContentType = type, Size = ms.Length, Content = ms.ToArray(), UploadedBy = user.UserName, UploadedAt = clock.GetUtcNow() }, null);
    }

    /// <summary>Projects activities to list rows (organiser codes in order).</summary>
    public static async Task<List<ActivityListItem>> ListAsync(AppDbContext db, IQueryable<Activity> q, CancellationToken ct)
    {
        var rows = await q.Select(a => new
        {
            a.Id, a.Title, a.Type, a.Status, a.StartsAt, a.EndsAt, a.Place, a.OnlineLink, a.Mandatory,
            Organizers = db.ActivityOrganizers.Where(o => o.ActivityId == a.Id).OrderBy(o => o.SortOrder).Select(o => o.Committee!.Code).ToList(),
        }).ToListAsync(ct);
        return rows.Select(a => new ActivityListItem(a.Id, a.Title, ActivityTypes.Code(a.Type), ActivityTypes.Name(a.Type), a.Status.ToString().ToLowerInvariant(),
            a.StartsAt, a.EndsAt, a.Place.Length > 0 ? a.Place : a.OnlineLink, a.Mandatory, a.Organizers)).ToList();
    }

    /// <summary>Builds the detail record for <paramref name="user"/> (their own invitation included when they are a member).</summary>
    public static async Task<ActivityDetail> DetailAsync(AppDbContext db, Activity a, CurrentUser user, CancellationToken ct)
    {
        var organizerIds = a.Organizers.OrderBy(o => o.SortOrder).Select(o => o.CommitteeId).ToList();
        var committees = await db.Committees.Where(c => organizerIds.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Name }).ToListAsync(ct);
        var organizers = organizerIds.Select(id => committees.First(c => c.Id == id)).Select(c => new OrganizerDto(c.Code, c.Name)).ToList();
        var ruleCommittees = a.InviteeRules.Where(r => r.Kind == InviteeKind.Committee).Select(r => r.TargetId).ToList();
        var ruleCodes = await db.Committees.Where(c => ruleCommittees.Contains(c.Id)).Select(c => c.Code).ToArrayAsync(ct);
        int[] Ids(InviteeKind k) => a.InviteeRules.Where(r => r.Kind == k).Select(r => r.TargetId).ToArray();
        // Counts cover the invitations the viewer may list: everyone for the organisers' offices, their own scope for an
        // office that is only invited, their own invitation for a member. Named members are shown to organisers only.
        var organiser = await IsOrganiserOfficeAsync(db, user, a.Id, ct);
        var inv = db.Invitations.Where(i => i.ActivityId == a.Id);
        if (!organiser)
            inv = user.IsStaff || user.IsLeader ? inv.Where(i => i.CommitteePath.StartsWith(user.CommitteePath!)) : inv.Where(i => i.MemberId == user.MemberId);
        var visible = inv.Select(i => i.MemberId);
        var counts = new InviteeCounts(
            await inv.CountAsync(ct),
            await inv.CountAsync(i => i.Response == InvitationResponse.Attend, ct),
            await inv.CountAsync(i => i.Response == InvitationResponse.Decline, ct),
            await inv.CountAsync(i => i.Response == InvitationResponse.Leave && i.LeaveDecision == LeaveDecision.Pending, ct),
            await inv.CountAsync(i => i.Response == InvitationResponse.Leave && i.LeaveDecision == LeaveDecision.Granted, ct),
            await db.CheckIns.CountAsync(c => c.ActivityId == a.Id && visible.Contains(c.MemberId), ct));
        var materials = await db.ActivityMaterials.Where(m => m.ActivityId == a.Id).OrderBy(m => m.Id).Select(m => new MaterialDto(m.Id, m.FileName, m.Size)).ToListAsync(ct);
        MyInvitation? mine = null;
        if (user.MemberId is { } mid && await inv.FirstOrDefaultAsync(i => i.MemberId == mid, ct) is { } my)
        {
            var checkIn = await db.CheckIns.Where(c => c.ActivityId == a.Id && c.MemberId == mid).Select(c => (DateTimeOffset?)c.At).FirstOrDefaultAsync(ct);
            mine = new MyInvitation(ActivityRules.StatusCode(my), ActivityRules.StatusName(my), my.LeaveReason, my.LeaveLate, my.LeaveDecisionNote, checkIn,
                my.Attendance is { } r ? ActivityRules.RoleCode(r) : null);
        }
        return new ActivityDetail(a.Id, a.Title, ActivityTypes.Code(a.Type), ActivityTypes.Name(a.Type), a.Status.ToString().ToLowerInvariant(), a.StartsAt, a.EndsAt,
            a.OriginalStartsAt, a.Place, a.OnlineLink, a.Agenda, a.Mandatory, a.ReminderDays, a.CancelReason, organizers,
            new InviteesInput(ruleCodes, Ids(InviteeKind.Sector), Ids(InviteeKind.SpecialCommittee), organiser ? Ids(InviteeKind.Member) : []), counts, materials, mine,
            await ActivityAccess.CanManageAsync(db, user, a.Id, ct), await ActivityAccess.CanDecideLeaveAsync(db, user, a.Id, ct), a.AttendanceConfirmedAt);
    }

    /// <summary>True for administrators and for office accounts whose scope holds one of the activity's organisers.</summary>
    private static async Task<bool> IsOrganiserOfficeAsync(AppDbContext db, CurrentUser user, int activityId, CancellationToken ct) =>
        user.IsAdmin || ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p
            && await db.ActivityOrganizers.AnyAsync(o => o.ActivityId == activityId && o.CommitteePath.StartsWith(p), ct));

    /// <summary>
    /// The invitees of an activity as <paramref name="user"/> may see them, in roster order (stroke order of the
    /// name). Leaders and staff of a committee that is only invited (not organising) see their own members only.
    /// </summary>
    public static async Task<List<InviteeItem>> InviteesAsync(AppDbContext db, int activityId, CurrentUser user, CancellationToken ct)
    {
        var q = db.Invitations.AsNoTracking().Where(i => i.ActivityId == activityId);
        var organiser = await IsOrganiserOfficeAsync(db, user, activityId, ct);
        if (!organiser && user.CommitteePath is { } own) q = q.Where(i => i.CommitteePath.StartsWith(own));
        var rows = await q.OrderBy(i => i.Member!.StrokeKey).ThenBy(i => i.MemberId).Select(i => new
        {
            Inv = i, i.Member!.Name, Code = db.Committees.Where(c => c.Id == i.CommitteeId).Select(c => c.Code).First(),
            Sector = db.Sectors.Where(s => s.Id == i.SectorId).Select(s => s.Name).FirstOrDefault() ?? "",
            CheckedInAt = db.CheckIns.Where(c => c.ActivityId == i.ActivityId && c.MemberId == i.MemberId).Select(c => (DateTimeOffset?)c.At).FirstOrDefault(),
        }).ToListAsync(ct);
        return rows.Select(r => new InviteeItem(r.Inv.MemberId, r.Name, r.Code, r.Sector, ActivityRules.StatusCode(r.Inv), ActivityRules.StatusName(r.Inv),
            r.Inv.Attendance is { } role ? ActivityRules.RoleCode(role) : null, r.Inv.LeaveReason, r.Inv.LeaveLate, r.CheckedInAt, r.Inv.WalkIn)).ToList();
    }
}
