using System.Globalization;

namespace Xieshang.Web.Features.Duty;

/// <summary>Marker for the duty pages' texts: <c>IStringLocalizer&lt;DutyText&gt;</c> reads <c>Resources/Features/Duty/DutyText*.resx</c>.</summary>
public sealed class DutyText;

/// <summary>How the duty pages show what the rules decide: resource keys, badge colours, number formats. Presentation only.</summary>
public static class DutyDisplay
{
    /// <summary>Resource key of a category (<c>Category.Attendance</c>).</summary>
    public static string CategoryKey(DutyCategory c) => "Category." + c;

    /// <summary>Resource key of a grade (<c>Grade.Excellent</c>).</summary>
    public static string GradeKey(DutyGrade g) => "Grade." + g;

    /// <summary>Bootstrap badge classes of a grade.</summary>
    public static string GradeClass(DutyGrade g) => g switch
    {
        DutyGrade.Excellent => "text-bg-success",
        DutyGrade.Competent => "text-bg-light border",
        _ => "text-bg-danger",
    };

    /// <summary>Resource key of a claim status code (<c>Status.pending</c>).</summary>
    public static string StatusKey(string status) => "Status." + status;

    /// <summary>Bootstrap badge classes of a claim status code.</summary>
    public static string StatusClass(string status) => status switch
    {
        "approved" => "text-bg-success",
        "rejected" => "text-bg-danger",
        _ => "text-bg-warning",
    };

    /// <summary>Resource key of a rule source (<c>Source.Inherited</c>).</summary>
    public static string SourceKey(RuleSource s) => "Source." + s;

    /// <summary>Points with a sign: <c>+8</c>, <c>-20</c>, <c>0</c>, <c>+2.5</c>.</summary>
    public static string Signed(decimal p) => (p > 0 ? "+" : "") + DutyExport.Points(p);

    /// <summary>Text colour class of points: red deductions, muted zero.</summary>
    public static string PointsClass(decimal p) => p < 0 ? "text-danger" : p == 0 ? "text-secondary" : "text-success";

    /// <summary>A day as <c>2026-03-14</c>.</summary>
    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>True when a record's evidence is a link inside the platform (else it is a description).</summary>
    public static bool IsLink(string evidence) => evidence.StartsWith('/') && !evidence.StartsWith("//", StringComparison.Ordinal);
}
