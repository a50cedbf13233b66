using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Components.Shared;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// The outcome page's form posts: <c>POST /outcomes/{id}/forms/{form}</c> (antiforgery-checked) with <c>form</c> one of
/// <c>adoption</c>, <c>instruction</c>, <c>milestone</c>, <c>milestone-done</c>, <c>progress</c> (multipart with files),
/// <c>feedback</c>. Each calls <see cref="OutcomeRules"/> and redirects to the page (post-redirect-get): <c>?done=1</c>, or
/// <c>?error=</c> with the rule's Chinese message (nothing changed).
/// </summary>
public static class OutcomePageEndpoints
{
    /// <summary>Maps the form posts.</summary>
    public static IEndpointRouteBuilder MapOutcomePageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/outcomes/{id:int}/forms/{form}", async (int id, string form, IFormCollection f, AppDbContext db, CurrentUser user,
            IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, CancellationToken ct) =>
        {
            var (o, refused) = await OutcomesApi.FindAsync(db, id, user, resolvers, ct, tracked: true);
            if (refused is { Status: 404 }) return Results.NotFound();
            if (refused is not null) return Back(id, refused);
            string V(string name) => f[name].FirstOrDefault()?.Trim() ?? "";
            DateOnly? Day(string name) => DateOnly.TryParseExact(V(name), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
            OutcomeError? error = form switch
            {
                "adoption" => await OutcomeRules.SetAdoptionAsync(db, o!, new(V("status"), V("body"), Day("on"), V("note")), user, clock, ct),
                "instruction" => await OutcomeRules.AddInstructionAsync(db, o!, new(V("leader"), V("level"), V("text"), Day("on")), user, clock, ct),
                "milestone" => await OutcomeRules.SaveMilestoneAsync(db, o!, null, new(V("title"), Day("due"), null, null), user, clock, ct),
                "milestone-done" => await DoneAsync(db, o!, QueryValue.Int(V("milestone")) ?? 0, user, clock, ct),
                "progress" => (await OutcomeRules.ReportProgressAsync(db, o!, new(QueryValue.Int(V("percent"), -1, 1000), V("note"), Day("on")),
                    f.Files.Where(x => x.Length > 0 || x.FileName.Length > 0).ToList(), user, clock, ct)).Error,
                "feedback" => await OutcomeRules.SetFeedbackAsync(db, o!, new(V("text"), Day("on")), user, clock, ct),
                _ => new OutcomeError(404, "没有这个表单。"),
            };
            return Back(id, error);
        }).RequireAuthorization(Policies.SignedIn);
        return app;
    }

    private static async Task<OutcomeError?> DoneAsync(AppDbContext db, Outcome o, int milestoneId, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var m = await db.OutcomeMilestones.AsNoTracking().FirstOrDefaultAsync(x => x.Id == milestoneId && x.OutcomeId == o.Id, ct);
        if (m is null) return new(404, "没有这个落实节点。");
        return await OutcomeRules.SaveMilestoneAsync(db, o, m.Id, new(m.Title, m.DueOn, ChinaTime.DayOf(clock.GetUtcNow()), m.Note), user, clock, ct);
    }

    private static IResult Back(int id, OutcomeError? error) =>
        Results.Redirect(error is null ? $"/outcomes/{id}?done=1" : $"/outcomes/{id}?error={Uri.EscapeDataString(error.Message)}");
}
