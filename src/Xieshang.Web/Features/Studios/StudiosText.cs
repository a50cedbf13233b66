using System.Globalization;
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

    /// <summary>A share 0–1 as a percent, or — when there is none.</summary>
    public static string Percent(double? share) => share is { } s ? $"{s * 100:0}%" : "—";
}
