using System.Globalization;

namespace Xieshang.Web.Features.Proposals;

/// <summary>Marker for the proposal pages' texts: <c>IStringLocalizer&lt;ProposalsText&gt;</c> reads <c>Resources/Features/Proposals/ProposalsText*.resx</c>.</summary>
public sealed class ProposalsText;

/// <summary>
/// How the proposal pages show what <see cref="ProposalRules"/> and <see cref="ProposalQueries"/> decide: resource keys and
/// badge colours of states, the list's tabs per viewer, and the reading of form values. Presentation only; no rule lives here.
/// </summary>
public static class ProposalDisplay
{
    /// <summary>Resource key of a state code (<c>State.under-review</c>).</summary>
    public static string StateKey(string code) => "State." + code;

    /// <summary>Resource key of an action code (<c>Action.return-assignment</c>).</summary>
    public static string ActionKey(string code) => "Action." + code;

    /// <summary>Bootstrap badge classes of a state code.</summary>
    public static string StateClass(string code) => code switch
    {
        "draft" => "text-bg-light border",
        "co-signing" => "text-bg-info",
        "submitted" or "under-review" => "text-bg-warning",
        "filed" => "text-bg-primary",
        "assigned" or "handling" => "xs-badge-handling",
        "rehandling" => "text-bg-danger",
        "replied" or "rated" => "text-bg-success",
        "closed" => "text-bg-secondary",
        "not-filed" or "merged" or "withdrawn" => "text-bg-light border text-secondary",
        "returned" => "text-bg-warning",
        _ => "text-bg-light border",
    };

    /// <summary>A list tab: code, resource key, and the states it shows (null: every state; the filter decides).</summary>
    public sealed record Tab(string Code, string Key, ProposalStatus[]? States, bool Mine = false, bool Overdue = false);

    private static readonly ProposalStatus[] InHand = [ProposalStatus.Assigned, ProposalStatus.Handling, ProposalStatus.Rehandling];
    private static readonly ProposalStatus[] Answered = [ProposalStatus.Replied, ProposalStatus.Rated, ProposalStatus.Closed];

    /// <summary>
    /// The states a handling unit can ever see a proposal in (from its assignment on); its list offers no other state
    /// in the status filter.
    /// </summary>
    public static readonly ProposalStatus[] UnitStates =
        [ProposalStatus.Assigned, ProposalStatus.Handling, ProposalStatus.Replied, ProposalStatus.Rated, ProposalStatus.Rehandling, ProposalStatus.Closed];

    /// <summary>Tabs of a member: 我的提案 (their own and those they co-sign), 本会已立案.</summary>
    public static readonly IReadOnlyList<Tab> MemberTabs =
    [
        new("mine", "Tab.mine", null, Mine: true),
        new("filed", "Tab.committeeFiled", ProposalAccess.FiledStates),
    ];

    /// <summary>Tabs of the office (staff, leaders, administrators).</summary>
    public static readonly IReadOnlyList<Tab> OfficeTabs =
    [
        new("review", "Tab.review", [ProposalStatus.Submitted, ProposalStatus.UnderReview]),
        new("to-assign", "Tab.toAssign", [ProposalStatus.Filed]),
        new("in-hand", "Tab.inHand", InHand),
        new("answered", "Tab.answered", Answered),
        new("all", "Tab.all", null),
    ];

    /// <summary>Tabs of a handling unit.</summary>
    public static readonly IReadOnlyList<Tab> UnitTabs =
    [
        new("todo", "Tab.todo", InHand),
        new("answered", "Tab.answered", Answered),
        new("overdue", "Tab.overdue", UnitStates, Overdue: true),
    ];

    /// <summary>A China date typed in a <c>date</c> input (<c>yyyy-MM-dd</c>): (null, true) when blank, (null, false) when unreadable.</summary>
    public static (DateOnly? Value, bool Ok) ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, true);
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100
            ? (d, true) : (null, false);
    }

    /// <summary>A similarity score (0..1) as a whole percentage, <c>48%</c>.</summary>
    public static string Percent(double score) => Math.Round(score * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary><c>2026-03-14</c>.</summary>
    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The stored body (sanitised HTML, a typed text's lines joined by <c>&lt;br&gt;</c>) as the textarea shows it.</summary>
    public static string BodyForEditing(string body) => Activities.ActivityDisplay.AgendaForEditing(body);
}
