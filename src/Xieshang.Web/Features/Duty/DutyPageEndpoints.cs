using Microsoft.AspNetCore.Mvc;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>
/// <c>POST /duty/claims/{id}/decide</c>: the approve and reject buttons of the review queue (DutyClaimsPage.razor), one
/// small form per claim. Runs <see cref="DutyClaims.DecideAsync"/> (the API's rules) and goes back to the queue with the
/// outcome in the query string (post-redirect-get): <c>done=approved|rejected</c>, or <c>error=decided|note</c>.
/// Accounts that may not decide get 403; an unknown claim 404.
/// </summary>
public static class DutyPageEndpoints
{
    public static void MapDutyPageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/duty/claims/{id:int}/decide", async (int id, [FromForm(Name = "decision")] string? decision, [FromForm(Name = "note")] string? note,
                [FromForm(Name = "committee")] string? committee, [FromForm(Name = "status")] string? status,
                AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            {
                var back = $"/duty/claims?committee={Uri.EscapeDataString(committee ?? "")}&status={Uri.EscapeDataString(status ?? "")}";
                if (decision is not ("approve" or "reject")) return Results.Redirect(back);
                var outcome = await DutyClaims.DecideAsync(db, user, id, decision == "approve", note, clock, ct);
                return outcome switch
                {
                    ClaimDecision.NotFound => Results.NotFound(),
                    ClaimDecision.Forbidden => Results.Forbid(),
                    ClaimDecision.AlreadyDecided => Results.Redirect(back + "&error=decided#claim-" + id),
                    ClaimDecision.BadNote => Results.Redirect(back + "&error=note#claim-" + id),
                    _ => Results.Redirect(back + (decision == "approve" ? "&done=approved" : "&done=rejected")),
                };
            })
            .RequireAuthorization(Policies.Staff)
            .ExcludeFromDescription();
    }
}
