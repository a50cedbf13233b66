using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Balance;

/// <summary>
/// Balance-dashboard settings, bound from the <c>Duty</c> section (the talk threshold itself is
/// <c>Duty:Grades:Competent</c> of <see cref="DutyOptions"/>).
/// </summary>
public sealed class BalanceOptions
{
    /// <summary>Unexcused plenary absences, in the year and the year before, that make a resignation candidate (劝辞); default 2.</summary>
    [Range(1, 20)]
    public int ResignationAbsences { get; set; } = 2;
}

/// <summary><c>GET /api/committees/{code}/duty/summary</c> and its .xlsx export.</summary>
public static class BalanceApi
{
    /// <summary>Binds and validates <see cref="BalanceOptions"/> (checked at start-up).</summary>
    public static IHostApplicationBuilder AddBalance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BalanceOptions>().BindConfiguration(DutyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// <para><c>GET /api/committees/{code}/duty/summary?year=</c>: the <see cref="BalanceSummary"/> of the committee and the
    /// committees below it (<see cref="BalanceQueries"/>); <c>year</c> defaults to the current year.</para>
    /// <para><c>GET /api/committees/{code}/duty/summary.xlsx?year=</c>: the same tables as an .xlsx workbook (<see cref="BalanceExport"/>).</para>
    /// Administrators, staff and leaders with <see cref="Scope.Read"/> on the committee; members and handling units 403; a
    /// committee outside the caller's scope 403; unknown code 404; a year that is not a number from 2000 to next year 400.
    /// </summary>
    public static void MapBalanceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/committees/{code}/duty").WithTags("Balance").RequireAuthorization(Policies.Office);

        api.MapGet("/summary", async Task<Results<Ok<BalanceSummary>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, string? year, AppDbContext db, IServiceScopeFactory scopes, IAuthorizationService auth, HttpContext ctx, TimeProvider clock,
            IOptions<DutyOptions> duty, IOptions<BalanceOptions> options, CancellationToken ct) =>
        {
            var (committee, y, refusal) = await ResolveAsync(code, year, db, auth, ctx, clock, ct);
            if (refusal is not null) return refusal switch { NotFound<ProblemDetails> n => n, ForbidHttpResult f => f, _ => (ValidationProblem)refusal };
            return TypedResults.Ok(await BalanceQueries.LoadAsync(scopes, committee!, y, duty.Value, options.Value, ct: ct));
        });

        api.MapGet("/summary.xlsx", async Task<Results<FileContentHttpResult, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, string? year, AppDbContext db, IServiceScopeFactory scopes, IAuthorizationService auth, HttpContext ctx, TimeProvider clock,
            IOptions<DutyOptions> duty, IOptions<BalanceOptions> options, CancellationToken ct) =>
        {
            var (committee, y, refusal) = await ResolveAsync(code, year, db, auth, ctx, clock, ct);
            if (refusal is not null) return refusal switch { NotFound<ProblemDetails> n => n, ForbidHttpResult f => f, _ => (ValidationProblem)refusal };
            var summary = await BalanceQueries.LoadAsync(scopes, committee!, y, duty.Value, options.Value, BalanceExport.ListLimit, ct);
            using var buffer = new MemoryStream();
            await BalanceExport.WriteAsync(summary, buffer, ct);
            return TypedResults.File(buffer.ToArray(), BalanceExport.ContentType, BalanceExport.FileName(summary));
        });
    }

    /// <summary>The committee (404 unknown, 403 outside the caller's scope) and the year (400 unreadable) of both endpoints.</summary>
    private static async Task<(Committee? Committee, int Year, IResult? Refusal)> ResolveAsync(
        string code, string? year, AppDbContext db, IAuthorizationService auth, HttpContext ctx, TimeProvider clock, CancellationToken ct)
    {
        var committee = await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (committee is null) return (null, 0, CommitteesApi.NotFound(code));
        if (!(await auth.AuthorizeAsync(ctx.User, committee, Scope.Read)).Succeeded) return (null, 0, TypedResults.Forbid());
        if (ParseYear(year, clock) is not { } y) return (null, 0, BadYear(clock));
        return (committee, y, null);
    }

    /// <summary>The year of a query: absent or empty = the current year; a whole number from <see cref="BalanceQueries.FirstYear"/> to next year; otherwise null.</summary>
    public static int? ParseYear(string? text, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(text)) return BalanceQueries.CurrentYear(clock);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y >= BalanceQueries.FirstYear && y <= BalanceQueries.LastYear(clock) ? y : null;
    }

    private static ValidationProblem BadYear(TimeProvider clock)
    {
        var message = $"年份（year）须为 {BalanceQueries.FirstYear} 至 {BalanceQueries.LastYear(clock)} 之间的整数，如 {BalanceQueries.CurrentYear(clock)}。";
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["year"] = [message] }, detail: message);
    }
}
