using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// <c>POST /members/import/confirm</c>: the Confirm button of the import page (MemberImportPage.razor).
/// The preview sends the uploaded workbook back as base64 in a hidden field, so nothing is kept between
/// preview and confirm: any instance behind the load balancer can take the confirm. The roster is
/// validated again and every valid row stored; the page then shows the counts (post-redirect-get).
/// </summary>
public static class MemberImportEndpoints
{
    public static void MapMemberImportPage(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<RosterOptions>>().Value;
        // The hidden field holds up to MaxFileBytes as base64 (4 characters per 3 bytes), beyond the default 4 MB form value limit.
        var valueLimit = (int)Math.Min(int.MaxValue, Base64Length(limits.MaxFileBytes) + 1024);

        app.MapPost("/members/import/confirm", async (
                [FromForm(Name = "committee")] string? code, [FromForm(Name = "fileName")] string? fileName, [FromForm(Name = "data")] string? data,
                AppDbContext db, IAuthorizationService auth, HttpContext ctx, IOptions<RosterOptions> options, TimeProvider clock, CancellationToken ct) =>
            {
                var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
                if (committee is null) return Results.NotFound();
                if (!(await auth.AuthorizeAsync(ctx.User, committee, Scope.Manage)).Succeeded) return Results.Forbid();
                var bytes = Decode(data, options.Value.MaxFileBytes);
                if (bytes is null) return Results.Redirect($"/members/import?committee={Uri.EscapeDataString(committee.Code)}&error=upload");
                using var stream = new MemoryStream(bytes, writable: false);
                var result = await RosterImport.RunAsync(db, committee, stream, fileName, dryRun: false, clock, options.Value, ct);
                if (result.FileRejected)
                    return Results.Redirect($"/members/import?committee={Uri.EscapeDataString(committee.Code)}&error=rejected");
                var skipped = result.Rows.Count(r => r.Errors.Count > 0);
                return Results.Redirect($"/members/import?committee={Uri.EscapeDataString(committee.Code)}&created={result.Created}&updated={result.Updated}&skipped={skipped}");
            })
            .RequireAuthorization(Policies.Staff)
            .WithFormOptions(valueLengthLimit: valueLimit)
            .ExcludeFromDescription();
    }

    /// <summary>Length of the base64 text of <paramref name="bytes"/> bytes.</summary>
    public static long Base64Length(long bytes) => (bytes + 2) / 3 * 4;

    /// <summary>The bytes of a base64 field, or null when it is missing, malformed or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static byte[]? Decode(string? base64, long maxBytes)
    {
        if (string.IsNullOrEmpty(base64) || base64.Length > Base64Length(maxBytes)) return null;
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
