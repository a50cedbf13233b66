using System.Globalization;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Reading;

/// <summary>Marker for the reading pages' texts: <c>IStringLocalizer&lt;ReadingText&gt;</c> reads <c>Resources/Features/Reading/ReadingText*.resx</c>.</summary>
public sealed class ReadingText;

/// <summary>Presentation helpers of the reading pages.</summary>
public static class ReadingDisplay
{
    /// <summary>The header link: members, staff, leaders and the administrator (not handling units).</summary>
    public static bool ShowsNav(CurrentUser user) => user.IsAuthenticated && !(user.IsHandlingUnit && !user.IsAdmin);

    /// <summary>A day as yyyy-MM-dd (empty for null).</summary>
    public static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A day as 11月30日 (with the year when it is not <paramref name="thisYear"/>).</summary>
    public static string Short(DateOnly d, int thisYear) =>
        d.Year == thisYear ? string.Create(CultureInfo.InvariantCulture, $"{d.Month}月{d.Day}日") : string.Create(CultureInfo.InvariantCulture, $"{d.Year}年{d.Month}月{d.Day}日");

    /// <summary>A plan period: 11月1日–11月30日.</summary>
    public static string Period(DateOnly? from, DateOnly? to, int thisYear) =>
        from is { } f && to is { } t ? $"{Short(f, thisYear)}–{Short(t, thisYear)}" : "";

    /// <summary>Minutes as 1小时20分 / 45分钟.</summary>
    public static string Minutes(int minutes) =>
        minutes >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{minutes / 60}小时{(minutes % 60 > 0 ? $"{minutes % 60}分" : "")}") : string.Create(CultureInfo.InvariantCulture, $"{minutes}分钟");

    /// <summary>An int as invariant text.</summary>
    public static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
