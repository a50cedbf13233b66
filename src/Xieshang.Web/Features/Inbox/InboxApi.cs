using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Inbox;

/// <summary>
/// The signed-in account's inbox: <c>GET /api/inbox?unread=&amp;page=&amp;pageSize=</c>, <c>POST /api/inbox/{id}/read</c>,
/// <c>POST /api/inbox/read-all</c>, <c>GET /api/inbox/unread-count</c>; and the page's form posts
/// (<c>POST /inbox/{id}/read</c>, <c>POST /inbox/read-all</c>) and message links (<c>GET /inbox/{id}/open</c>).
/// Every query goes through <see cref="InboxQueries.Mine"/>: another account's message answers 404, like a missing one.
/// </summary>
public static class InboxApi
{
    private static readonly ProblemDetails NotFoundProblem = new() { Status = 404, Title = "未找到", Detail = "未找到该消息（消息不存在或不属于您的账号）。" };

    public static void MapInbox(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/inbox").WithTags("Inbox").RequireAuthorization(Policies.SignedIn);

        api.MapGet("", async Task<Results<Ok<InboxList>, ValidationProblem, UnauthorizedHttpResult>> (
            bool? unread, int? page, int? pageSize, HttpContext ctx, AppDbContext db, CancellationToken ct) =>
        {
            if (InboxOwner.Of(ctx.User) is not { } owner) return TypedResults.Unauthorized();
            var errors = new Dictionary<string, string[]>();
            if (page is < 1 or > InboxQueries.MaxPage) errors["page"] = [$"页码（page）须为 1 至 {InboxQueries.MaxPage} 之间的整数。"];
            if (pageSize is < 1 or > InboxQueries.MaxPageSize) errors["pageSize"] = [$"每页条数（pageSize）须为 1 至 {InboxQueries.MaxPageSize} 之间的整数。"];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            return TypedResults.Ok(await InboxQueries.ListAsync(db, owner, unread == true, page ?? 1, pageSize ?? InboxQueries.PageSize, ct));
        });

        api.MapGet("/unread-count", async Task<Results<Ok<UnreadCount>, UnauthorizedHttpResult>> (HttpContext ctx, AppDbContext db, CancellationToken ct) =>
            InboxOwner.Of(ctx.User) is { } owner
                ? TypedResults.Ok(new UnreadCount(await InboxQueries.UnreadCountAsync(db, owner, ct)))
                : TypedResults.Unauthorized());

        api.MapPost("/{id:long}/read", async Task<Results<NoContent, NotFound<ProblemDetails>, UnauthorizedHttpResult>> (
            long id, HttpContext ctx, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (InboxOwner.Of(ctx.User) is not { } owner) return TypedResults.Unauthorized();
            return await InboxQueries.MarkReadAsync(db, owner, id, clock, ct) ? TypedResults.NoContent() : TypedResults.NotFound(NotFoundProblem);
        }).DisableAntiforgery();

        api.MapPost("/read-all", async Task<Results<Ok<MarkedCount>, UnauthorizedHttpResult>> (HttpContext ctx, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
            InboxOwner.Of(ctx.User) is { } owner
                ? TypedResults.Ok(new MarkedCount(await InboxQueries.MarkAllReadAsync(db, owner, clock, ct)))
                : TypedResults.Unauthorized()).DisableAntiforgery();

        // The page's endpoints (cookie, antiforgery-checked forms, post-redirect-get).
        var page = app.MapGroup("/inbox").RequireAuthorization(Policies.SignedIn).ExcludeFromDescription();

        // Opening a message marks it read, like any mail client, then goes to what it is about.
        page.MapGet("/{id:long}/open", async Task<IResult> (long id, HttpContext ctx, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (InboxOwner.Of(ctx.User) is not { } owner || await InboxQueries.LinkAsync(db, owner, id, ct) is not { } link) return Results.NotFound();
            await InboxQueries.MarkReadAsync(db, owner, id, clock, ct);
            return Results.LocalRedirect(WebSetup.IsLocalUrl(link) ? link : "/inbox");
        });

        page.MapPost("/{id:long}/read", async Task<IResult> (long id, [FromForm] string? returnUrl, HttpContext ctx, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (InboxOwner.Of(ctx.User) is not { } owner || !await InboxQueries.MarkReadAsync(db, owner, id, clock, ct)) return Results.NotFound();
            return Results.LocalRedirect(Back(returnUrl));
        });

        page.MapPost("/read-all", async Task<IResult> ([FromForm] string? returnUrl, HttpContext ctx, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (InboxOwner.Of(ctx.User) is not { } owner) return Results.Unauthorized();
            await InboxQueries.MarkAllReadAsync(db, owner, clock, ct);
            return Results.LocalRedirect(Back(returnUrl));
        });
    }

    /// <summary>Where a form post returns: the inbox address it came from (filter and page kept), else <c>/inbox</c>.</summary>
    private static string Back(string? returnUrl) =>
        WebSetup.IsLocalUrl(returnUrl) && returnUrl!.Length <= 200 && (returnUrl == "/inbox" || returnUrl.StartsWith("/inbox?", StringComparison.Ordinal))
            ? returnUrl : "/inbox";
}

/// <summary><c>{unread}</c>: unread messages of the signed-in account.</summary>
public sealed record UnreadCount(int Unread);

/// <summary><c>{marked}</c>: messages marked read.</summary>
public sealed record MarkedCount(int Marked);
