using Microsoft.Extensions.Options;

namespace Xieshang.Web.Features.Duty;

/// <summary>
/// Duty-file settings, bound from the <c>Duty</c> configuration section and validated on start
/// (<see cref="DutyOptionsValidator"/>, registered by <see cref="DutyApi.AddDuty"/>).
/// </summary>
public sealed class DutyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Duty";

    /// <summary>Grade thresholds on the yearly total (<c>Duty:Grades:Excellent</c>, <c>Duty:Grades:Competent</c>).</summary>
    public DutyGradeThresholds Grades { get; set; } = new();

    /// <summary>Largest evidence file of a member's claim, in bytes (default 10 MB = 10,485,760).</summary>
    public long MaxEvidenceBytes { get; set; } = 10 * 1024 * 1024;
}

/// <summary>
/// Points a yearly total needs for each grade (DOMAIN.md §4.2: excellent ≥ 85, competent 60–84, below 60 → talk).
/// </summary>
public sealed class DutyGradeThresholds
{
    /// <summary>Lowest total graded 优秀 (excellent); default 85.</summary>
    public decimal Excellent { get; set; } = 85;

    /// <summary>Lowest total graded 称职 (competent); a total below it is graded 约谈 (talk). Default 60.</summary>
    public decimal Competent { get; set; } = 60;
}

/// <summary>Checks <see cref="DutyOptions"/> at start-up: a bad value stops the app with a one-line message.</summary>
public sealed class DutyOptionsValidator : IValidateOptions<DutyOptions>
{
    /// <summary>Largest threshold accepted (yearly scales are 100 or 120 points; leave room for bonuses).</summary>
    public const decimal MaxThreshold = 1000;

    public ValidateOptionsResult Validate(string? name, DutyOptions o)
    {
        var errors = new List<string>();
        var g = o.Grades;
        if (g is null) return ValidateOptionsResult.Fail("Duty:Grades is missing.");
        if (g.Competent < 0 || g.Competent > MaxThreshold) errors.Add($"Duty:Grades:Competent must lie between 0 and {MaxThreshold} (is {g.Competent}).");
        if (g.Excellent < 0 || g.Excellent > MaxThreshold) errors.Add($"Duty:Grades:Excellent must lie between 0 and {MaxThreshold} (is {g.Excellent}).");
        if (g.Excellent <= g.Competent) errors.Add($"Duty:Grades:Excellent ({g.Excellent}) must be higher than Duty:Grades:Competent ({g.Competent}).");
        if (o.MaxEvidenceBytes < 1 || o.MaxEvidenceBytes > 100 * 1024 * 1024) errors.Add($"Duty:MaxEvidenceBytes must lie between 1 and 104857600 (is {o.MaxEvidenceBytes}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Yearly grade of a member's duty file.</summary>
public enum DutyGrade
{
    /// <summary>优秀: total ≥ <see cref="DutyGradeThresholds.Excellent"/>.</summary>
    Excellent = 1,
    /// <summary>称职: <see cref="DutyGradeThresholds.Competent"/> ≤ total &lt; <see cref="DutyGradeThresholds.Excellent"/>.</summary>
    Competent = 2,
    /// <summary>约谈: total &lt; <see cref="DutyGradeThresholds.Competent"/>; the member is invited to a talk.</summary>
    Talk = 3,
}

/// <summary>
/// The one grade computation: the duty file, its exports and the balance dashboards all call <see cref="Of"/>;
/// queries that count members below the talk threshold compare totals with <see cref="TalkBelow"/>
/// (<c>total &lt; DutyGrades.TalkBelow(o)</c> translates to SQL).
/// </summary>
public static class DutyGrades
{
    /// <summary>The grade of a yearly <paramref name="total"/> under the configured thresholds.</summary>
    public static DutyGrade Of(decimal total, DutyOptions o) =>
        total >= o.Grades.Excellent ? DutyGrade.Excellent : total >= o.Grades.Competent ? DutyGrade.Competent : DutyGrade.Talk;

    /// <summary>Totals strictly below this value are graded <see cref="DutyGrade.Talk"/> (约谈).</summary>
    public static decimal TalkBelow(DutyOptions o) => o.Grades.Competent;

    /// <summary>True when <paramref name="total"/> is graded <see cref="DutyGrade.Talk"/>.</summary>
    public static bool IsTalk(decimal total, DutyOptions o) => total < TalkBelow(o);

    /// <summary>API code: <c>excellent</c>, <c>competent</c>, <c>talk</c>.</summary>
    public static string Code(DutyGrade g) => g switch
    {
        DutyGrade.Excellent => "excellent",
        DutyGrade.Competent => "competent",
        _ => "talk",
    };

    /// <summary>Chinese name as printed in the duty file: 优秀, 称职, 约谈.</summary>
    public static string Name(DutyGrade g) => g switch
    {
        DutyGrade.Excellent => "优秀",
        DutyGrade.Competent => "称职",
        _ => "约谈",
    };
}

/// <summary>Codes and Chinese names of <see cref="DutyCategory"/> for the API and the printed documents.</summary>
public static class DutyCategories
{
    /// <summary>API code: the enum name in camel case (<c>attendance</c>, <c>opinionItem</c>).</summary>
    public static string Code(DutyCategory c) => c.ToString() is var s && s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    /// <summary>Chinese name as printed in the duty file.</summary>
    public static string Name(DutyCategory c) => c switch
    {
        DutyCategory.Attendance => "会议活动",
        DutyCategory.Speech => "发言与执笔",
        DutyCategory.Proposal => "提案",
        DutyCategory.OpinionItem => "社情民意",
        DutyCategory.Research => "调研视察",
        DutyCategory.Study => "学习培训",
        DutyCategory.Volunteer => "志愿服务",
        DutyCategory.Honour => "荣誉表彰",
        DutyCategory.Discipline => "纪律",
        _ => "其他",
    };
}
