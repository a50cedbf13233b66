using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// The form posts of the deliberation pages (post-redirect-get), each running the same rules as the API: vote, add a
/// statement (participation page), create, open / close, seed, moderate (staff). The outcome travels to the next page in
/// a short-lived flash cookie (<see cref="Flash"/>), so no message text is ever taken from a URL.
/// </summary>
public static class DeliberationPageEndpoints
{
    /// <summary>Flash cookie name: <c>ok:</c> or <c>error:</c> and a message, read once by the next page.</summary>
    public const string FlashCookie = "xs_dlb_flash";

    public static void MapDeliberationPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/deliberations/{id:int}/vote", async (int id, [FromForm(Name = "statement")] int statementId, [FromForm(Name = "value")] int? value,
            [FromForm(Name = "token")] string? token, HttpContext ctx, AppDbContext db, CurrentUser user, IOptions<DeliberationOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var back = PageUrl(id, token);
            var (d, p, e) = await DeliberationsApi.ParticipantAsync(db, user, id, token, ctx, options.Value, clock, ct);
            e ??= await DeliberationRules.VoteAsync(db, d!, p!, statementId, value, clock, ct);
            if (e is { Status: 404 } && d is null) return Results.NotFound();
            if (e is not null) Flash(ctx, false, e.Message);
            return Results.Redirect(back);
        }).ExcludeFromDescription();

        app.MapPost("/deliberations/{id:int}/statements", async (int id, [FromForm(Name = "text")] string? text, [FromForm(Name = "token")] string? token,
            [FromForm(Name = "current")] int? current, HttpContext ctx, AppDbContext db, CurrentUser user, IOptions<DeliberationOptions> options,
            TimeProvider clock, CancellationToken ct) =>
        {
            var (d, p, e) = await DeliberationsApi.ParticipantAsync(db, user, id, token, ctx, options.Value, clock, ct);
            if (e is { Status: 404 } && d is null) return Results.NotFound();
            if (e is null) (_, e) = await DeliberationRules.AddStatementAsync(db, d!, p!, user.UserName, text, clock, ct);
            Flash(ctx, e is null, e?.Message ?? "AddedForModeration");
            // The statement card stays the one being read (nothing was voted); a refused text comes back into the box.
            Keep(ctx, current, e is null ? null : text);
            return Results.Redirect(PageUrl(id, token) + "#add");
        }).ExcludeFromDescription();

        app.MapPost("/deliberations/new", async ([FromForm(Name = "consultation")] int consultationId, [FromForm(Name = "question")] string? question,
            [FromForm(Name = "visibility")] string? visibility, [FromForm(Name = "anonymous")] string? anonymous, [FromForm(Name = "seeds")] string? seeds,
            HttpContext ctx, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (d, e) = await DeliberationRules.CreateAsync(db, user, consultationId, question, visibility, anonymous is "on" or "true",
                Lines(seeds), clock, ct);
            if (e is { Status: 403 }) return Results.Forbid();
            if (e is not null)
            {
                Flash(ctx, false, e.Message);
                return Results.Redirect($"/deliberations/new?consultation={consultationId}");
            }
            Flash(ctx, true, Lines(seeds).Count > 0 ? "CreatedWithSeeds" : "Created");
            return Results.Redirect($"/deliberations/{d!.Id}/moderation");
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();

        app.MapPost("/deliberations/{id:int}/manage", async (int id, [FromForm(Name = "action")] string? action, [FromForm(Name = "statement")] int? statementId,
            [FromForm(Name = "reason")] string? reason, [FromForm(Name = "seeds")] string? seeds,
            HttpContext ctx, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var d = await db.Deliberations.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (d is null) return Results.NotFound();
            if (!DeliberationRules.CanManage(user, d)) return Results.Forbid();
            var e = action switch
            {
                "open" => await DeliberationRules.OpenAsync(db, d, clock, ct),
                "close" => await DeliberationRules.CloseAsync(db, d, clock, ct),
                "seed" => (await DeliberationRules.SeedAsync(db, user, d, Lines(seeds), clock, ct)).Error,
                "accept" or "reject" when statementId is { } sid => await DeliberationRules.ModerateAsync(db, user, d, sid, action == "accept", reason, clock, ct),
                _ => DeliberationError.Bad("未知的操作。"),
            };
            Flash(ctx, e is null, e?.Message ?? "Done");
            return Results.Redirect($"/deliberations/{id}/moderation" + (statementId is { } s && e is not null ? $"#statement-{s}" : ""));
        }).RequireAuthorization(Policies.Staff).ExcludeFromDescription();
    }

    /// <summary>The participation page of a deliberation: the public link when a token was used, else the member page.</summary>
    public static string PageUrl(int id, string? token) => token is { Length: > 0 } ? $"/d/{Uri.EscapeDataString(token)}" : $"/deliberations/{id}";

    private static List<string> Lines(string? text) =>
        (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    /// <summary>Leaves a message for the next page: <paramref name="ok"/> and a resource key or a Chinese message.</summary>
    public static void Flash(HttpContext ctx, bool ok, string message) =>
        ctx.Response.Cookies.Append(FlashCookie, Uri.EscapeDataString((ok ? "ok:" : "error:") + message),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromMinutes(1), Path = "/", IsEssential = true });

    /// <summary>Cookie of the participation page's state across an add-statement post: <c>{statement id}:{refused text}</c>.</summary>
    public const string KeepCookie = "xs_dlb_keep";

    /// <summary>Longest kept text in UTF-16 units (the box's maxlength is 280; the cookie must stay well under 4 KB escaped).</summary>
    public const int MaxKeptText = 320;

    /// <summary>
    /// Leaves the statement card shown when a statement was added (<paramref name="statementId"/>) and, when it was refused,
    /// the typed <paramref name="text"/> (cut at <see cref="MaxKeptText"/> UTF-16 units, never inside a surrogate pair) for
    /// the next page.
    /// </summary>
    public static void Keep(HttpContext ctx, int? statementId, string? text)
    {
        var t = text ?? "";
        if (t.Length > MaxKeptText) t = t[..(char.IsHighSurrogate(t[MaxKeptText - 1]) ? MaxKeptText - 1 : MaxKeptText)];
        ctx.Response.Cookies.Append(KeepCookie, Uri.EscapeDataString($"{statementId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""}:{t}"),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromMinutes(1), Path = "/", IsEssential = true });
    }

    /// <summary>Reads and clears what <see cref="Keep"/> left: (statement id or null, text), or null when nothing.</summary>
    public static (int? StatementId, string Text)? TakeKept(HttpContext? ctx)
    {
        if (ctx?.Request.Cookies[KeepCookie] is not { Length: > 0 } raw) return null;
        if (!ctx.Response.HasStarted) ctx.Response.Cookies.Delete(KeepCookie, new CookieOptions { Path = "/" });
        string s;
        try { s = Uri.UnescapeDataString(raw); }
        catch (UriFormatException) { return null; }
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return null;
        int? id = int.TryParse(s.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
        var text = s[(colon + 1)..];
        return (id, text.Length > MaxKeptText ? text[..MaxKeptText] : text);
    }

    /// <summary>Reads and clears the flash message: (ok, message) or null.</summary>
    public static (bool Ok, string Message)? TakeFlash(HttpContext? ctx)
    {
        if (ctx?.Request.Cookies[FlashCookie] is not { Length: > 0 } raw) return null;
        if (!ctx.Response.HasStarted) ctx.Response.Cookies.Delete(FlashCookie, new CookieOptions { Path = "/" });
        var s = Uri.UnescapeDataString(raw);
        return s.StartsWith("ok:", StringComparison.Ordinal) ? (true, s[3..]) : s.StartsWith("error:", StringComparison.Ordinal) ? (false, s[6..]) : null;
    }
}
