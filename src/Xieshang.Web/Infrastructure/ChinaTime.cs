namespace Xieshang.Web.Infrastructure;

/// <summary>
/// Committee time is China Standard Time: UTC+8, no daylight saving since 1991, whatever the server's or the browser's
/// zone. Calendar days, duty years, scoring-rule dates and every time shown to a user follow it; storage and queries use
/// UTC instants (Npgsql refuses other offsets for <c>timestamp with time zone</c> parameters). An activity at
/// 2026-12-01T17:00Z lies on 2 December.
/// </summary>
public static class ChinaTime
{
    /// <summary>UTC+8.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary><paramref name="at"/> on the China clock.</summary>
    public static DateTimeOffset InChina(DateTimeOffset at) => at.ToOffset(Offset);

    /// <summary>The China day of <paramref name="at"/>.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>The China calendar year of <paramref name="at"/> (the duty year).</summary>
    public static int YearOf(DateTimeOffset at) => at.ToOffset(Offset).Year;

    /// <summary>Midnight at the start of <paramref name="day"/> in China, as a UTC instant (16:00Z the day before).</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();

    /// <summary>The Monday of the (Monday-first) week holding <paramref name="day"/>.</summary>
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}
