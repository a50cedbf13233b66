using Xieshang.Web.Infrastructure;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Xieshang.Web.Features.Duty;

namespace Xieshang.Web.Features.Activities;

/// <summary>Marker for the activity pages' texts: <c>IStringLocalizer&lt;ActivitiesText&gt;</c> reads <c>Resources/Features/Activities/ActivitiesText*.resx</c>.</summary>
public sealed class ActivitiesText;

/// <summary>
/// How the activity pages show what <see cref="ActivityRules"/> decides: resource keys and badge colours of states,
/// and China-time values for <c>datetime-local</c> inputs. Presentation only; no rule lives here.
/// </summary>
public static partial class ActivityDisplay
{
    /// <summary>Value format of an HTML <c>datetime-local</c> input.</summary>
    public const string LocalInputFormat = "yyyy-MM-dd'T'HH:mm";

    /// <summary>Resource key of an activity status code (<c>draft</c>, <c>published</c>, <c>postponed</c>, <c>cancelled</c>).</summary>
    public static string StatusKey(string status) => "Status." + status;

    /// <summary>Resource key of an activity status.</summary>
    public static string StatusKey(ActivityStatus status) => StatusKey(status.ToString().ToLowerInvariant());

    /// <summary>Bootstrap badge classes of an activity status; a plain published activity gets none (null).</summary>
    public static string? StatusClass(string status) => status switch
    {
        "draft" => "text-bg-light border",
        "postponed" => "text-bg-warning",
        "cancelled" => "text-bg-danger",
        _ => null,
    };

    /// <summary>Resource key of an invitee state code (see <see cref="ActivityRules.StatusCode"/>).</summary>
    public static string StateKey(string state) => "State." + state;

    /// <summary>Bootstrap badge classes of an invitee state code.</summary>
    public static string StateClass(string state) => state switch
    {
        "registered" => "text-bg-success",
        "declined" => "text-bg-secondary",
        "leave-requested" => "text-bg-info",
        "leave-granted" => "text-bg-primary",
        "leave-refused" => "text-bg-danger",
        _ => "text-bg-warning",
    };

    /// <summary>Resource key of an attendance role code (<c>present</c> … <c>absent</c>).</summary>
    public static string RoleKey(string role) => "Role." + role;

    /// <summary>Resource key of an attendance role.</summary>
    public static string RoleKey(AttendanceRole role) => RoleKey(ActivityRules.RoleCode(role));

    /// <summary>Every attendance role in the order of the form's select.</summary>
    public static readonly IReadOnlyList<AttendanceRole> Roles =
        [AttendanceRole.Present, AttendanceRole.NonVoting, AttendanceRole.Speaker, AttendanceRole.Author, AttendanceRole.Excused, AttendanceRole.Absent];

    /// <summary>Start and end in China time (<see cref="ActivityRules.When"/>) for a list row.</summary>
    public static string When(DateTimeOffset startsAt, DateTimeOffset endsAt) => ActivityRules.When(new Activity { StartsAt = startsAt, EndsAt = endsAt });

    /// <summary><c>2026-12-03 09:00</c> in China time.</summary>
    public static string Time(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The instant as a <c>datetime-local</c> value in China time (<c>2026-12-03T09:00</c>).</summary>
    public static string LocalInput(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString(LocalInputFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads a <c>datetime-local</c> value (<c>2026-12-03T09:00</c>, seconds optional) as China time (UTC+8).
    /// Blank gives (null, true); text that is not such a value gives (null, false).
    /// </summary>
    public static (DateTimeOffset? Value, bool Ok) ParseLocalInput(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, true);
        string[] formats = [LocalInputFormat, "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];
        if (!DateTime.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return (null, false);
        return (new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), ChinaTime.Offset), true);
    }

    /// <summary>
    /// The stored agenda as staff typed it, for the edit box: an agenda typed as plain text (stored as encoded lines
    /// joined by <c>&lt;br&gt;</c>, see <see cref="Infrastructure.Text.RichText.Sanitize"/>) comes back as those lines;
    /// an agenda written in HTML comes back as HTML.
    /// </summary>
    public static string AgendaForEditing(string agenda)
    {
        if (agenda.Length == 0 || OtherTag().IsMatch(agenda)) return agenda;
        return string.Join("\n", agenda.Split("<br>").Select(WebUtility.HtmlDecode));
    }

    /// <summary>File size for people: <c>820 KB</c>, <c>3.4 MB</c>.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{Math.Ceiling(bytes / 1024.0).ToString(CultureInfo.InvariantCulture)} KB",
        _ => $"{(bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} MB",
    };

    [GeneratedRegex("<(?!br>)")]
    private static partial Regex OtherTag();
}
