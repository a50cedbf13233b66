using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// The public holidays and adjusted working days (调休) of the years the platform ships with, as
/// <see cref="WorkCalendarDay"/> exceptions to the Monday–Friday rule. Every day of a holiday period is listed (its
/// weekend days too, so the calendar names them); an adjusted working day is a weekend day marked working.
/// <para>
/// 2026: 国务院办公厅关于2026年部分节假日安排的通知 (State Council General Office, 4 November 2025, published by
/// Xinhua the same day, e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm):
/// 元旦 1月1日（周四）至3日（周六）放假调休，1月4日（周日）上班；
/// 春节 2月15日（周日）至23日（周一）放假调休，共9天，2月14日（周六）、2月28日（周六）上班；
/// 清明节 4月4日（周六）至6日（周一）放假；
/// 劳动节 5月1日（周五）至5日（周二）放假调休，5月9日（周六）上班；
/// 端午节 6月19日（周五）至21日（周日）放假；
/// 中秋节 9月25日（周五）至27日（周日）放假；
/// 国庆节 10月1日（周四）至7日（周三）放假调休，9月20日（周日）、10月10日（周六）上班。
/// </para>
/// A later year's notice is added here as one more entry of <see cref="Years"/>; until then administrators enter it
/// at <c>/admin/work-calendar</c> or through <c>PUT /api/work-calendar/{year}</c>.
/// </summary>
public static class WorkCalendarSeed
{
    /// <summary>The shipped exceptions by year.</summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<WorkCalendarDay>> Years = new Dictionary<int, IReadOnlyList<WorkCalendarDay>>
    {
        [2026] =
        [
            .. Off(2026, 1, 1, 3, "元旦"), Work(2026, 1, 4, "元旦调休上班"),
            Work(2026, 2, 14, "春节调休上班"), .. Off(2026, 2, 15, 23, "春节"), Work(2026, 2, 28, "春节调休上班"),
            .. Off(2026, 4, 4, 6, "清明节"),
            .. Off(2026, 5, 1, 5, "劳动节"), Work(2026, 5, 9, "劳动节调休上班"),
            .. Off(2026, 6, 19, 21, "端午节"),
            Work(2026, 9, 20, "国庆节调休上班"), .. Off(2026, 9, 25, 27, "中秋节"),
            .. Off(2026, 10, 1, 7, "国庆节"), Work(2026, 10, 10, "国庆节调休上班"),
        ],
    };

    /// <summary>
    /// Seeds each shipped year that holds no exception yet. A year that already holds any (seeded earlier, or entered
    /// by an administrator) is left exactly as it is, so an administrator's corrections, additions and removals stand
    /// across restarts and upgrades; nothing is ever overwritten. Returns the number of days added.
    /// </summary>
    public static async Task<int> SeedAsync(AppDbContext db, CancellationToken ct)
    {
        var added = 0;
        foreach (var (year, days) in Years)
        {
            var from = new DateOnly(year, 1, 1);
            var to = new DateOnly(year, 12, 31);
            if (await db.WorkCalendarDays.AnyAsync(d => d.Date >= from && d.Date <= to, ct)) continue;
            db.WorkCalendarDays.AddRange(days.Select(d => new WorkCalendarDay { Date = d.Date, IsWorkingDay = d.IsWorkingDay, Name = d.Name }));
            added += days.Count;
        }
        if (added > 0) await db.SaveChangesAsync(ct);
        return added;
    }

    private static IEnumerable<WorkCalendarDay> Off(int year, int month, int firstDay, int lastDay, string name) =>
        Enumerable.Range(firstDay, lastDay - firstDay + 1).Select(d => new WorkCalendarDay { Date = new DateOnly(year, month, d), IsWorkingDay = false, Name = name });

    private static WorkCalendarDay Work(int year, int month, int day, string name) =>
        new() { Date = new DateOnly(year, month, day), IsWorkingDay = true, Name = name };
}
