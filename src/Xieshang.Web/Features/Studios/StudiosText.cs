using System.Globalization;
using Microsoft.Extensions.Localization;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Studios;

/// <summary>Marker for the studio pages' texts: <c>IStringLocalizer&lt;StudiosText&gt;</c> reads <c>Resources/Features/Studios/StudiosText*.resx</c>.</summary>
public sealed class StudiosText;

/// <summary>How the studio pages show what the rules decide (who sees the office pages, badges, numbers). Presentation only.</summary>
public static class StudioDisplay
{
    /// <summary>Staff, leaders, members and the administrator use the office pages (handling units do not).</summary>
    public static bool MayUse(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember;

    /// <summary>Bootstrap badge classes of a message state code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "new" => "text-bg-warning",
        "answered" => "text-bg-success",
        "converted" => "text-bg-primary",
        _ => "text-bg-light border",
    };

    /// <summary>A China date and time (yyyy-MM-dd HH:mm).</summary>
    public static string Time(DateTimeOffset? at) => at is { } t ? ChinaTime.InChina(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary>A response time in hours as text (e.g. 12 分钟 under an hour, 5.5 小时, 2.1 天), or — when there is none.</summary>
    public static string Hours(double? h) => h is not { } v ? "—" : v < 1 ? $"{Math.Max(1, Math.Round(v * 60)):0} 分钟" : v < 48 ? $"{v:0.#} 小时" : $"{v / 24:0.#} 天";

    /// <summary>
    /// A studio's response line for the manage page and the inbox: 「尚无留言」 without messages, 「留言 N 条（不计已关闭的） · 尚未回应」 (closed messages — advertisements, spam — are left out of the count and the times)
    /// before the first answer (not 「中位数 — · 3 个工作日内回应 —」), else the count, the median response time and the share
    /// answered within 3 working days.
    /// </summary>
    public static string ResponseLine(IStringLocalizer<StudiosText> t, StudioRules.ResponseStats r) =>
        r.Total == 0 ? t["ResponseEmpty"] : r.Responded == 0 ? t["ResponseNone", r.Total]
        : r.WithinThreeWorkingDays is null ? t["ResponseEarly", r.Total, Hours(r.MedianHours)]
        : t["ResponseLine", r.Total, Hours(r.MedianHours), Percent(r.WithinThreeWorkingDays)];

    /// <summary>A share 0–1 as a percent, or — when there is none.</summary>
    public static string Percent(double? share) => share is { } s ? $"{s * 100:0}%" : "—";
}
