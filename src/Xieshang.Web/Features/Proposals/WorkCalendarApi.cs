using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>One exception of the working-day calendar: a holiday (<c>isWorkingDay</c> false) or an adjusted working day (true).</summary>
public sealed record WorkCalendarDayDto(DateOnly Date, bool IsWorkingDay, string Name);

/// <summary>One exception as sent in <c>PUT /api/work-calendar/{year}</c> (every field required).</summary>
public sealed record WorkCalendarDayInput(DateOnly? Date, bool? IsWorkingDay, string? Name);

/// <summary>
/// The working-day calendar API: <c>GET /api/work-calendar/{year}</c> (any signed-in account) lists the year's
/// exceptions; <c>PUT /api/work-calendar/{year}</c> (administrators) replaces them with the list sent.
/// </summary>
public static class WorkCalendarApi
{
    public static void MapWorkCalendarApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/work-calendar").WithTags("Work calendar").RequireAuthorization(Policies.SignedIn);

        // GET /api/work-calendar/2026 → [{date, isWorkingDay, name}] by date.
        api.MapGet("/{year:int}", async Task<Results<Ok<List<WorkCalendarDayDto>>, ValidationProblem>> (int year, AppDbContext db, CancellationToken ct) =>
        {
            if (WorkCalendarRules.CheckYear(year) is { } bad) return Problem("year", bad);
            return TypedResults.Ok(await WorkCalendarRules.YearAsync(db, year, ct));
        });

        // PUT /api/work-calendar/2026 with the year's full list → the stored list; nothing changes when any entry is wrong.
        api.MapPut("/{year:int}", async Task<Results<Ok<List<WorkCalendarDayDto>>, ValidationProblem>> (
            int year, List<WorkCalendarDayInput?>? days, AppDbContext db, CancellationToken ct) =>
        {
            if (WorkCalendarRules.CheckYear(year) is { } bad) return Problem("year", bad);
            if (days is null) return Problem("days", "请发送该年度的全部例外日期（JSON 数组，可为空数组）。");
            var (valid, errors) = WorkCalendarRules.Validate(year, days);
            if (errors.Count > 0)
                return TypedResults.ValidationProblem(errors, detail: "工作日历未保存：" + string.Join("；", errors.Values.SelectMany(v => v).Take(5)));
            await WorkCalendarRules.ReplaceYearAsync(db, year, valid, ct);
            return TypedResults.Ok(await WorkCalendarRules.YearAsync(db, year, ct));
        }).RequireAuthorization(Policies.Admin);
    }

    private static ValidationProblem Problem(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);
}

/// <summary>Reading, checking and replacing a year of the working-day calendar (the API and the page share these).</summary>
public static class WorkCalendarRules
{
    /// <summary>First year the calendar accepts.</summary>
    public const int MinYear = 2000;
    /// <summary>Last year the calendar accepts.</summary>
    public const int MaxYear = 2100;
    /// <summary>Longest name of an exception (the column's length).</summary>
    public const int MaxName = 32;

    /// <summary>A Chinese message when <paramref name="year"/> is outside <see cref="MinYear"/>–<see cref="MaxYear"/>, else null.</summary>
    public static string? CheckYear(int year) =>
        year is < MinYear or > MaxYear ? $"年度应为 {MinYear} 至 {MaxYear} 之间的整数。" : null;

