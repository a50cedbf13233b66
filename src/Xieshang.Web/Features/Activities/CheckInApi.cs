using Microsoft.AspNetCore.Http.HttpResults;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Activities;

/// <summary>Body of <c>POST /api/activities/{id}/checkin</c>: the token from the QR code's URL (<c>?t=</c>).</summary>
public sealed record ScanInput(string? Token);

/// <summary>Body of <c>POST /api/activities/{id}/checkin/desk</c>.</summary>
public sealed record DeskInput(int? MemberId);

/// <summary>
/// Check-in API (issue 3 §3). Both check-in calls answer 200 with the one check-in record, new or existing (a repeated
/// call is not an error and returns the same record, so clients and the phone page need no special case); refusals are
/// problem bodies with a Chinese <c>detail</c> and a stable <c>code</c> (see <see cref="CheckInError"/>): 400 bad token
/// or input, 403 role, scope or invitation, 404 unknown activity or member, 409 check-in closed (draft, cancelled, not
/// yet open, ended).
/// </summary>
public static class CheckInApi
{
    public static void MapCheckInApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/activities/{id:int}").WithTags("Check-in").RequireAuthorization(Policies.SignedIn);

        // Staff screen: {token, url, expiresAt}; expiresAt is the end of the current window (the next token is shown then).
        api.MapGet("/checkin-code", async Task<Results<Ok<CheckInCode>, ProblemHttpResult>> (int id, CheckInService checkIn, CurrentUser user, CancellationToken ct) =>
            Answer(await checkIn.CodeAsync(id, user, ct)));

        api.MapPost("/checkin", async Task<Results<Ok<CheckInRecord>, ProblemHttpResult>> (int id, ScanInput input, CheckInService checkIn, CurrentUser user, CancellationToken ct) =>
            Answer(await checkIn.ScanAsync(id, user, input.Token, ct))).DisableAntiforgery();

        api.MapPost("/checkin/desk", async Task<Results<Ok<CheckInRecord>, ProblemHttpResult>> (int id, DeskInput input, CheckInService checkIn, CurrentUser user, CancellationToken ct) =>
            Answer(await checkIn.DeskAsync(id, user, input.MemberId, ct))).DisableAntiforgery();

        api.MapGet("/checkin/search", async Task<Results<Ok<IReadOnlyList<CheckInCandidate>>, ProblemHttpResult>> (int id, string? q, CheckInService checkIn, CurrentUser user, CancellationToken ct) =>
            Answer(await checkIn.SearchAsync(id, user, q, ct)));

        api.MapGet("/board", async Task<Results<Ok<AttendanceBoard>, ProblemHttpResult>> (int id, CheckInService checkIn, CurrentUser user, CancellationToken ct) =>
            Answer(await checkIn.BoardAsync(id, user, ct)));
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(CheckInOutcome<T> outcome) => outcome.Error is { } e
        ? TypedResults.Problem(detail: e.Message, statusCode: e.Status, extensions: new Dictionary<string, object?> { ["code"] = e.Code })
        : TypedResults.Ok(outcome.Value!);
}
