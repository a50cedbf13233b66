using Microsoft.Extensions.Localization;
using Xieshang.Web.Components.Shared;

namespace Xieshang.Web.Features.Activities;

/// <summary>Marker of the check-in pages' texts: <c>Resources/Features/Activities/CheckInText.resx</c> (zh-CN) and <c>CheckInText.en.resx</c>.</summary>
public sealed class CheckInText;

/// <summary>The pages' words for a <see cref="CheckInError"/> (the API sends its Chinese message; pages follow the UI language).</summary>
public static class CheckInMessages
{
    /// <summary>Codes the pages know; any other code (a hand-edited <c>?error=</c>) reads as <c>invalid</c>.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>
    {
        "expired", "invalid", "ended", "not-open", "cancelled", "draft", "not-member", "not-invited", "out-of-scope", "inactive",
        "member-required", "member-not-found", "forbidden", "not-found", "query-too-long",
    };

    /// <summary>The message of <paramref name="code"/> for activity <paramref name="a"/>, in the UI language.</summary>
    public static string Of(IStringLocalizer<CheckInText> t, string? code, Activity a, CheckInService checkIn) =>
        (code is not null && Known.Contains(code) ? code : "invalid") switch
        {
            "not-open" => t["Error.not-open", Format.Time(checkIn.OpensAt(a))],
            "ended" => t["Error.ended", Format.Time(a.EndsAt)],
            var known => t["Error." + known],
        };

    /// <summary>The message of <paramref name="error"/> for activity <paramref name="a"/>, in the UI language.</summary>
    public static string Of(IStringLocalizer<CheckInText> t, CheckInError error, Activity a, CheckInService checkIn) => Of(t, error.Code, a, checkIn);
}
