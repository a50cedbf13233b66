using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Opinions;

/// <summary>One row of an item list.</summary>
public sealed record OpinionListItem(int Id, string Title, string Status, string StatusName, string CommitteeCode, string CommitteeName,
    string AuthorName, DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of items and the total.</summary>
public sealed record OpinionPage(IReadOnlyList<OpinionListItem> Items, int Total);

/// <summary>A person on an item (author or co-author).</summary>
public sealed record PersonDto(int Id, string Name);

/// <summary>One timeline step.</summary>
public sealed record OpinionEventDto(string Action, string ActionName, string From, string To, string ActorName, string Comment, DateTimeOffset At);

/// <summary>One recorded outcome: kind <c>adoption</c> or <c>instruction</c>, level code and name, the duty rule it earns.</summary>
public sealed record OpinionOutcomeDto(int Id, string Kind, string Level, string LevelName, string? CommitteeCode, string? CommitteeName,
    string LeaderName, string Text, DateOnly On, string RuleCode);

/// <summary>An issue of the bulletin an item appears in.</summary>
public sealed record BulletinRef(int Id, string Number, string Status, string CommitteeName);

/// <summary>
/// An item as its viewer may see it, with the actions the viewer may take now (<see cref="Actions"/>, action codes of
/// <see cref="OpinionWorkflow"/>), whether they may edit it or record outcomes, the timeline and the outcomes.
/// </summary>
public sealed record OpinionDetail(int Id, string Title, string Body, int Length, string Status, string StatusName, string CommitteeCode, string CommitteeName,
    int? AuthorMemberId, string AuthorName, IReadOnlyList<PersonDto> CoAuthors, string ReviewNote, int? SourceProposalId,
    DateTimeOffset CreatedAt, DateTimeOffset? SubmittedAt, DateTimeOffset? DecidedAt, int Version,
    IReadOnlyList<string> Actions, bool CanEdit, bool CanRecordOutcomes,
    IReadOnlyList<OpinionEventDto> History, IReadOnlyList<OpinionOutcomeDto> Outcomes, IReadOnlyList<BulletinRef> Bulletins);

/// <summary>One row of a bulletin list; <see cref="Received"/> when it was sent upward to the viewer's committee.</summary>
public sealed record BulletinListItem(int Id, string Number, string Title, string Status, string CommitteeCode, string CommitteeName, int ItemCount,
    DateTimeOffset CreatedAt, DateTimeOffset? IssuedAt, bool SendToParent, bool Received);

/// <summary>An item in an issue (text included, as printed).</summary>
public sealed record BulletinItemDto(int Id, string Title, string AuthorName, IReadOnlyList<string> CoAuthors, string CommitteeName, string Body);

/// <summary>An issue with its items in order.</summary>
public sealed record BulletinDetail(int Id, string Number, string Title, string Status, string CommitteeCode, string CommitteeName,
    IReadOnlyList<string> Recipients, bool SendToParent, string ParentCommitteeName, DateTimeOffset CreatedAt, DateTimeOffset? IssuedAt,
    IReadOnlyList<BulletinItemDto> Items, bool CanManage, int Version);

/// <summary>Body of <c>POST /api/opinions/bulletins/{id}/items</c>.</summary>
public sealed record BulletinItemsInput(int[]? ItemIds);

/// <summary>
/// Public-opinion items API (DOMAIN.md §4.4) under <c>/api/opinions</c>: items (write, edit, workflow actions, list,
/// detail), outcomes (adoptions, instructions) and bulletin issues (compose, issue, .docx). Scope through
/// <see cref="OpinionAccess"/>; rules in <see cref="OpinionRules"/>. Handling-unit accounts are refused everywhere.
/// </summary>
public static class OpinionsApi
{
    /// <summary>Largest page size of the lists.</summary>
    public const int MaxPageSize = 100;

    public static void MapOpinionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/opinions").WithTags("Opinions").RequireAuthorization(Policies.SignedIn)
            .AddEndpointFilter(async (ctx, next) =>
            {
                var user = CurrentUser.From(ctx.HttpContext.User);
                return user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember
                    ? await next(ctx)
                    : TypedResults.Problem(statusCode: 403, detail: "您的账号不能查看社情民意信息。");
            });

        // GET /api/opinions?committee=&status=&q=&page=&pageSize= → {items,total}, newest first.
        api.MapGet("", async Task<Results<Ok<OpinionPage>, ProblemHttpResult>> (string? committee, string? status, string? q, int? page, int? pageSize,
            AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var query = db.OpinionItems.AsNoTracking().VisibleTo(db, user);
            if (!string.IsNullOrWhiteSpace(committee))
            {
                var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee.Trim(), ct);
                if (c is null) return Problem(new(404, $"政协代码“{committee}”不存在。"));
                if (!Scope.CanRead(user, c.Path)) return Problem(new(403, $"您无权查看“{c.Name}”的社情民意信息。"));
                query = query.Where(x => x.CommitteePath.StartsWith(c.Path));
            }
            if (!string.IsNullOrWhiteSpace(status))
            {
                if (OpinionWorkflow.ParseState(status) is not { } st)
                    return Problem(new(400, $"状态“{status}”无效，应为 {string.Join("、", Enum.GetValues<OpinionStatus>().Select(OpinionWorkflow.StateCode))} 之一。", "status"));
                query = query.Where(x => x.Status == st);
            }
            if (!string.IsNullOrWhiteSpace(q))
            {
                var text = q.Trim();
                query = query.Where(x => x.Title.Contains(text) || x.Body.Contains(text) || x.AuthorName.Contains(text));
            }
            var size = Math.Clamp(pageSize ?? 20, 1, MaxPageSize);
            var p = Math.Clamp(page ?? 1, 1, 100_000);
            var total = await query.CountAsync(ct);
            return TypedResults.Ok(new OpinionPage(await ListAsync(query.OrderByDescending(x => x.Id).Skip((p - 1) * size).Take(size), ct), total));
        });

        api.MapPost("", async Task<Results<Created<IdStatus>, ValidationProblem, ProblemHttpResult>> (
            OpinionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, error, errors) = await OpinionRules.CreateAsync(db, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.Values.First()[0]);
            return TypedResults.Created($"/api/opinions/{item!.Id}", new IdStatus(item.Id, OpinionWorkflow.StateCode(item.Status)));
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<OpinionDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await DetailAsync(db, item!, user, ct));
        });

        api.MapPut("/{id:int}", async Task<Results<Ok<IdStatus>, ValidationProblem, ProblemHttpResult>> (
            int id, OpinionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (error, errors) = await OpinionRules.UpdateAsync(db, item!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, detail: errors.Values.First()[0]);
            return TypedResults.Ok(new IdStatus(item!.Id, OpinionWorkflow.StateCode(item.Status)));
        });

        api.MapPost("/{id:int}/actions/{action}", async Task<Results<Ok<IdStatus>, ProblemHttpResult>> (
            int id, string action, OpinionActionInput? input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (await OpinionRules.ActAsync(db, item!, action.Trim().ToLowerInvariant(), input, user, clock, ct) is { } error) return Problem(error);
            return TypedResults.Ok(new IdStatus(item!.Id, OpinionWorkflow.StateCode(item.Status)));
        });

        api.MapPost("/{id:int}/adoptions", async Task<Results<Created<OpinionOutcomeDto>, ProblemHttpResult>> (
            int id, AdoptionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (outcome, error) = await OpinionRules.AddAdoptionAsync(db, item!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/opinions/{id}", (await OutcomesAsync(db, item!, ct)).First(o => o.Id == outcome!.Id));
        });

        api.MapPost("/{id:int}/instructions", async Task<Results<Created<OpinionOutcomeDto>, ProblemHttpResult>> (
            int id, InstructionInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            var (outcome, error) = await OpinionRules.AddInstructionAsync(db, item!, input, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/opinions/{id}", (await OutcomesAsync(db, item!, ct)).First(o => o.Id == outcome!.Id));
        });

        api.MapDelete("/{id:int}/outcomes/{outcomeId:int}", async Task<Results<NoContent, ProblemHttpResult>> (
            int id, int outcomeId, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (item, refused) = await FindAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (await OpinionRules.DeleteOutcomeAsync(db, item!, outcomeId, user, clock, ct) is { } error) return Problem(error);
            return TypedResults.NoContent();
        });

        // Bulletins (《社情民意》 issues).
        var bulletins = api.MapGroup("/bulletins");

        // GET /api/opinions/bulletins?committee=&status=&received=&page= → {items,total}, newest first.
        bulletins.MapGet("", async Task<Results<Ok<BulletinPage>, ProblemHttpResult>> (string? committee, string? status, bool? received, int? page, int? pageSize,
            AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (!(user.IsStaff || user.IsLeader || user.IsAdmin)) return Problem(new(403, "只有政协机关工作人员和领导可以查看《社情民意》刊物。"));
            var query = db.OpinionBulletins.AsNoTracking().VisibleTo(user);
            int? committeeId = null;
            if (!string.IsNullOrWhiteSpace(committee))
            {
                var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee.Trim(), ct);
                if (c is null) return Problem(new(404, $"政协代码“{committee}”不存在。"));
                if (!Scope.CanRead(user, c.Path)) return Problem(new(403, $"您无权查看“{c.Name}”的《社情民意》。"));
                committeeId = c.Id;
            }
            if (received == true)
            {
                // Issues sent upward to the committee (default: the viewer's own).
                var target = committeeId ?? user.CommitteeId;
                query = query.Where(b => b.Status == BulletinStatus.Issued && b.ParentCommitteeId != null && (target == null || b.ParentCommitteeId == target));
            }
            else if (committeeId is { } cid) query = query.Where(b => b.CommitteeId == cid);
            if (!string.IsNullOrWhiteSpace(status))
            {
                if (!Enum.TryParse<BulletinStatus>(status.Trim(), true, out var st) || !Enum.IsDefined(st))
                    return Problem(new(400, $"状态“{status}”无效，应为 draft 或 issued。", "status"));
                query = query.Where(b => b.Status == st);
            }
            var size = Math.Clamp(pageSize ?? 20, 1, MaxPageSize);
            var p = Math.Clamp(page ?? 1, 1, 100_000);
            var total = await query.CountAsync(ct);
            return TypedResults.Ok(new BulletinPage(await BulletinListAsync(db, query.OrderByDescending(b => b.Id).Skip((p - 1) * size).Take(size), user, ct), total));
        });

        bulletins.MapPost("", async Task<Results<Created<BulletinDetail>, ProblemHttpResult>> (
            BulletinInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (b, error) = await OpinionRules.CreateBulletinAsync(db, input, user, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/opinions/bulletins/{b!.Id}", await BulletinDetailAsync(db, b, user, ct));
        });

        bulletins.MapGet("/{id:int}", async Task<Results<Ok<BulletinDetail>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (b, refused) = await FindBulletinAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            return TypedResults.Ok(await BulletinDetailAsync(db, b!, user, ct));
        });

        bulletins.MapPut("/{id:int}", (int id, BulletinInput input, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            ChangeBulletinAsync(db, id, user, ct, b => OpinionRules.UpdateBulletinAsync(db, b, input, user, ct)));

        bulletins.MapDelete("/{id:int}", async Task<Results<NoContent, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (b, refused) = await FindBulletinAsync(db, id, user, ct);
            if (refused is not null) return Problem(refused);
            if (await OpinionRules.DeleteBulletinAsync(db, b!, user, ct) is { } error) return Problem(error);
            return TypedResults.NoContent();
        });

        bulletins.MapPost("/{id:int}/items", (int id, BulletinItemsInput input, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            ChangeBulletinAsync(db, id, user, ct, b => OpinionRules.AddItemsAsync(db, b, input.ItemIds, user, ct)));

        bulletins.MapDelete("/{id:int}/items/{itemId:int}", (int id, int itemId, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            ChangeBulletinAsync(db, id, user, ct, b => OpinionRules.RemoveItemAsync(db, b, itemId, user, ct)));

        bulletins.MapPost("/{id:int}/issue", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ChangeBulletinAsync(db, id, user, ct, b => OpinionRules.IssueAsync(db, b, user, clock, ct)));

        bulletins.MapGet("/{id:int}/docx", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (b, refused) = await FindBulletinAsync(db, id, user, ct, tracked: false);
            if (refused is not null) return Problem(refused);
            var detail = await BulletinDetailAsync(db, b!, user, ct);
            return TypedResults.File(OpinionExport.Docx(detail), DutyExport.DocxContentType, OpinionExport.FileName(detail));
        });
    }

    /// <summary><c>{"id","status"}</c>.</summary>
    public sealed record IdStatus(int Id, string Status);

    /// <summary>A page of bulletins and the total.</summary>
    public sealed record BulletinPage(IReadOnlyList<BulletinListItem> Items, int Total);

    /// <summary>A rule's refusal as a Chinese problem body (400 with the field's message under <c>errors</c>).</summary>
    public static ProblemHttpResult Problem(OpinionError e) => TypedResults.Problem(statusCode: e.Status, detail: e.Message,
        extensions: e.Field.Length > 0 && e.Status == 400 ? new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [e.Field] = [e.Message] } } : null);

    /// <summary>Loads an item (tracked by default) when the user may see it: 404 when there is none, 403 when it is out of the user's scope.</summary>
    public static async Task<(OpinionItem? Item, OpinionError? Refused)> FindAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct, bool tracked = true)
    {
        var q = tracked ? db.OpinionItems : db.OpinionItems.AsNoTracking();
        var item = await q.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (item is null) return (null, new(404, "没有这条社情民意信息。"));
        if (!await OpinionAccess.CanSeeAsync(db, id, user, ct)) return (null, new(403, "您无权查看这条社情民意信息。"));
        return (item, null);
    }

    /// <summary>Loads an issue with its items (tracked by default) when the user may see it: 404 / 403 otherwise.</summary>
    public static async Task<(OpinionBulletin? Bulletin, OpinionError? Refused)> FindBulletinAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct, bool tracked = true)
    {
        var q = tracked ? db.OpinionBulletins : db.OpinionBulletins.AsNoTracking();
        var b = await q.Include(x => x.Items).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null) return (null, new(404, "没有这一期《社情民意》。"));
        if (!await db.OpinionBulletins.Where(x => x.Id == id).VisibleTo(user).AnyAsync(ct)) return (null, new(403, "您无权查看这一期《社情民意》。"));
        return (b, null);
    }

    private static async Task<Results<Ok<BulletinDetail>, ProblemHttpResult>> ChangeBulletinAsync(AppDbContext db, int id, CurrentUser user, CancellationToken ct,
        Func<OpinionBulletin, Task<OpinionError?>> change)
    {
        var (b, refused) = await FindBulletinAsync(db, id, user, ct);
        if (refused is not null) return Problem(refused);
        if (await change(b!) is { } error) return Problem(error);
        db.ChangeTracker.Clear();
        var fresh = await db.OpinionBulletins.AsNoTracking().Include(x => x.Items).FirstAsync(x => x.Id == id, ct);
        return TypedResults.Ok(await BulletinDetailAsync(db, fresh, user, ct));
    }

    /// <summary>Projects items to list rows.</summary>
    public static async Task<List<OpinionListItem>> ListAsync(IQueryable<OpinionItem> q, CancellationToken ct)
    {
        var rows = await q.Select(x => new { x.Id, x.Title, x.Status, x.Committee!.Code, x.Committee.Name, x.AuthorName, x.CreatedAt, x.SubmittedAt, x.UpdatedAt }).ToListAsync(ct);
        return rows.Select(r => new OpinionListItem(r.Id, r.Title, OpinionWorkflow.StateCode(r.Status), OpinionWorkflow.StateName(r.Status), r.Code, r.Name,
            r.AuthorName, r.CreatedAt, r.SubmittedAt, r.UpdatedAt)).ToList();
    }

    /// <summary>The outcomes of an item, oldest first.</summary>
    public static async Task<List<OpinionOutcomeDto>> OutcomesAsync(AppDbContext db, OpinionItem item, CancellationToken ct)
    {
        var rows = await db.OpinionOutcomes.AsNoTracking().Where(o => o.OpinionItemId == item.Id).OrderBy(o => o.On).ThenBy(o => o.Id)
            .Select(o => new { O = o, Code = o.Committee != null ? o.Committee.Code : null, Name = o.Committee != null ? o.Committee.Name : null }).ToListAsync(ct);
        return rows.Select(r => new OpinionOutcomeDto(r.O.Id, r.O.Kind == OpinionOutcomeKind.Adoption ? "adoption" : "instruction",
            OpinionWorkflow.LevelCode(r.O.Level), OpinionWorkflow.LevelName(r.O.Level), r.Code, r.Name, r.O.LeaderName, r.O.Text, r.O.On,
            OpinionRules.RuleCode(item, r.O))).ToList();
    }

    /// <summary>Builds the detail of an item for <paramref name="user"/>.</summary>
    public static async Task<OpinionDetail> DetailAsync(AppDbContext db, OpinionItem item, CurrentUser user, CancellationToken ct)
    {
        var committee = await db.Committees.AsNoTracking().Where(c => c.Id == item.CommitteeId).Select(c => new { c.Code, c.Name }).FirstAsync(ct);
        var coAuthors = await db.OpinionCoAuthors.AsNoTracking().Where(c => c.OpinionItemId == item.Id).OrderBy(c => c.SortOrder)
            .Select(c => new PersonDto(c.MemberId, c.Member!.Name)).ToListAsync(ct);
        var events = await db.OpinionEvents.AsNoTracking().Where(e => e.OpinionItemId == item.Id).OrderBy(e => e.Id).ToListAsync(ct);
        var history = events.Select(e => new OpinionEventDto(e.Action, OpinionWorkflow.ActionName(e.Action), OpinionWorkflow.StateCode(e.FromStatus),
            OpinionWorkflow.StateCode(e.ToStatus), e.ActorName, e.Comment, e.At)).ToList();
        var bulletinQuery = db.OpinionBulletins.AsNoTracking().Where(b => b.Items.Any(i => i.OpinionItemId == item.Id));
        // Office accounts see the issues their scope may see; the author sees the issued ones.
        bulletinQuery = user.IsStaff || user.IsLeader || user.IsAdmin ? bulletinQuery.VisibleTo(user) : bulletinQuery.Where(b => b.Status == BulletinStatus.Issued);
        var bulletins = await bulletinQuery.OrderBy(b => b.Id).Select(b => new { b.Id, b.Number, b.Status, b.Committee!.Name }).ToListAsync(ct);
        var actors = OpinionAccess.Actors(item, user);
        return new OpinionDetail(item.Id, item.Title, item.Body, OpinionText.Length(item.Body), OpinionWorkflow.StateCode(item.Status), OpinionWorkflow.StateName(item.Status),
            committee.Code, committee.Name, item.AuthorMemberId, item.AuthorName, coAuthors, item.ReviewNote, item.SourceProposalId,
            item.CreatedAt, item.SubmittedAt, item.DecidedAt, item.Version,
            OpinionWorkflow.Graph.ActionsFor(item.Status, actors), actors.Contains(OpinionActors.Author) && OpinionWorkflow.Editable(item.Status),
            actors.Contains(OpinionActors.Office) && item.Status == OpinionStatus.Accepted,
            history, await OutcomesAsync(db, item, ct),
            bulletins.Select(b => new BulletinRef(b.Id, b.Number, b.Status == BulletinStatus.Issued ? "issued" : "draft", b.Name)).ToList());
    }

    /// <summary>Projects issues to list rows.</summary>
    public static async Task<List<BulletinListItem>> BulletinListAsync(AppDbContext db, IQueryable<OpinionBulletin> q, CurrentUser user, CancellationToken ct)
    {
        var rows = await q.Select(b => new
        {
            b.Id, b.Number, b.Title, b.Status, b.Committee!.Code, b.Committee.Name, Count = b.Items.Count, b.CreatedAt, b.IssuedAt, b.SendToParent, b.ParentCommitteeId,
        }).ToListAsync(ct);
        return rows.Select(b => new BulletinListItem(b.Id, b.Number, b.Title, b.Status == BulletinStatus.Issued ? "issued" : "draft", b.Code, b.Name, b.Count,
            b.CreatedAt, b.IssuedAt, b.SendToParent, b.ParentCommitteeId is { } pid && pid == user.CommitteeId)).ToList();
    }

    /// <summary>Builds the detail of an issue (its items in order, with authors and text).</summary>
    public static async Task<BulletinDetail> BulletinDetailAsync(AppDbContext db, OpinionBulletin b, CurrentUser user, CancellationToken ct)
    {
        var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Id == b.CommitteeId, ct);
        var parentId = b.ParentCommitteeId ?? (b.SendToParent ? committee.ParentId : null);
        var parentName = parentId is { } pid ? await db.Committees.Where(c => c.Id == pid).Select(c => c.Name).FirstAsync(ct) : "";
        var order = b.Items.OrderBy(i => i.SortOrder).ThenBy(i => i.Id).Select(i => i.OpinionItemId).ToList();
        var items = await db.OpinionItems.AsNoTracking().Where(x => order.Contains(x.Id))
            .Select(x => new { x.Id, x.Title, x.AuthorName, x.Body, CommitteeName = x.Committee!.Name, x.CommitteeId }).ToListAsync(ct);
        var co = await db.OpinionCoAuthors.AsNoTracking().Where(c => order.Contains(c.OpinionItemId)).OrderBy(c => c.SortOrder)
            .Select(c => new { c.OpinionItemId, c.Member!.Name }).ToListAsync(ct);
        var list = order.Select(id => items.First(x => x.Id == id)).Select(x => new BulletinItemDto(x.Id, x.Title, x.AuthorName,
            co.Where(c => c.OpinionItemId == x.Id).Select(c => c.Name).ToList(), x.CommitteeId == b.CommitteeId ? "" : x.CommitteeName, x.Body)).ToList();
        return new BulletinDetail(b.Id, b.Number, b.Title, b.Status == BulletinStatus.Issued ? "issued" : "draft", committee.Code, committee.Name,
            b.RecipientList(), b.SendToParent, parentName, b.CreatedAt, b.IssuedAt, list,
            Scope.CanManage(user, b.CommitteePath) && b.Status == BulletinStatus.Draft, b.Version);
    }
}
