using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>Marker for the outcome pages' texts: <c>IStringLocalizer&lt;OutcomesText&gt;</c> reads <c>Resources/Features/Outcomes/OutcomesText*.resx</c>.</summary>
public sealed class OutcomesText;

/// <summary>Presentation helpers of the outcome pages.</summary>
public static class OutcomeDisplay
{
    /// <summary>The nav link and the dashboard: staff, leaders, handling units, the administrator.</summary>
    public static bool ShowsNav(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || user.IsHandlingUnit;

    /// <summary>Who sees the dashboard numbers (a unit sees only its own list).</summary>
    public static bool SeesDashboard(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader;

    /// <summary>Bootstrap badge classes of a status code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "pending" => "text-bg-light border",
        "not-adopted" => "text-bg-secondary",
        "stalled" => "text-bg-danger",
        "implemented" => "text-bg-success",
        _ => "text-bg-warning",
    };

    /// <summary>A share 0–1 as <c>66.7%</c>, or 「—」.</summary>
    public static string Share(double? v) => v is { } x ? (x * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>A number with one decimal, or 「—」.</summary>
    public static string Number(double? v) => v is { } x ? x.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) : "—";

    /// <summary>A day as yyyy-MM-dd.</summary>
    public static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
