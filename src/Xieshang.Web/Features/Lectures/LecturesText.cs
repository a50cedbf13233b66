using System.Globalization;
using Xieshang.Web.Infrastructure;

namespace Xieshang.Web.Features.Lectures;

/// <summary>Marker for the lecture pages' texts: <c>IStringLocalizer&lt;LecturesText&gt;</c> reads <c>Resources/Features/Lectures/LecturesText*.resx</c>.</summary>
public sealed class LecturesText;

/// <summary>API codes and Chinese names of <see cref="LectureHall"/> and <see cref="SpeakerKind"/>, and the lecture pages' small formatting helpers.</summary>
public static class LectureCodes
{
    /// <summary>Every hall with its API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(LectureHall Hall, string Code, string Name)> Halls =
    [
        (LectureHall.Cppcc, "cppcc", "政协讲堂"),
        (LectureHall.Ethics, "ethics", "道德讲堂"),
        (LectureHall.Law, "law", "法治讲堂"),
        (LectureHall.Other, "other", "其他讲堂"),
    ];

    /// <summary>Every speaker kind with its API code and Chinese name.</summary>
    public static readonly IReadOnlyList<(SpeakerKind Kind, string Code, string Name)> Kinds =
    [
        (SpeakerKind.Expert, "expert", "专家学者授课"),
        (SpeakerKind.Leader, "leader", "领导干部谈体会"),
        (SpeakerKind.Staff, "staff", "机关干部交流经验"),
        (SpeakerKind.Member, "member", "委员传递共识"),
    ];

    /// <summary>Parses a hall code (case-insensitive); null when unknown or empty.</summary>
    public static LectureHall? ParseHall(string? code) =>
        Halls.FirstOrDefault(h => string.Equals(h.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Code: not null } hit ? hit.Hall : null;

    /// <summary>API code of a hall.</summary>
    public static string HallCode(LectureHall hall) => Halls.First(h => h.Hall == hall).Code;

    /// <summary>Chinese name of a hall.</summary>
    public static string HallName(LectureHall hall) => Halls.First(h => h.Hall == hall).Name;

    /// <summary>Parses a speaker kind code (case-insensitive); null when unknown or empty.</summary>
    public static SpeakerKind? ParseKind(string? code) =>
        Kinds.FirstOrDefault(k => string.Equals(k.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Code: not null } hit ? hit.Kind : null;

    /// <summary>API code of a speaker kind.</summary>
    public static string KindCode(SpeakerKind kind) => Kinds.First(k => k.Kind == kind).Code;

    /// <summary>Chinese name of a speaker kind.</summary>
    public static string KindName(SpeakerKind kind) => Kinds.First(k => k.Kind == kind).Name;

    /// <summary>Resource key suffix of a lecture's state: <c>running</c> (held, not yet over), <c>held</c>, <c>draft</c>, <c>published</c>, <c>postponed</c>, <c>cancelled</c>.</summary>
    public static string StatusKey(string status, bool held, bool running = false) => running ? "running" : held ? "held" : status;

    /// <summary>Bootstrap badge classes of a lecture's state.</summary>
    public static string StatusClass(string status, bool held, bool running = false) => running ? "text-bg-info" : held ? "text-bg-success" : status switch
    {
        "draft" => "text-bg-light border",
        "cancelled" => "text-bg-secondary",
        "postponed" => "text-bg-warning",
        _ => "text-bg-primary",
    };

    /// <summary>A China day as yyyy-MM-dd.</summary>
    public static string Day(DateTimeOffset at) => ChinaTime.InChina(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A China time as yyyy-MM-ddTHH:mm (the value of a datetime-local input).</summary>
    public static string Local(DateTimeOffset at) => ChinaTime.InChina(at).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Parses a datetime-local value (China time) to an instant; null when empty or invalid.</summary>
    public static DateTimeOffset? ParseLocal(string? value) =>
        DateTime.TryParseExact(value?.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? new DateTimeOffset(t, ChinaTime.Offset) : null;
}
