using System.Globalization;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Web.Features.Opinions;

/// <summary>Marker for the opinion pages' texts: <c>IStringLocalizer&lt;OpinionsText&gt;</c> reads <c>Resources/Features/Opinions/OpinionsText*.resx</c>.</summary>
public sealed class OpinionsText;

/// <summary>How the opinion pages show what <see cref="OpinionRules"/> decides: resource keys and badge colours. Presentation only.</summary>
public static class OpinionDisplay
{
    /// <summary>Resource key of a state code.</summary>
    public static string StatusKey(string code) => "Status." + code;

    /// <summary>Resource key of an action code.</summary>
    public static string ActionKey(string code) => "Action." + code;

    /// <summary>Bootstrap badge classes of a state code.</summary>
    public static string StatusClass(string code) => code switch
    {
        "draft" => "text-bg-light border",
        "submitted" or "under-review" => "text-bg-info",
        "accepted" => "text-bg-success",
        "kept" => "text-bg-secondary",
        "not-used" => "text-bg-danger",
        "returned" => "text-bg-warning",
        _ => "text-bg-light border",
    };

    /// <summary>Button classes of an action.</summary>
    public static string ActionClass(string action) => action switch
    {
        "accept" or "submit" => "btn-success",
        "reject" or "withdraw" => "btn-outline-danger",
        "return" => "btn-outline-warning",
        _ => "btn-outline-primary",
    };

    /// <summary><c>2026-12-03 09:00</c> in China time.</summary>
    public static string Time(DateTimeOffset at) => at.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Who may use the opinion pages: members, staff, leaders and administrators (not handling units).</summary>
    public static bool MayUse(CurrentUser user) => user.IsAdmin || user.IsStaff || user.IsLeader || (user.IsMember && user.MemberId is not null);

    /// <summary>True for staff and administrators (they write for members and compose bulletins).</summary>
    public static bool IsStaff(CurrentUser user) => user.IsAdmin || user.IsStaff;
}
