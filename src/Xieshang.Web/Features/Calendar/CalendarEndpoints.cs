using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Calendar;

/// <summary>Answer of <c>POST /api/me/calendar-feed</c>: the secret feed URL, shown this once.</summary>
public sealed record CalendarFeedUrl(string Url);

/// <summary>
/// The member's iCalendar feed (<c>GET /calendar/{token}.ics</c>, anonymous: the token is the credential) and the API
/// that makes and revokes it (<c>POST</c>/<c>DELETE /api/me/calendar-feed</c>). The calendar page itself is
/// <see cref="CalendarPage"/>.
/// </summary>
public static class CalendarEndpoints
{
    /// <summary>Body of every unusable feed URL (unknown, revoked, replaced): the same answer for each.</summary>
    private const string FeedNotFound = "未找到该日历订阅：地址有误，或已被撤销、已重新生成。请在平台“日历”页重新订阅。";

    public static void MapCalendar(this IEndpointRouteBuilder app)
    {
        app.MapGet("/calendar/{token}.ics", async (string token, AppDbContext db, TimeProvider clock, HttpContext ctx,
                IStringLocalizer<CalendarText> text, ILogger<CalendarFeed> log, CancellationToken ct) =>
            {
                ctx.Response.Headers.CacheControl = "private, no-cache";
                ctx.Response.Headers["X-Robots-Tag"] = "noindex";
                ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
                var feed = await CalendarFeeds.OpenAsync(db, token, ct);
                if (feed is not { } f)
                {
                    // Never the token itself: its hash's first characters are enough to match a complaint to the log.
                    log.LogInformation("Calendar feed request refused (token hash {HashPrefix}…)",
                        CalendarFeeds.IsWellFormed(token) ? CalendarFeeds.Hash(token)[..8] : "malformed");
                    return Results.Text(FeedNotFound, "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
                }
                var ics = await CalendarFeeds.BuildAsync(db, f.MemberId, f.MemberName, clock.GetUtcNow(), BaseUri(ctx.Request), text, ct);
                log.LogDebug("Calendar feed {FeedId} served", f.FeedId);
                ctx.Response.Headers.ContentDisposition = "inline; filename=\"xieshang.ics\"";
                return Results.Text(ics, "text/calendar; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        var api = app.MapGroup("/api/me/calendar-feed").WithTags("Calendar").RequireAuthorization(Policies.SignedIn);

        // POST /api/me/calendar-feed → {"url"}: a new secret feed URL for the signed-in member; the previous one stops working.
        api.MapPost("", async Task<Results<Ok<CalendarFeedUrl>, ProblemHttpResult>> (
            AppDbContext db, CurrentUser user, TimeProvider clock, HttpContext ctx, ILogger<CalendarFeed> log, CancellationToken ct) =>
        {
            if (await MemberOrProblemAsync(db, user, ct) is { } problem) return problem;
            var (token, feed) = await CalendarFeeds.CreateAsync(db, user.MemberId!.Value, clock, ct);
            log.LogInformation("Calendar feed {FeedId} made for member {MemberId}", feed.Id, feed.MemberId);
            return TypedResults.Ok(new CalendarFeedUrl(CalendarFeeds.Url(BaseUri(ctx.Request), token)));
        }).DisableAntiforgery();

        // DELETE /api/me/calendar-feed: revokes the signed-in member's feed (nothing to revoke is fine: 204 either way).
        api.MapDelete("", async Task<Results<NoContent, ProblemHttpResult>> (
            AppDbContext db, CurrentUser user, TimeProvider clock, ILogger<CalendarFeed> log, CancellationToken ct) =>
        {
            if (user.MemberId is null) return NoMember();
            if (await CalendarFeeds.RevokeAsync(db, user.MemberId.Value, clock, ct) > 0)
                log.LogInformation("Calendar feed of member {MemberId} revoked", user.MemberId);
            return TypedResults.NoContent();
        }).DisableAntiforgery();
    }

    /// <summary>The site's address as the request saw it (scheme, host, path base), for absolute feed and activity links.</summary>
    public static string BaseUri(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";

    private static ProblemHttpResult NoMember() => TypedResults.Problem(
        "只有委员本人的账号可以订阅个人活动日历：当前账号没有关联委员档案。", statusCode: StatusCodes.Status400BadRequest, title: "没有委员档案");

    private static async Task<ProblemHttpResult?> MemberOrProblemAsync(AppDbContext db, CurrentUser user, CancellationToken ct)
    {
        if (user.MemberId is not { } mid) return NoMember();
        if (!await db.Members.AnyAsync(m => m.Id == mid && m.IsActive, ct))
            return TypedResults.Problem("委员档案已停用，不能订阅活动日历。", statusCode: StatusCodes.Status400BadRequest, title: "委员档案已停用");
        return null;
    }
}
