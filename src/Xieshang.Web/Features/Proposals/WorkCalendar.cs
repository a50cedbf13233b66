using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// The working-day calendar (工作日历) deadlines are counted in: Monday to Friday are working days, except the
/// public holidays and adjusted working days (调休) stored as <see cref="WorkCalendarDay"/> rows. A deadline of
/// N working days is the N-th working day after the start day; a deadline of N months that falls on a day off moves
/// to the next working day (the rule China's administrative deadlines follow when the last day is a holiday).
/// </summary>
public sealed class WorkCalendar(IReadOnlyDictionary<DateOnly, bool> exceptions)
{
    /// <summary>Loads the exceptions of the years <paramref name="from"/> to <paramref name="to"/> (plus one year either side for long deadlines).</summary>
    public static async Task<WorkCalendar> LoadAsync(AppDbContext db, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var a = new DateOnly(from.Year - 1, 1, 1);
        var b = new DateOnly(to.Year + 1, 12, 31);
        var rows = await db.WorkCalendarDays.AsNoTracking().Where(d => d.Date >= a && d.Date <= b).ToListAsync(ct);
        return new WorkCalendar(rows.ToDictionary(d => d.Date, d => d.IsWorkingDay));
    }

    /// <summary>True when <paramref name="day"/> is a working day.</summary>
    public bool IsWorkingDay(DateOnly day) =>
        exceptions.TryGetValue(day, out var working) ? working : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The <paramref name="days"/>-th working day after <paramref name="start"/> (the start day itself does not count).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var d = start;
        while (days > 0)
        {
            d = d.AddDays(1);
            if (IsWorkingDay(d)) days--;
        }
        return d;
    }

    /// <summary><paramref name="day"/> when it is a working day, otherwise the next working day.</summary>
    public DateOnly OnOrAfterWorkingDay(DateOnly day)
    {
        while (!IsWorkingDay(day)) day = day.AddDays(1);
        return day;
    }

    /// <summary>The deadline <paramref name="months"/> calendar months after <paramref name="start"/>, moved to the next working day when it is a day off.</summary>
    public DateOnly AddMonths(DateOnly start, int months) => OnOrAfterWorkingDay(start.AddMonths(months));

    /// <summary>Working days from <paramref name="from"/> (exclusive) to <paramref name="to"/> (inclusive); negative when <paramref name="to"/> is earlier.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from) return -WorkingDaysBetween(to, from);
        var n = 0;
        for (var d = from.AddDays(1); d <= to; d = d.AddDays(1)) if (IsWorkingDay(d)) n++;
        return n;
    }
}
