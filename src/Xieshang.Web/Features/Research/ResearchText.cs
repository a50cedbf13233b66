using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Research;

/// <summary>Marker for the research pages' texts: <c>IStringLocalizer&lt;ResearchText&gt;</c> reads <c>Resources/Features/Research/ResearchText*.resx</c>.</summary>
public sealed class ResearchText;

/// <summary>How the research pages show what the rules decide: who may open them, badge colours, dates. Presentation only.</summary>
public static class ResearchDisplay
{
    /// <summary>Members and office accounts (handling units are refused).</summary>
    public static bool MayUse(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember;

    /// <summary>Bootstrap badge classes of a project status code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "planning" => "text-bg-light border",
        "plan-submitted" => "text-bg-warning",
        "plan-approved" or "fieldwork" => "text-bg-info",
        "reporting" => "text-bg-primary",
        "completed" => "text-bg-success",
        _ => "text-bg-secondary",
    };

    /// <summary>Bootstrap badge classes of a report status code.</summary>
    public static string ReportClass(string code) => code switch
    {
        "submitted" => "text-bg-warning",
        "approved" => "text-bg-info",
        "sent" => "text-bg-success",
        "returned" => "text-bg-danger",
        _ => "text-bg-light border",
    };

    /// <summary>Badge classes of a kind code (调研 / 视察).</summary>
    public static string KindClass(string code) => code == "inspection" ? "text-bg-dark" : "text-bg-secondary";

    /// <summary>A day as yyyy-MM-dd (empty for none).</summary>
    public static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    /// <summary>Staff names typed in one field, split at commas (，,), 顿号 (、), spaces and line breaks; empty parts dropped.</summary>
    public static string[] SplitNames(string? text) =>
        (text ?? "").Split(['，', ',', '、', ' ', '　', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A size in KB or MB.</summary>
    public static string Size(long bytes) => bytes >= 1048576
        ? (bytes / 1048576.0).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " MB"
        : Math.Max(1, bytes / 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) + " KB";
}
