using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>Body of <c>POST /api/deliberations</c>: consultation, question, visibility (<c>members</c>, <c>invited</c>, <c>public</c>), anonymous allowed, seed statements.</summary>
public sealed record CreateDeliberationInput(int ConsultationId, string? Question, string? Visibility, bool AllowAnonymous, List<string>? Seeds);

/// <summary>Body with one statement text.</summary>
public sealed record StatementInput(string? Text);

/// <summary>Body with several statement texts (seed statements).</summary>
public sealed record SeedInput(List<string>? Texts);

/// <summary>Body of a moderation: <c>accept</c> or <c>reject</c>, and the reason (required to reject).</summary>
public sealed record ModerateInput(string? Decision, string? Reason);

/// <summary>Body of a vote: 1 agree, −1 disagree, 0 pass.</summary>
public sealed record VoteInput(int? Value);

/// <summary>Body of <c>PUT /api/deliberations/{id}/invitees</c>: account names.</summary>
public sealed record InviteesInput(List<string>? UserNames);

/// <summary>A deliberation as its viewer sees it. <c>InviteLink</c> (the public link's path) only for its managers.</summary>
public sealed record DeliberationDetail(int Id, int ConsultationId, string ConsultationTitle, string Question, string Status, string StatusName,
    string Visibility, bool AllowAnonymous, string? InviteLink, int Statements, int Pending, int Participants, int Votes,
    bool CanManage, bool CanParticipate, int Voted, string? MyGroup);

/// <summary>A statement. Moderation fields are filled for managers only.</summary>
public sealed record StatementDto(int Id, string Text, string Status, bool IsSeed, string RejectReason, string ModeratedBy, DateTimeOffset CreatedAt);

/// <summary>The next statement to vote on (null when all are voted) and the caller's progress.</summary>
public sealed record NextStatement(StatementDto? Statement, int Voted, int Total);

/// <summary>The caller's group on the latest map (null when not clustered yet).</summary>
public sealed record MyGroupDto(int? Group, string? Name);

/// <summary>
/// Online deliberation API (网络议政, issue 5 §2 and §4): create, open/close, invitees, seed statements, add statement,
/// moderate, vote, next statement, map and the caller's group. Rules in <see cref="DeliberationRules"/>. Public-link
/// deliberations take the link's token as <c>?token=</c>; anonymous participants are identified by their cookie.
/// </summary>
public static class DeliberationsApi
{
    private static readonly Random Routing = Random.Shared;

    public static void MapDeliberationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/deliberations").WithTags("Deliberations");

        api.MapPost("", async Task<Results<Created<IdOnly>, ForbidHttpResult, ProblemHttpResult>> (
            CreateDeliberationInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return TypedResults.Forbid();
            var (d, e) = await DeliberationRules.CreateAsync(db, user, input.ConsultationId, input.Question, input.Visibility, input.AllowAnonymous, input.Seeds, clock, ct);
            if (e is not null) return Problem(e);
            return TypedResults.Created($"/api/deliberations/{d!.Id}", new IdOnly(d.Id));
        }).RequireAuthorization(Policies.Staff);

        api.MapGet("/{id:int}", async Task<Results<Ok<DeliberationDetail>, ProblemHttpResult>> (
            int id, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, CancellationToken ct) =>
        {
            var (d, refused) = await SeeAsync(db, user, id, token, ct);
            if (d is null) return Problem(refused!);
            return TypedResults.Ok(await DetailAsync(db, d, user, token, ctx, ct));
        });

