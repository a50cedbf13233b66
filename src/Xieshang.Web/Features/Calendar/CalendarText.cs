using Xieshang.Web.Features.Activities;

namespace Xieshang.Web.Features.Calendar;

/// <summary>Marker for the calendar's texts: <c>IStringLocalizer&lt;CalendarText&gt;</c> reads <c>Resources/Features/Calendar/CalendarText*.resx</c>.</summary>
public sealed class CalendarText;

/// <summary>Resource keys of what a calendar shows about an entry (its status, the member's answer).</summary>
public static class CalendarLabels
{
    /// <summary>Key of the entry's status badge; null for a plain published activity.</summary>
    public static string? StatusKey(CalendarEntry e) => e.Status switch
    {
        ActivityStatus.Draft => "StatusDraft",
        ActivityStatus.Postponed => "StatusPostponed",
        ActivityStatus.Cancelled => "StatusCancelled",
        _ => null,
    };

    /// <summary>
    /// Key of the viewing member's answer: 未回复, 已报名, 不参加, 已请假 (awaiting a decision), 已准假, 请假未准;
    /// null in a committee calendar.
    /// </summary>
    public static string? ResponseKey(CalendarEntry e) => e.Response switch
    {
        null => null,
        InvitationResponse.Attend => "ResponseAttend",
        InvitationResponse.Decline => "ResponseDecline",
        InvitationResponse.Leave => e.Leave switch
        {
            LeaveDecision.Granted => "ResponseLeaveGranted",
            LeaveDecision.Refused => "ResponseLeaveRefused",
            _ => "ResponseLeave",
        },
        _ => "ResponseNone",
    };

    /// <summary>Bootstrap colour class of the answer badge.</summary>
    public static string ResponseClass(CalendarEntry e) => e.Response switch
    {
        InvitationResponse.Attend => "text-bg-success",
        InvitationResponse.Decline => "text-bg-secondary",
        InvitationResponse.Leave when e.Leave == LeaveDecision.Refused => "text-bg-danger",
        InvitationResponse.Leave => "text-bg-info",
        _ => "text-bg-warning",
    };
}