    /// <summary>The year's exceptions by date.</summary>
    public static async Task<List<WorkCalendarDayDto>> YearAsync(AppDbContext db, int year, CancellationToken ct)
    {
        var (from, to) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var rows = await db.WorkCalendarDays.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).ToListAsync(ct);
        return rows.OrderBy(d => d.Date).Select(d => new WorkCalendarDayDto(d.Date, d.IsWorkingDay, d.Name)).ToList();
    }

    /// <summary>
    /// Checks a year's full list: every entry has a date inside <paramref name="year"/>, a kind and a name of 1–32
    /// characters; no date twice; an adjusted working day (<c>isWorkingDay</c> true) falls on a Saturday or Sunday
    /// (a weekday is a working day anyway); a holiday may fall on any day (the weekend days of a holiday period are
    /// named too). Returns the cleaned entries (names trimmed) and the problems by field, in Chinese.
    /// </summary>
    public static (List<WorkCalendarDayDto> Valid, Dictionary<string, string[]> Errors) Validate(int year, IReadOnlyList<WorkCalendarDayInput?> days)
    {
        var errors = new Dictionary<string, string[]>();
        var valid = new List<WorkCalendarDayDto>();
        if (days.Count > 366) errors["days"] = ["一年的例外日期不能超过 366 个。"];
        var seen = new HashSet<DateOnly>();
        for (var i = 0; i < days.Count && errors.Count < 20; i++)
        {
            var problems = new List<string>();
            var d = days[i];
            var label = d?.Date is { } date ? Day(date) : $"第 {i + 1} 项";
            if (d is null) { errors[$"days[{i}]"] = [$"{label}为空。"]; continue; }
            if (d.Date is null) problems.Add($"{label}缺少日期（date，格式 2026-10-01）。");
            else if (d.Date.Value.Year != year) problems.Add($"{label}不在 {year} 年内。");
            else if (!seen.Add(d.Date.Value)) problems.Add($"{label}重复出现。");
            if (d.IsWorkingDay is null) problems.Add($"{label}缺少类型（isWorkingDay：false 为节假日，true 为调休上班日）。");
            else if (d.IsWorkingDay.Value && d.Date is { } w && !IsWeekend(w))
                problems.Add($"{label}是{WeekdayName(w)}，本来就是工作日，不能设为调休上班日。");
            var name = (d.Name ?? "").Trim();
            if (name.Length == 0) problems.Add($"{label}缺少名称（如“春节”或“春节调休上班”）。");
            else if (name.Length > MaxName) problems.Add($"{label}的名称不能超过 {MaxName} 个字。");
            if (problems.Count > 0) errors[$"days[{i}]"] = [.. problems];
            else valid.Add(new WorkCalendarDayDto(d.Date!.Value, d.IsWorkingDay!.Value, name));
        }
        return (valid, errors);
    }

    /// <summary>
    /// Makes the stored exceptions of <paramref name="year"/> exactly <paramref name="days"/> (already validated):
    /// removes the others, updates changed ones, adds new ones, in one save (the audit log records each change).
    /// </summary>
    public static async Task ReplaceYearAsync(AppDbContext db, int year, IReadOnlyList<WorkCalendarDayDto> days, CancellationToken ct)
    {
        var (from, to) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        var stored = await db.WorkCalendarDays.Where(d => d.Date >= from && d.Date <= to).ToDictionaryAsync(d => d.Date, ct);
        var wanted = days.ToDictionary(d => d.Date);
        foreach (var (date, row) in stored)
            if (!wanted.ContainsKey(date)) db.WorkCalendarDays.Remove(row);
        foreach (var d in days)
        {
            if (stored.TryGetValue(d.Date, out var row))
            {
                if (row.IsWorkingDay != d.IsWorkingDay) row.IsWorkingDay = d.IsWorkingDay;
                if (row.Name != d.Name) row.Name = d.Name;
            }
            else db.WorkCalendarDays.Add(new WorkCalendarDay { Date = d.Date, IsWorkingDay = d.IsWorkingDay, Name = d.Name });
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>True on Saturdays and Sundays.</summary>
    public static bool IsWeekend(DateOnly d) => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary><c>2026年10月1日</c>.</summary>
    public static string Day(DateOnly d) => $"{d.Year}年{d.Month}月{d.Day}日";

    private static string WeekdayName(DateOnly d) => "星期" + "日一二三四五六"[(int)d.DayOfWeek];
}
