using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Consultations;

/// <summary>Marker for the consultation pages' texts: <c>IStringLocalizer&lt;ConsultationsText&gt;</c> reads <c>Resources/Features/Consultations/ConsultationsText*.resx</c>.</summary>
public sealed class ConsultationsText;

/// <summary>How the consultation pages show what the rules decide: who may open them, badge colours. Presentation only.</summary>
public static class ConsultationDisplay
{
    /// <summary>Members and office accounts (handling units are refused).</summary>
    public static bool MayUse(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember;

    /// <summary>Bootstrap badge classes of a step code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "topic" or "research" => "text-bg-light border",
        "notice" or "meeting" => "text-bg-info",
        "minutes" or "adoption" => "text-bg-primary",
        "implementation" => "text-bg-warning",
        _ => "text-bg-success",
    };

    /// <summary>Bootstrap badge classes of a deadline state.</summary>
    public static string DeadlineClass(string state) => state switch
    {
        "done" => "text-bg-success",
        "late" => "text-bg-warning",
        "overdue" => "text-bg-danger",
        _ => "text-bg-light border",
    };

    /// <summary>A day as yyyy-MM-dd.</summary>
    public static string Day(DateOnly? d) => d?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