        api.MapPost("/{id:int}/open", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, d => DeliberationRules.OpenAsync(db, d, clock, ct)));
        api.MapPost("/{id:int}/close", (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, d => DeliberationRules.CloseAsync(db, d, clock, ct)));
        api.MapPut("/{id:int}/invitees", (int id, InviteesInput input, AppDbContext db, CurrentUser user, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, d => DeliberationRules.SetInviteesAsync(db, d, input.UserNames ?? [], ct)));
        api.MapPost("/{id:int}/seeds", (int id, SeedInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, async d => (await DeliberationRules.SeedAsync(db, user, d, input.Texts ?? [], clock, ct)).Error));
        api.MapPost("/{id:int}/statements/{statementId:int}/moderate", (int id, int statementId, ModerateInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            ManageAsync(db, user, id, ct, d => input.Decision?.Trim().ToLowerInvariant() switch
            {
                "accept" => DeliberationRules.ModerateAsync(db, user, d, statementId, true, input.Reason, clock, ct),
                "reject" => DeliberationRules.ModerateAsync(db, user, d, statementId, false, input.Reason, clock, ct),
                _ => Task.FromResult<DeliberationError?>(DeliberationError.Bad("审核结果应为 accept（采纳）或 reject（不采纳）。")),
            }));

        // GET /api/deliberations/{id}/statements?status= → managers and office accounts: every statement (rejected ones kept),
        // filtered by status; participants: the accepted ones.
        api.MapGet("/{id:int}/statements", async Task<Results<Ok<List<StatementDto>>, ProblemHttpResult>> (
            int id, string? status, string? token, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (d, refused) = await SeeAsync(db, user, id, token, ct);
            if (d is null) return Problem(refused!);
            var q = db.DeliberationStatements.AsNoTracking().Where(s => s.DeliberationId == id);
            var oversee = DeliberationRules.CanOversee(user, d);
            if (!oversee) q = q.Where(s => s.Status == StatementStatus.Accepted);
            else if (status is { Length: > 0 })
            {
                StatementStatus? st = status.Trim().ToLowerInvariant() switch
                {
                    "pending" => StatementStatus.Pending, "accepted" => StatementStatus.Accepted, "rejected" => StatementStatus.Rejected, _ => null,
                };
                if (st is null) return Problem(DeliberationError.Bad($"状态“{status}”无效，应为 pending、accepted 或 rejected。"));
                q = q.Where(s => s.Status == st);
            }
            var rows = await q.OrderBy(s => s.Id).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(s => Dto(s, oversee)).ToList());
        });

        api.MapPost("/{id:int}/statements", async Task<Results<Created<StatementDto>, ProblemHttpResult>> (
            int id, StatementInput input, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, IOptions<DeliberationOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (d, p, refused) = await ParticipantAsync(db, user, id, token, ctx, options.Value, clock, ct);
            if (refused is not null) return Problem(refused);
            var (s, e) = await DeliberationRules.AddStatementAsync(db, d!, p!, user.UserName, input.Text, clock, ct);
            if (e is not null) return Problem(e);
            return TypedResults.Created($"/api/deliberations/{id}/statements/{s!.Id}", Dto(s, false));
        });

        api.MapPut("/{id:int}/statements/{statementId:int}/vote", async Task<Results<NoContent, ProblemHttpResult>> (
            int id, int statementId, VoteInput input, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, IOptions<DeliberationOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (d, p, refused) = await ParticipantAsync(db, user, id, token, ctx, options.Value, clock, ct);
            if (refused is not null) return Problem(refused);
            var e = await DeliberationRules.VoteAsync(db, d!, p!, statementId, input.Value, clock, ct);
            return e is null ? TypedResults.NoContent() : Problem(e);
        });

        api.MapGet("/{id:int}/next", async Task<Results<Ok<NextStatement>, ProblemHttpResult>> (
            int id, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, CancellationToken ct) =>
        {
            var (d, p, refused) = await ExistingParticipantAsync(db, user, id, token, ctx, ct);
            if (refused is not null) return Problem(refused);
            var next = d!.Status == DeliberationStatus.Open ? await DeliberationRules.NextAsync(db, id, p?.Id, Routing, ct) : null;
            var (voted, total) = await DeliberationRules.ProgressAsync(db, id, p?.Id, ct);
            return TypedResults.Ok(new NextStatement(next is null ? null : Dto(next, false), voted, total));
        });

        api.MapGet("/{id:int}/map", async Task<Results<Ok<MapView>, ProblemHttpResult>> (
            int id, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, CancellationToken ct) =>
        {
            var (d, refused) = await SeeAsync(db, user, id, token, ct);
            if (d is null) return Problem(refused!);
            var p = await DeliberationRules.FindParticipantAsync(db, d, user, DeliberationIdentity.Current(ctx), ct);
            return TypedResults.Ok(await DeliberationQueries.MapAsync(db, id, p?.Id, ct));
        });

        api.MapGet("/{id:int}/my-group", async Task<Results<Ok<MyGroupDto>, ProblemHttpResult>> (
            int id, string? token, AppDbContext db, CurrentUser user, HttpContext ctx, CancellationToken ct) =>
        {
            var (_, p, refused) = await ExistingParticipantAsync(db, user, id, token, ctx, ct);
            if (refused is not null) return Problem(refused);
            var map = await DeliberationQueries.MapAsync(db, id, p?.Id, ct);
            return TypedResults.Ok(new MyGroupDto(map.MyGroup, map.MyGroupName));
        });
    }

    /// <summary><c>{"id"}</c>.</summary>
    public sealed record IdOnly(int Id);

    /// <summary>A rule's refusal as a problem body with the Chinese message.</summary>
    public static ProblemHttpResult Problem(DeliberationError e) => TypedResults.Problem(statusCode: e.Status, detail: e.Message);

    private static StatementDto Dto(DeliberationStatement s, bool moderation) => new(s.Id, s.Text, DeliberationCodes.Statement(s.Status), s.IsSeed,
        moderation ? s.RejectReason : "", moderation ? s.ModeratedBy : "", s.CreatedAt);

    /// <summary>Loads a deliberation the caller may see (participants and office accounts in scope).</summary>
    private static async Task<(Deliberation? D, DeliberationError? Refused)> SeeAsync(AppDbContext db, CurrentUser user, int id, string? token, CancellationToken ct)
    {
        var d = await db.Deliberations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null) return (null, DeliberationError.NotFound);
        return await DeliberationRules.CanSeeAsync(db, user, d, token, ct) ? (d, null) : (null, DeliberationError.Forbidden);
    }

    /// <summary>
    /// Loads a deliberation the caller may take part in and their participant row (created on first use; an anonymous
    /// caller gets their identity cookie here). Refused: 404, 403, 409 (not open), 429 (anonymous cap).
    /// </summary>
    public static async Task<(Deliberation? D, DeliberationParticipant? P, DeliberationError? Refused)> ParticipantAsync(AppDbContext db, CurrentUser user, int id,
        string? token, HttpContext ctx, DeliberationOptions options, TimeProvider clock, CancellationToken ct)
    {
        var d = await db.Deliberations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null) return (null, null, DeliberationError.NotFound);
        if (!await DeliberationRules.CanParticipateAsync(db, user, d, token, ct)) return (d, null, DeliberationError.Forbidden);
        if (d.Status != DeliberationStatus.Open) return (d, null, DeliberationError.Conflict("网络议政未在进行中。"));
        var key = user.IsAuthenticated ? null : DeliberationIdentity.Ensure(ctx);
        var (p, e) = await DeliberationRules.GetOrCreateParticipantAsync(db, d, user, key, DeliberationIdentity.ClientAddress(ctx), options, clock, ct);
        return (d, p, e ?? (p is null ? DeliberationError.Forbidden : null));
    }

    /// <summary>A deliberation the caller may take part in and their participant row if they have one (nothing is created).</summary>
    private static async Task<(Deliberation? D, DeliberationParticipant? P, DeliberationError? Refused)> ExistingParticipantAsync(AppDbContext db, CurrentUser user,
        int id, string? token, HttpContext ctx, CancellationToken ct)
    {
        var d = await db.Deliberations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null) return (null, null, DeliberationError.NotFound);
        if (!await DeliberationRules.CanParticipateAsync(db, user, d, token, ct)) return (d, null, DeliberationError.Forbidden);
        return (d, await DeliberationRules.FindParticipantAsync(db, d, user, DeliberationIdentity.Current(ctx), ct), null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ManageAsync(AppDbContext db, CurrentUser user, int id, CancellationToken ct,
        Func<Deliberation, Task<DeliberationError?>> action)
    {
        var d = await db.Deliberations.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null) return Problem(DeliberationError.NotFound);
        if (!DeliberationRules.CanManage(user, d)) return Problem(new DeliberationError(403, "您无权管理该网络议政。"));
        var e = await action(d);
        return e is null ? TypedResults.NoContent() : Problem(e);
    }

    /// <summary>The detail of <paramref name="d"/> for the caller.</summary>
    public static async Task<DeliberationDetail> DetailAsync(AppDbContext db, Deliberation d, CurrentUser user, string? token, HttpContext ctx, CancellationToken ct)
    {
        var title = await db.Consultations.Where(c => c.Id == d.ConsultationId).Select(c => c.Title).FirstOrDefaultAsync(ct) ?? "";
        var counts = await db.DeliberationStatements.Where(s => s.DeliberationId == d.Id).GroupBy(s => s.Status)
            .Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var participants = await db.DeliberationParticipants.CountAsync(p => p.DeliberationId == d.Id, ct);
        var votes = await db.DeliberationVotes.CountAsync(v => v.DeliberationId == d.Id, ct);
        var manage = DeliberationRules.CanManage(user, d);
        var participate = await DeliberationRules.CanParticipateAsync(db, user, d, token, ct);
        var p = await DeliberationRules.FindParticipantAsync(db, d, user, DeliberationIdentity.Current(ctx), ct);
        var (voted, _) = await DeliberationRules.ProgressAsync(db, d.Id, p?.Id, ct);
        var map = p is null ? null : await DeliberationQueries.MapAsync(db, d.Id, p.Id, ct);
        return new DeliberationDetail(d.Id, d.ConsultationId, title, d.Question, DeliberationCodes.Status(d.Status), DeliberationCodes.StatusName(d.Status),
            DeliberationCodes.Visibility(d.Visibility), d.AllowAnonymous,
            manage && d.Visibility == DeliberationVisibility.PublicLink ? $"/d/{d.InviteToken}" : null,
            counts.Where(c => c.Key == StatementStatus.Accepted).Sum(c => c.N), counts.Where(c => c.Key == StatementStatus.Pending).Sum(c => c.N),
            participants, votes, manage, participate, voted, map?.MyGroupName);
    }
}
